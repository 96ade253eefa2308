"""The language model's cost to a process: load time, and the memory of a process that cleans pages.

Each figure comes from fresh processes (``--runs`` of each, taking turns, so a
busy moment of the shared machine falls on all of them); min / median / max:

* ``py3langid, shipped``: py3langid unpacking its LZMA-compressed model
  (``LanguageIdentifier.from_model_file``), as the cleaner did before;
* ``cleaner, first time``: `cleaner.detect.models` converting it into an
  empty cache folder (once per machine and py3langid version);
* ``cleaner, cached``: mapping the converted files;
* ``lexicon ru+bg+sr``: the same for three of the word lexicon's lists
  (`cleaner.detect.lexicon`: wordfreq imported and its lists hashed the
  first time, mapped afterwards).

numpy and the modules are imported before the clock starts in every row
(py3langid needs numpy either way: ~0.1 s on this machine), so the rows
compare the model alone.
Then the detect stage alone on the 181 ScrapingHub pages' documents, one
process per ``--tree`` in turns (CPU time, the memo emptied each pass,
fastest of three passes per process).  Then one process per ``--tree``
cleans the 181 pages and prints
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
    # The word lexicon's lists a short Cyrillic text needs (cleaner.detect.lexicon).
    "lexicon ru+bg+sr, first time": (
        "from cleaner.detect.lexicon import Lexicon", "[Lexicon().log_frequency(l, 'вот') for l in ('ru', 'bg', 'sr')]"),
    "lexicon ru+bg+sr, cached": (
        "from cleaner.detect.lexicon import Lexicon", "[Lexicon().log_frequency(l, 'вот') for l in ('ru', 'bg', 'sr')]"),
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

# The detect stage alone: the documents are taken as they reach it (one
# Cleaner, every page run up to detect), then tagged again --passes times
# with the memo emptied each pass; CPU time of the process (less sensitive
# to a shared machine than wall time), ms per page, fastest pass.
DETECT = """
import gzip, json, sys, time
from pathlib import Path
import cleaner, cleaner.core as core
from cleaner.detect import detect
data, passes = Path(sys.argv[1]), int(sys.argv[2])
truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
docs = []
def grab(doc, context):
    docs.append(doc)
    return doc
grab.__name__ = "detect"
core.STAGES = core.STAGES[:core.STAGES.index(core.detect)] + (grab,)
page_cleaner = cleaner.Cleaner()
for path in sorted((data / "html").glob("*.html.gz")):
    try:
        page_cleaner.clean(gzip.decompress(path.read_bytes()), url=truth[path.name.split(".")[0]]["url"])
    except Exception:
        pass  # the stages after detect were cut off: the result cannot be built
page_cleaner.detector.backend  # the model loaded before the clock
best = float("inf")
for _ in range(passes):
    page_cleaner.detector._memo.clear()
    start = time.process_time()
    for doc in docs:
        detect(doc, page_cleaner.context)
    best = min(best, (time.process_time() - start) / len(docs))
print(best)
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
    trees = args.tree or [REPO_ROOT]
    detect_ms: dict[Path, list[float]] = {tree: [] for tree in trees}
    for _ in range(args.runs):
        for tree in trees:
            detect_ms[tree].extend(run(DETECT, str(args.data), "3", tree=tree.resolve()))
    print(f"| tree | detect ms/page, CPU ({args.runs} processes, fastest of 3 passes each) |")
    print("| --- | --- |")
    for tree, values in detect_ms.items():
        print(f"| {tree} | {spread(values, 1000, 2)} |")
    print()
    print("| tree | peak RSS MiB | private (RssAnon) MiB | file pages (RssFile) MiB |")
    print("| --- | --- | --- | --- |")
    for tree in trees:
        peak, anon, file_pages = run(PAGES, str(args.data), tree=tree.resolve())
        print(f"| {tree} | {peak:.0f} | {anon:.0f} | {file_pages:.0f} |")


if __name__ == "__main__":
    main()
