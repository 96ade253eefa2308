"""The language model's cost to a process: load time, and the memory of a process that cleans pages.

Each figure comes from fresh processes (``--runs`` of each, taking turns, so a
busy moment of the shared machine falls on all of them); min / median / max:

* ``py3langid, shipped``: py3langid unpacking its LZMA-compressed model
  (``LanguageIdentifier.from_model_file``), as the cleaner did before;
* ``cleaner, first time``: `cleaner.detect.models` converting it into an
  empty cache folder (once per machine and py3langid version);
* ``cleaner, cached``: mapping the converted files.

numpy and the modules are imported before the clock starts in every row
(py3langid needs numpy either way: ~0.1 s on this machine), so the rows
compare the model alone.
Then one process per ``--tree`` cleans the 181 ScrapingHub pages and prints
its peak RSS (``ru_maxrss``) and, at the end, ``RssAnon`` (private) and
``RssFile`` (file pages: the mapped model, shared by every worker) from
``/proc/self/status``.

    PYTHONPATH=. .venv/bin/python bench/detect_model.py
    PYTHONPATH=. .venv/bin/python bench/detect_model.py --tree /tmp/base --tree .

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "scrapinghub").resolve()

# (imports, timed call): the imports are made before the clock starts.
LOAD = {
    "py3langid, shipped": (
        "from py3langid.langid import MODEL_FILE, LanguageIdentifier",
        "LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)"),
    "cleaner, first time": ("from cleaner.detect.models import py3langid_identifier", "py3langid_identifier()"),
    "cleaner, cached": ("from cleaner.detect.models import py3langid_identifier", "py3langid_identifier()"),
}
TIMED = "import sys, time, numpy\n{imports}\nt = time.perf_counter()\n{call}\nprint(time.perf_counter() - t)"
PAGES = """
import gzip, json, resource, sys
from pathlib import Path
import cleaner
data = Path(sys.argv[1])
truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
page_cleaner = cleaner.Cleaner()
for path in sorted((data / "html").glob("*.html.gz")):
    page_cleaner.clean(gzip.decompress(path.read_bytes()), url=truth[path.name.split(".")[0]]["url"])
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
kib = lambda key: int(status[key].split()[0]) / 1024
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, kib("RssAnon"), kib("RssFile"))
"""


def run(code: str, *args: str, tree: Path = REPO_ROOT, env: dict[str, str] | None = None) -> list[float]:
    """Run ``code`` in a fresh interpreter with ``tree`` first on the path; its printed numbers."""
    environment = dict(os.environ, **(env or {}))
    environment["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-c", code, *args], env=environment, capture_output=True, text=True,
                          check=True, cwd=tree)
    return [float(value) for value in done.stdout.split()]


def spread(values: list[float], scale: float, digits: int) -> str:
    return " / ".join(f"{v * scale:.{digits}f}" for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tree", type=Path, action="append", help="a checkout whose cleaner cleans the pages")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in LOAD}
    with tempfile.TemporaryDirectory() as cache:
        for turn in range(args.runs):
            for name, (imports, call) in LOAD.items():
                folder = str(Path(cache) / str(turn))  # a new, empty cache for each first time
                code = TIMED.format(imports=imports, call=call)
                times[name].extend(run(code, env={"CLEANER_CACHE_DIR": folder}))
    print(f"| model load, s ({args.runs} processes each) | min / median / max |")
    print("| --- | --- |")
    for name, values in times.items():
        print(f"| {name} | {spread(values, 1, 3)} |")
    print()
    print("| tree | peak RSS MiB | private (RssAnon) MiB | file pages (RssFile) MiB |")
    print("| --- | --- | --- | --- |")
    for tree in args.tree or [REPO_ROOT]:
        peak, anon, file_pages = run(PAGES, str(args.data), tree=tree.resolve())
        print(f"| {tree} | {peak:.0f} | {anon:.0f} | {file_pages:.0f} |")


if __name__ == "__main__":
    main()
