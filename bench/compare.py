"""Compare `clean()` output of two revisions on every benchmark page, fixture and seed.

A change that is not meant to change output must print ``differing pages: 0``.
Each revision is checked out into a temporary git worktree (the working tree
itself stands for ``--head WORKTREE``) and run in its own process with this
repository's `.venv`, so the two never share a cache.

    .venv/bin/python bench/compare.py                       # HEAD against the working tree
    .venv/bin/python bench/compare.py --base HEAD~3 --head HEAD
    .venv/bin/python bench/compare.py --ignore provenance.options --show 3
    .venv/bin/python bench/compare.py --base 5edbeff --speed 5   # and pages/s of both

With ``--speed N`` both revisions also clean the 181 ScrapingHub pages N
times each, in turns (base, head, base, head ...), each pass in a fresh
process after one warm-up page; it prints each pass and the median pages/s,
so a busy moment of a shared machine falls on both.

Pages: the 181 ScrapingHub pages (``../shared/bench/scrapinghub``), every
input under ``fixtures/`` and both seeds, cleaned with default options.  Each
page's output is its ``to_json()``; ``--ignore`` drops dotted keys (a field
a change renames on purpose) before comparing.  This prints figures; it is
not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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


def time_pass(data: Path) -> None:
    """One timed pass over the ScrapingHub pages with the `cleaner` on ``sys.path``; prints pages/s."""
    from cleaner import Cleaner

    bench = [(raw, url) for name, raw, url in pages(data) if name.startswith("scrapinghub/")]
    cleaner = Cleaner()
    cleaner.clean(*bench[0])  # models and first-use imports out of the timing
    start = time.perf_counter()
    for raw, url in bench:
        cleaner.clean(raw, url)
    print(len(bench) / (time.perf_counter() - start))


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """The package of ``revision`` in a temporary worktree (the working tree itself for WORKTREE)."""
    if revision == WORKTREE:
        yield REPO_ROOT
        return
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", "-q", str(tree), revision],
                       check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def run_in(tree: Path, *args: str) -> str:
    """This script (and its inputs) from the working tree, the package from ``tree``."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(tree))
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    return subprocess.run(command, check=True, env=env, capture_output=True, text=True).stdout


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
    parser.add_argument("--speed", type=int, default=0, metavar="N", help="also N timed passes of each, in turns")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--time-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.dump, args.data)
        return 0
    if args.time_pass:
        time_pass(args.data)
        return 0
    with tempfile.TemporaryDirectory() as tmp, checkout(args.base) as base_tree, checkout(args.head) as head_tree:
        base_out, head_out = Path(tmp) / "base.tsv", Path(tmp) / "head.tsv"
        run_in(base_tree, "--dump", str(base_out), "--data", str(args.data))
        run_in(head_tree, "--dump", str(head_out), "--data", str(args.data))
        base, head = load_dump(base_out, args.ignore), load_dump(head_out, args.ignore)
        speeds: dict[str, list[float]] = {args.base: [], args.head: []}
        for _ in range(args.speed):
            for revision, tree in ((args.base, base_tree), (args.head, head_tree)):
                speeds[revision].append(float(run_in(tree, "--time-pass", "--data", str(args.data))))
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
    if args.speed:
        for revision, passes in speeds.items():
            shown = ", ".join(f"{p:.1f}" for p in passes)
            print(f"pages/s {revision}: median {statistics.median(passes):.1f} ({shown})")
        ratio = statistics.median(speeds[args.head]) / statistics.median(speeds[args.base])
        print(f"speed {args.head} / {args.base}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
