"""Start-up: whole processes, from nothing to one small page cleaned, against trafilatura's command line.

Every row is a fresh process, run ``--runs`` times; the rows take turns (one
run of each, then the next round), so a busy moment of a shared machine falls
on all of them.  Wall time is measured around the process; ``Cleaner()`` and
the first ``clean()`` are also timed inside their process (the ``in-process``
column), and peak RSS is the process's own (``os.wait4``).

    .venv/bin/python bench/startup.py
    .venv/bin/python bench/startup.py --runs 11 --text fixtures/seeds/000_f72e3418c6e8cf22.txt
    .venv/bin/python bench/startup.py --tree /tmp/base --tree .   # two checkouts' cleaners, in turns

Rows: the bare interpreter; ``import cleaner``; ``Cleaner()``; ``Cleaner()``
and one ``clean()`` of the text page; ``clean page.txt`` and ``clean
page.html`` (the command line, text output); ``trafilatura < page`` on the
same pages (its command line, default settings).  The cleaner imported is
this tree's, or each ``--tree``'s in turn (a git worktree of another
revision): the rows that do not run the cleaner are measured once.  Prints a Markdown table of min / median / max; a benchmark that
prints figures, not a test.

Each tree's bytecode is compiled first (``compileall``), as ``pip install``
and ``make`` do: with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``,
every process would compile the package from source (~55 ms), which no
installed tool does.  ``--no-bytecode`` measures that case instead.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEXT_PAGE = REPO_ROOT / "fixtures" / "seeds" / "002_9e5059d829b5ffdd.txt"
HTML_PAGE = REPO_ROOT / "fixtures" / "html" / "semantic_clean_en.html"
# Printed by the in-process rows: seconds from after the imports to after the call.
TIMED = "import sys, time, cleaner\nt = time.perf_counter()\n{call}\nprint('TIMED', time.perf_counter() - t, file=sys.stderr)"


def rows(text: Path, html: Path) -> list[tuple[str, list[str], Path | None]]:
    """(label, argv, stdin file) of every process measured."""
    python = sys.executable
    page = f"open({str(text)!r}, 'rb').read()"
    return [
        ("python -c pass (the interpreter alone)", [python, "-c", "pass"], None),
        ("python -c 'import cleaner'", [python, "-c", "import cleaner"], None),
        ("Cleaner()", [python, "-c", TIMED.format(call="cleaner.Cleaner()")], None),
        ("Cleaner() and one clean() of page.txt", [python, "-c", TIMED.format(call=f"cleaner.Cleaner().clean({page})")],
         None),
        (f"clean page.txt ({text.stat().st_size:,} bytes)", [str(BIN / "clean"), str(text)], None),
        (f"trafilatura < page.txt", [str(BIN / "trafilatura")], text),
        (f"clean page.html ({html.stat().st_size:,} bytes)", [str(BIN / "clean"), str(html)], None),
        (f"trafilatura < page.html", [str(BIN / "trafilatura")], html),
    ]


def run(argv: list[str], stdin: Path | None, tree: Path) -> tuple[float, float | None, float]:
    """Wall seconds, the in-process seconds it printed (if any), peak RSS in MB of one process."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryFile() as err, open(stdin or os.devnull, "rb") as given:
        began = time.perf_counter()
        process = subprocess.Popen(argv, stdin=given, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=tree)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage, not all children's
        wall = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}: {message[-500:]}")
    timed = next((float(line.split()[1]) for line in message.splitlines() if line.startswith("TIMED ")), None)
    return wall, timed, usage.ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per row (default 7)")
    parser.add_argument("--text", type=Path, default=TEXT_PAGE, help="the small text page")
    parser.add_argument("--html", type=Path, default=HTML_PAGE, help="the small HTML page")
    parser.add_argument("--tree", type=Path, action="append",
                        help="a checkout whose cleaner runs (default: this one); repeat to compare, in turns")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="remove the trees' compiled bytecode first: every process compiles the package")
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.tree or [REPO_ROOT]]
    for tree in trees:
        for cache in (tree / "cleaner").rglob("__pycache__"):
            shutil.rmtree(cache)
        if not args.no_bytecode:
            compileall.compile_dir(tree / "cleaner", quiet=1)
    measured = [(label, argv, stdin, tree) for label, argv, stdin in rows(args.text.resolve(), args.html.resolve())
                for tree in (trees if _runs_cleaner(argv) else trees[:1])]
    walls: list[list[float]] = [[] for _ in measured]
    inside: list[list[float]] = [[] for _ in measured]
    rss: list[list[float]] = [[] for _ in measured]
    for _ in range(args.runs):
        for i, (_, argv, stdin, tree) in enumerate(measured):
            wall, timed, peak = run(argv, stdin, tree)
            walls[i].append(wall)
            rss[i].append(peak)
            if timed is not None:
                inside[i].append(timed)
    compiled = "without the cleaner's bytecode" if args.no_bytecode else "the cleaner's bytecode compiled"
    print(f"{args.runs} runs per row, in turns, {compiled}; seconds (min / median / max); peak RSS median\n")
    print("| process | cleaner from | wall s | in-process s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for i, (label, argv, _, tree) in enumerate(measured):
        within = _spread(inside[i]) if inside[i] else ""
        source = _describe(tree) if _runs_cleaner(argv) else ""
        print(f"| {label} | {source} | {_spread(walls[i])} | {within} | {statistics.median(rss[i]):.0f} |")


def _runs_cleaner(argv: list[str]) -> bool:
    return "cleaner" in " ".join(argv[1:]) or Path(argv[0]).name == "clean"


def _describe(tree: Path) -> str:
    """The checkout's commit, with ``+`` when its working tree has changes."""
    head = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    return (head.stdout.strip() or str(tree)) + ("+" if dirty.stdout.strip() else "")


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


if __name__ == "__main__":
    main()
