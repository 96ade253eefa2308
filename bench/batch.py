"""Batch throughput and memory of `clean` over JSON Lines, against bare trafilatura.

Builds JSON Lines files of N records from the 181 ScrapingHub pages (cycled,
each record with an id, url and html field) in a temporary folder, then runs
each setting as its own process, output to /dev/null:

* trafilatura: one process calling ``trafilatura.extract`` on every record's html;
* ``clean --jobs 1`` and ``clean --jobs 2`` on the same file.

It prints records per second (median of ``--passes`` passes taken in turns
across the settings, so a busy moment of a shared machine falls on all of
them; these runs are not sampled), and from one more run of each setting the peak resident memory of the largest single process (for
``--jobs 2``: a worker) and the peak proportional memory summed over the
process tree (parent, workers, fork server), sampled from /proc every 50 ms;
2,000 records for speed and, for the memory check, 20,000.

    .venv/bin/python bench/batch.py                 # 2,000 and 20,000 records
    .venv/bin/python bench/batch.py --small 500 --large 0 --passes 1

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (ROOT / ".." / "shared" / "bench" / "scrapinghub").resolve()

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


def _tree(root_pid: int) -> list[int]:
    """A process and all its descendants (workers, a fork server, the resource tracker)."""
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                todo.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(pid)
    return found


def _memory(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of one process, in bytes.

    RSS counts pages shared with other processes (modules imported before a
    fork, a memory-mapped model) in full in every process; PSS divides each
    shared page among its sharers, so PSS summed over a process tree is what
    the tree really holds.
    """
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return rss, pss


@dataclass
class Run:
    seconds: float
    peak_rss: int  # the largest single process (for --jobs N: a worker)
    peak_pss: int  # the whole tree, summed


def measure(command: list[str], memory: bool) -> Run:
    """Wall seconds, and with ``memory`` peak memory, of a command, output discarded.

    Speed runs are not sampled: reading smaps of every process 20 times a
    second costs CPU that a run of two workers on two cores would miss.
    """
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=sink, stderr=errors, cwd=ROOT)
        peak_rss = peak_pss = 0
        while memory and process.poll() is None:
            sizes = [_memory(pid) for pid in _tree(process.pid)]
            peak_rss = max([peak_rss] + [rss for rss, _ in sizes])
            peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
            time.sleep(0.05)
        process.wait()
        elapsed = time.perf_counter() - started
        if process.returncode not in (0, 1):  # 1: some records failed, still a finished run
            errors.seek(0)
            raise SystemExit(f"{command[2:4]} failed: {errors.read().decode()[-500:]}")
    return Run(elapsed, peak_rss, peak_pss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--small", type=int, default=2000, help="records for the speed rows")
    parser.add_argument("--large", type=int, default=20000, help="records for the memory row (0: none)")
    parser.add_argument("--passes", type=int, default=3, help="speed passes, taken in turns across rows")
    args = parser.parse_args()
    clean = [sys.executable, "-m", "cleaner.cli", "--format", "jsonl"]
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder) / "small.jsonl", Path(folder) / "large.jsonl"
        build_jsonl(args.data, args.small, small)
        rows = [
            ("trafilatura.extract, 1 process", [sys.executable, "-c", TRAFILATURA_LOOP, str(small)]),
            ("clean --jobs 1", clean + ["--jobs", "1", str(small)]),
            ("clean --jobs 2", clean + ["--jobs", "2", str(small)]),
        ]
        seconds: dict[str, list[float]] = {name: [] for name, _ in rows}
        for _ in range(args.passes):
            for name, command in rows:
                seconds[name].append(measure(command, memory=False).seconds)
        memory = {name: measure(command, memory=True) for name, command in rows}  # one more run each, sampled
        print(f"{args.small} records; records/s: median of {args.passes} unsampled passes taken in turns; memory "
              "from one more run each: peak RSS of the largest single process, peak PSS summed over all processes")
        print()
        print("| setting | records | records/s | peak RSS MiB, largest process | peak PSS MiB, all processes |")
        print("| --- | --- | --- | --- | --- |")
        for name, _ in rows:
            print(_row(name, args.small, seconds[name], memory[name]), flush=True)
        if args.large:
            build_jsonl(args.data, args.large, large)
            run = measure(clean + ["--jobs", "2", str(large)], memory=True)
            print(_row("clean --jobs 2", args.large, [run.seconds], run), flush=True)
        ratios = [a / b for a, b in zip(seconds["clean --jobs 1"], seconds["clean --jobs 2"])]
        print()
        print(f"2 workers / 1: {statistics.median(ratios):.2f} (passes: {', '.join(f'{r:.2f}' for r in ratios)})")


def _row(name: str, count: int, seconds: list[float], memory: Run) -> str:
    rate = count / statistics.median(seconds)
    return f"| {name} | {count} | {rate:.1f} | {memory.peak_rss / 2**20:.0f} | {memory.peak_pss / 2**20:.0f} |"


if __name__ == "__main__":
    main()
