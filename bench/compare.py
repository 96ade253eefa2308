"""Compare `clean()` output of two revisions on every benchmark page, fixture and seed.

A change that is not meant to change output must print ``differing pages: 0``.
Each revision is checked out into a temporary git worktree (the working tree
itself stands for ``--head WORKTREE``) and run in its own process with this
repository's `.venv`, so the two never share a cache.

    .venv/bin/python bench/compare.py                       # HEAD against the working tree
    .venv/bin/python bench/compare.py --base HEAD~3 --head HEAD
    .venv/bin/python bench/compare.py --ignore provenance.options --show 3

Pages: the 181 ScrapingHub pages (``../shared/bench/scrapinghub``), every
input under ``fixtures/`` and both seeds, cleaned with default options.  Each
page's output is its ``to_json()``; ``--ignore`` drops dotted keys (a field
a change renames on purpose) before comparing.  This prints figures; it is
not a test.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "scrapinghub").resolve()
WORKTREE = "WORKTREE"


def pages(data: Path) -> list[tuple[str, bytes, str | None]]:
    """(name, bytes, url) of every page compared, in a fixed order."""
    found = []
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        raw = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        found.append((f"scrapinghub/{page_id}", raw, truth[page_id].get("url")))
    for path in sorted((REPO_ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".txt"):
            found.append((str(path.relative_to(REPO_ROOT)), path.read_bytes(), None))
    return found


def dump(out: Path, data: Path) -> None:
    """Clean every page with the `cleaner` on ``sys.path`` and write ``name\\tjson`` lines."""
    from cleaner import clean

    with out.open("w", encoding="utf-8") as stream:
        for name, raw, url in pages(data):
            try:
                text = clean(raw, url=url).to_json()
            except Exception as exc:  # noqa: BLE001 - a failure is an output too
                text = json.dumps({"exception": type(exc).__name__, "message": str(exc)})
            stream.write(f"{name}\t{text}\n")


def run_revision(revision: str, out: Path, data: Path) -> None:
    """Dump the outputs of ``revision`` (a commit, or WORKTREE for the files as they are)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    script = [sys.executable, str(Path(__file__).resolve()), "--dump", str(out), "--data", str(data)]
    if revision == WORKTREE:
        subprocess.run(script, check=True, env=dict(env, PYTHONPATH=str(REPO_ROOT)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", "-q", str(tree), revision],
                       check=True)
        try:
            # This script, and its inputs, stay the working tree's: only the package comes from the revision.
            subprocess.run(script, check=True, env=dict(env, PYTHONPATH=str(tree)))
        finally:
            subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def load_dump(path: Path, ignore: list[str]) -> dict[str, str]:
    outputs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, text = line.split("\t", 1)
        obj = json.loads(text)
        for key in ignore:
            *parents, last = key.split(".")
            node = obj
            for part in parents:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict):
                node.pop(last, None)
        outputs[name] = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False)
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="revision to compare from (default HEAD)")
    parser.add_argument("--head", default=WORKTREE, help="revision to compare to (default: the working tree)")
    parser.add_argument("--ignore", action="append", default=[], metavar="KEY",
                        help="dotted key left out of the comparison, e.g. provenance.options (repeatable)")
    parser.add_argument("--show", type=int, default=2, metavar="N", help="print the diff of the first N differing pages")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.dump, args.data)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base_out, head_out = Path(tmp) / "base.tsv", Path(tmp) / "head.tsv"
        run_revision(args.base, base_out, args.data)
        run_revision(args.head, head_out, args.data)
        base, head = load_dump(base_out, args.ignore), load_dump(head_out, args.ignore)
    names = sorted(set(base) | set(head))
    differing = [n for n in names if base.get(n) != head.get(n)]
    print(f"pages compared: {len(names)} ({args.base} against {args.head})")
    if args.ignore:
        print(f"ignored keys: {', '.join(args.ignore)}")
    for name in differing[:args.show]:
        diff = difflib.unified_diff((base.get(name) or "").splitlines(), (head.get(name) or "").splitlines(),
                                    f"{args.base}:{name}", f"{args.head}:{name}", lineterm="", n=1)
        print("\n".join(list(diff)[:60]))
    for name in differing[args.show:]:
        print(f"differs: {name}")
    print(f"differing pages: {len(differing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
