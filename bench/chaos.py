"""Peak memory and time of `clean` on compression bombs, pathological pages and a huge phrase pack.

Each case is built in a temporary folder as it is written (small on disk,
nothing held whole: `bench/bombs.py`) and run as its own `clean --jobs 1`
process; its peak resident memory is that process's ``ru_maxrss`` (from
``os.wait4``), its time the wall clock.  The pages are run with the default
limits (``max_bytes`` 10 MB, ``timeout`` 60 s, the structure limits), the
bombs with the default ``max_bytes``.

    .venv/bin/python bench/chaos.py                  # the sizes of issue #11
    .venv/bin/python bench/chaos.py --bomb-gb 0.5 --phrases 10000

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bombs import attribute_page, br_page, jsonl_gz_bomb, paragraphs_page, phrase_pack, warc_gz_bomb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def run(folder: Path, *args: str) -> tuple[float, float, str]:
    """Seconds, peak MiB and what came out (each record's error type, or 'cleaned') of one `clean` run."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out_path = folder / "out.jsonl"
    began = time.monotonic()
    with out_path.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "--format", "jsonl", "--jobs", "1", *args],
                                cwd=folder, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - began
    outcomes = []
    for line in out_path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        outcomes.append(record["error"]["type"] if "error" in record else "cleaned")
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted({k: outcomes.count(k) for k in outcomes}.items()))
    return seconds, usage.ru_maxrss / 1024, f"exit {os.waitstatus_to_exitcode(status)}; {summary}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-gb", type=float, default=5.0, help="what each bomb inflates to (default 5 GB)")
    parser.add_argument("--attributes", type=int, default=1_000_000)
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--brs", type=int, default=2_000_000)
    parser.add_argument("--phrases", type=int, default=100_000)
    args = parser.parse_args(argv)
    inflated = int(args.bomb_gb * (1 << 30))
    rows = []
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        folder = Path(tmp)
        (folder / "page.txt").write_text("Title\n\nAn ordinary page, cleaned with the pack loaded.\n", encoding="utf-8")
        cases = [
            (f".jsonl.gz inflating to {args.bomb_gb:g} GB", lambda: [jsonl_gz_bomb(folder / "bomb.jsonl.gz", inflated).name]),
            (f".warc.gz inflating to {args.bomb_gb:g} GB", lambda: [warc_gz_bomb(folder / "bomb.warc.gz", inflated).name]),
            (f"{args.attributes:,} attributes", lambda: [_page(folder / "attributes.html", attribute_page(args.attributes))]),
            (f"{args.paragraphs:,} paragraphs", lambda: [_page(folder / "paragraphs.html", paragraphs_page(args.paragraphs))]),
            (f"{args.brs:,} <br>", lambda: [_page(folder / "brs.html", br_page(args.brs))]),
            (f"{args.phrases:,}-phrase pack (start and one page)",
             lambda: ["--rules", phrase_pack(folder / "phrases.toml", args.phrases).name, "page.txt"]),
        ]
        for name, build in cases:
            made = time.monotonic()
            files = build()
            size = sum((folder / f).stat().st_size for f in files if (folder / f).is_file())
            built = time.monotonic() - made
            seconds, peak, outcome = run(folder, *files)
            rows.append((name, f"{size / (1 << 20):.1f}", f"{built:.1f}", f"{seconds:.1f}", f"{peak:.0f}", outcome))
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
            for f in files:
                if (folder / f).is_file() and f != "page.txt":
                    (folder / f).unlink()
    print("| case | file MiB | build s | clean s | peak MiB | outcome |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def _page(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return path.name


if __name__ == "__main__":
    sys.exit(main())
