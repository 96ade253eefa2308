"""What ``links`` and ``images`` keep, and what they cost, on the ScrapingHub pages.

Cleans the 181 ScrapingHub pages (``../shared/bench/scrapinghub``) with
default options and with ``links=True, images=True``, in turns, and prints:
pages whose article text differs between the two (trafilatura extracts with
other settings), links and pictures kept, links and pictures taken by the
rules with their blocks, and pages/s of each (median of the passes).

    .venv/bin/python bench/inline.py
    .venv/bin/python bench/inline.py --passes 5

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from pathlib import Path

from cleaner import Cleaner

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "scrapinghub").resolve()


def pages(data: Path) -> list[tuple[str, bytes, str | None]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [(page_id, gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()), truth[page_id].get("url"))
            for page_id in sorted(truth)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    bench = pages(args.data)
    plain, inline = Cleaner(), Cleaner(links=True, images=True)
    for cleaner in (plain, inline):
        cleaner.clean(bench[0][1], bench[0][2])  # models and first-use imports out of the timing
    speeds: dict[str, list[float]] = {"default": [], "links+images": []}
    for _ in range(args.passes):
        for name, cleaner in (("default", plain), ("links+images", inline)):
            start = time.perf_counter()
            for _, raw, url in bench:
                cleaner.clean(raw, url)
            speeds[name].append(len(bench) / (time.perf_counter() - start))
    differ = links = images = captions = pages_with = 0
    for _, raw, url in bench:
        base, kept = plain.clean(raw, url), inline.clean(raw, url)
        differ += base.text != kept.text
        found = [(len(s.links or ()), s.images or []) for s in kept.segments]
        links += sum(n for n, _ in found)
        images += sum(len(i) for _, i in found)
        captions += sum(1 for _, i in found for image in i if image.caption)
        pages_with += any(n or i for n, i in found)
    print(f"pages: {len(bench)}; article text differs with links+images: {differ}")
    print(f"pages with a link or picture kept: {pages_with}; links kept: {links}; pictures kept: {images} "
          f"({captions} with a caption)")
    for name, values in speeds.items():
        print(f"{name}: {statistics.median(values):.1f} pages/s (passes: {', '.join(f'{v:.1f}' for v in values)})")


if __name__ == "__main__":
    main()
