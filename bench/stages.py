"""Where the cleaner's time goes on an HTML page, stage by stage.

Cleans the 181 ScrapingHub pages (``../shared/bench/scrapinghub``) with the
stage functions wrapped in timers and prints milliseconds per page for each:
the core stages (load, extract, repair, detect, rules, normalise, result) and,
inside extract, trafilatura's parse and extraction and our pruning, and the
biggest parts of trafilatura's own work on the tree we hand it.  Nested
stages are counted inside their parents too, so the column does not add up.
Three passes, each with a fresh `Cleaner` (its memos start empty); the fastest
pass of each stage is shown.  Wrapping adds a little to every call.

    .venv/bin/python bench/stages.py
    .venv/bin/python bench/stages.py --passes 5

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "scrapinghub").resolve()

# (module, function, label): module-level names the stages are called through;
# module None: a stage of cleaner.core.STAGES, wrapped in that tuple.
STAGES = [
    (None, "load", "load"),
    (None, "limit", "limit"),
    ("cleaner.limits", "_scan", "limit › tag scan (pages the bounds do not clear)"),
    (None, "extract", "extract"),
    ("cleaner.html.extract", "_parse", "extract › parse"),
    ("trafilatura.utils", "repair_faulty_html", "extract › parse › trafilatura's string repairs"),
    ("cleaner.html.extract", "_strip_code", "extract › strip scripts, styles"),
    ("cleaner.html.extract", "prune", "extract › prune"),
    ("cleaner.html.prune", "_walk", "extract › prune › walk the tree"),
    ("cleaner.html.prune", "_phrase_elements", "extract › prune › phrase elements"),
    ("trafilatura", "bare_extraction", "extract › trafilatura"),
    # Inside trafilatura (its own work on the tree we hand it; `copy` also copies its settings once or twice).
    ("trafilatura.core", "copy", "extract › trafilatura › tree copies"),
    ("trafilatura.core", "prune_unwanted_nodes", "extract › trafilatura › its XPath pruning"),
    ("trafilatura.main_extractor", "prune_unwanted_nodes", "extract › trafilatura › its XPath pruning"),
    ("trafilatura.core", "extract_content", "extract › trafilatura › main extractor"),
    ("trafilatura.core", "html2txt", "extract › trafilatura › page text for its recall check"),
    ("cleaner.html.extract", "page_metadata", "extract › metadata"),
    ("cleaner.html.metadata", "_htmldate", "extract › metadata › htmldate"),
    ("cleaner.html.extract", "_missed_leaves", "extract › missed-text check"),
    (None, "repair", "repair"),
    (None, "detect", "detect"),
    (None, "apply_rules", "rules"),
    (None, "apply_site_rules", "sites"),
    (None, "normalise", "normalise"),
    ("cleaner.core", "build_result", "result"),
]


def _timed(function: Callable, label: str, spent: dict[str, float]) -> Callable:
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT))
    import importlib

    import cleaner

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [(gzip.decompress(path.read_bytes()), truth[path.name.split(".")[0]]["url"])
             for path in sorted((args.data / "html").glob("*.html.gz"))]
    spent: dict[str, float] = defaultdict(float)
    labels = {name: label for module_name, name, label in STAGES if module_name is None}
    for module_name, name, label in STAGES:
        if module_name is not None:
            module = importlib.import_module(module_name)
            if hasattr(module, name):  # an older revision may not have it: its row is left out
                setattr(module, name, _timed(getattr(module, name), label, spent))
    core = importlib.import_module("cleaner.core")
    core.STAGES = tuple(_timed(stage, labels.get(stage.__name__, stage.__name__), spent) for stage in core.STAGES)
    best: dict[str, float] = {}
    totals = []
    for _ in range(args.passes):
        page_cleaner = cleaner.Cleaner()
        page_cleaner.clean(*pages[0])
        spent.clear()
        start = time.perf_counter()
        for html, url in pages:
            page_cleaner.clean(html, url=url)
        totals.append(time.perf_counter() - start)
        for label, seconds in spent.items():
            best[label] = min(best.get(label, seconds), seconds)
    per_page = 1000 / len(pages)
    print(f"| stage | ms/page (fastest of {args.passes} passes) |")
    print("| --- | --- |")
    print(f"| all of clean() | {min(totals) * per_page:.2f} |")
    for label in dict.fromkeys(label for _, _, label in STAGES):
        if label in best:
            print(f"| {label} | {best[label] * per_page:.2f} |")


if __name__ == "__main__":
    main()
