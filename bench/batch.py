"""Batch throughput and memory of `clean` over JSON Lines, against bare trafilatura.

Builds JSON Lines files of N records from the 181 ScrapingHub pages (cycled,
each record with an id, url and html field) in a temporary folder, then runs
each setting as its own process, output to /dev/null:

* trafilatura: one process calling ``trafilatura.extract`` on every record's html;
* ``clean --jobs 1`` and ``clean --jobs 2`` on the same file.

It prints records per second and the peak resident memory of the whole
process tree (parent and workers, summed, sampled from /proc every 50 ms),
for 2,000 records and, for the memory check, 20,000.

    .venv/bin/python bench/batch.py                 # 2,000 and 20,000 records
    .venv/bin/python bench/batch.py --small 500 --large 2000

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (ROOT / ".." / "shared" / "bench" / "scrapinghub").resolve()
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

TRAFILATURA_LOOP = """
import json, sys, trafilatura
for line in open(sys.argv[1], encoding="utf-8"):
    trafilatura.extract(json.loads(line)["html"])
"""


def build_jsonl(data: Path, count: int, path: Path) -> None:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(data.glob("html/*.html.gz"))
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            page = pages[n % len(pages)]
            page_id = page.name.split(".")[0]
            html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
            out.write(json.dumps({"id": n, "url": truth[page_id]["url"], "html": html}) + "\n")


def tree_rss(root_pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE_SIZE
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                todo.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak tree RSS of a command, output discarded."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, cwd=ROOT)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):  # 1: some records failed, still a finished run
        raise SystemExit(f"{command[2:4]} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--small", type=int, default=2000, help="records for the speed rows")
    parser.add_argument("--large", type=int, default=20000, help="records for the memory row")
    args = parser.parse_args()
    clean = [sys.executable, "-m", "cleaner.cli", "--format", "jsonl"]
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder) / "small.jsonl", Path(folder) / "large.jsonl"
        build_jsonl(args.data, args.small, small)
        build_jsonl(args.data, args.large, large)
        rows = [
            ("trafilatura.extract, 1 process", args.small, [sys.executable, "-c", TRAFILATURA_LOOP, str(small)]),
            ("clean --jobs 1", args.small, clean + ["--jobs", "1", str(small)]),
            ("clean --jobs 2", args.small, clean + ["--jobs", "2", str(small)]),
            ("clean --jobs 2", args.large, clean + ["--jobs", "2", str(large)]),
        ]
        print("| setting | records | records/s | peak RSS MiB (all processes) |")
        print("| --- | --- | --- | --- |")
        for name, count, command in rows:
            elapsed, peak = measure(command)
            print(f"| {name} | {count} | {count / elapsed:.1f} | {peak / 2**20:.0f} |", flush=True)


if __name__ == "__main__":
    main()
