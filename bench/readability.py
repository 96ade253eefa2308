"""Text, titles, bylines and published times on Mozilla Readability's 130 test pages.

For the cleaner and for trafilatura defaults (with metadata), in the same run:

- text F1: the ScrapingHub metric (`bench/scrapinghub.py`, imported, not
  copied) against the text of ``expected.html``;
- titles, bylines and published times right, out of the pages that have one
  in ``expected-metadata.json`` (titles: out of all 130).

This prints figures; it is not a test and asserts nothing about them.

    .venv/bin/python bench/readability.py
    .venv/bin/python bench/readability.py --show titles      # every wrong title, both extractors

How "right" is decided, the same for both extractors:

- a title is right when, whitespace-normalised and casefolded, it equals the
  expected title, or the expected title with one segment at its end or start
  cut off at a separator (``|``, ``-``, ``–``, ``—``, ``_``, ``::``, ``·``,
  ``｜``, ``«»``-free): Readability keeps the site's name ("Mozilla -
  Wikipedia"), the issue asks for it gone, and either answer names the
  article.  The strict count (equal only) is printed beside it;
- a byline is right when the expected byline, normalised the same way and
  with a leading "by"/"par"/"por"/"von" dropped, contains the extracted one
  or the other way round (Readability's bylines carry dates and roles:
  "By Nathan Willis March 25, 2015");
- a published time is right when both parse as ISO 8601 and, when both
  carry a time of day with an offset, name the same instant; else the same day.

Data: ``../shared/bench/readability`` next to the repository (``--data DIR``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import html as lxml_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scrapinghub import aggregate, page_scores  # noqa: E402 - the one metric, imported

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "readability").resolve()
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "pre", "blockquote",
           "figcaption", "section", "article", "dd", "dt", "table", "ul", "ol"}
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|_|::|·|/|»|:)\s+|\s*｜\s*|_")
_BY = re.compile(r"^(?:by|par|por|von|di|door)\s+", re.I)


@dataclass(frozen=True)
class Page:
    name: str
    html: bytes
    text: str
    meta: dict


@dataclass(frozen=True)
class Found:
    text: str
    title: str | None
    author: str | None
    published: str | None


def html_text(markup: bytes) -> str:
    """The text of ``expected.html``: block elements apart, inline ones joined as a reader sees them."""
    root = lxml_html.fromstring(markup)
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    return root.text_content()


def load_pages(data: Path) -> list[Page]:
    pages = []
    for folder in sorted((data / "pages").iterdir()):
        pages.append(Page(
            folder.name,
            gzip.decompress((folder / "source.html.gz").read_bytes()),
            html_text(gzip.decompress((folder / "expected.html.gz").read_bytes())),
            json.loads((folder / "expected-metadata.json").read_text("utf-8")),
        ))
    return pages


def _cleaner() -> Callable[[bytes], Found]:
    sys.path.insert(0, str(REPO_ROOT))
    import cleaner

    page_cleaner = cleaner.Cleaner()

    def run(markup: bytes) -> Found:
        result = page_cleaner.clean(markup)
        meta = result.metadata
        return Found(result.text, result.title, meta.get("author"), meta.get("published") or meta.get("date"))

    return run


def _trafilatura() -> Callable[[bytes], Found]:
    import trafilatura

    def run(markup: bytes) -> Found:
        doc = trafilatura.bare_extraction(markup, with_metadata=True)
        if doc is None:
            return Found("", None, None, None)
        return Found(doc.text or "", doc.title, doc.author, doc.date)

    return run


EXTRACTORS = {"cleaner": _cleaner, "trafilatura defaults": _trafilatura}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def title_right(found: str | None, expected: str | None, strict: bool = False) -> bool:
    found, expected = _norm(found), _norm(expected)
    if found == expected:
        return True
    if strict or not found:
        return False
    cuts = list(_SEPARATORS.finditer(expected))
    return any(found in (expected[:m.start()].strip(), expected[m.end():].strip()) for m in cuts[-1:] + cuts[:1])


def byline_right(found: str | None, expected: str | None) -> bool:
    found, expected = (_BY.sub("", _norm(x)) for x in (found, expected))
    return bool(found and expected) and (found in expected or expected in found)


def _when(value: str) -> datetime | None:
    value = value.strip().replace(" ", "T", 1)
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value)  # +0100 -> +01:00
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def time_right(found: str | None, expected: str | None) -> bool:
    if not found or not expected:
        return False
    a, b = _when(found), _when(expected)
    if a is None or b is None:
        return False
    with_time = all(len(v.strip()) > 10 and x.tzinfo is not None for v, x in ((found, a), (expected, b)))
    return a == b if with_time else a.date() == b.date()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR")
    parser.add_argument("--show", choices=["titles", "bylines", "times", "f1"],
                        help="list the pages each extractor gets wrong in one column")
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    found = {name: [make()(page.html) for page in pages] for name, make in ((n, m) for n, m in EXTRACTORS.items())}
    with_byline = [i for i, p in enumerate(pages) if p.meta.get("byline")]
    with_time = [i for i, p in enumerate(pages) if p.meta.get("publishedTime")]
    print(f"Mozilla Readability test pages: {len(pages)}; with a byline {len(with_byline)}, "
          f"with a published time {len(with_time)}\n")
    print("| extractor | text F1 | precision | recall | titles | titles (strict) | bylines | published |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, results in found.items():
        summary = aggregate(page_scores(r.text, p.text) for r, p in zip(results, pages))
        titles = sum(title_right(r.title, p.meta.get("title")) for r, p in zip(results, pages))
        strict = sum(title_right(r.title, p.meta.get("title"), strict=True) for r, p in zip(results, pages))
        bylines = sum(byline_right(results[i].author, pages[i].meta["byline"]) for i in with_byline)
        times = sum(time_right(results[i].published, pages[i].meta["publishedTime"]) for i in with_time)
        print(f"| {name} | {summary.f1:.3f} | {summary.precision:.3f} | {summary.recall:.3f} | "
              f"{titles}/{len(pages)} | {strict}/{len(pages)} | {bylines}/{len(with_byline)} | "
              f"{times}/{len(with_time)} |")
    if args.show:
        for name, results in found.items():
            print(f"\n{name}:")
            for page, r in zip(pages, results):
                meta = page.meta
                if args.show == "titles" and not title_right(r.title, meta.get("title")):
                    print(f"  {page.name}: {r.title!r} != {meta.get('title')!r}")
                elif args.show == "bylines" and meta.get("byline") and not byline_right(r.author, meta["byline"]):
                    print(f"  {page.name}: {r.author!r} != {' '.join(meta['byline'].split())!r}")
                elif args.show == "times" and meta.get("publishedTime") and not time_right(
                        r.published, meta["publishedTime"]):
                    print(f"  {page.name}: {r.published!r} != {meta['publishedTime']!r}")
                elif args.show == "f1" and (score := page_scores(r.text, page.text).f1) < 0.8:
                    print(f"  {page.name}: {score:.3f} ({len(r.text)} chars, expected {len(page.text)})")


if __name__ == "__main__":
    main()
