"""Article-body extraction on the ScrapingHub (Zyte) article-extraction-benchmark.

Measures how well each extractor recovers the article text of 181 news pages
(161 English, 20 in seven other languages) against the benchmark's ground truth,
and how fast it does so. This prints figures; it is not a test and asserts nothing
about them.

Run from the repository root:

    .venv/bin/python bench/scrapinghub.py                  # every row
    .venv/bin/python bench/scrapinghub.py --only cleaner,trafilatura
    .venv/bin/python bench/scrapinghub.py --per-page /tmp/pages.tsv --show-worst 10
    .venv/bin/python bench/scrapinghub.py --selftest       # check the metric itself

Data: ``../shared/bench/scrapinghub`` next to the repository (``--data DIR`` to
override); see its ATTRIBUTION.md.

Metric, as the benchmark describes it: a text is split into word tokens with
``\\w+`` (Python ``re``, Unicode), without lowercasing -- the description does not
say to, so "The" and "the" are different tokens. Its shingles are the multiset of
its runs of 4 consecutive tokens; a text of 1-3 tokens is a single shingle of those
tokens, an empty text has none. Per page, TP/FP/FN are counted on the two
multisets and divided by their sum; precision is TP/(TP+FP), recall TP/(TP+FN).
Precision is averaged over the pages with a non-empty prediction, recall over the
pages with a non-empty truth, and F1 is the harmonic mean of those two averages.

Timing: every page is decompressed into memory first; each extractor gets one
untimed warm-up call (first-use imports and caches), then only its extraction
calls over all pages are timed with ``time.perf_counter``, in this one process,
sequentially. Each row makes ``--passes`` timed passes (default 3), taken in
turns across rows so that a busy moment of a shared machine falls on all of
them; pages/s = pages / the median pass's seconds. The last line gives the
cleaner's speed as a share of trafilatura defaults', pass by pass and median.

"F1 non-English" scores only the pages whose ground truth py3langid does not
classify as English; the column is left out when py3langid is not installed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (REPO_ROOT.parent / "shared" / "bench" / "scrapinghub").resolve()

SHINGLE_SIZE = 4
TOKEN_RE = re.compile(r"\w+")

Shingles = Counter[tuple[str, ...]]
Extractor = Callable[[bytes, str], str]
"""(html bytes, page url) -> extracted text."""


# -- metric ------------------------------------------------------------------


def shingles(text: str) -> Shingles:
    """The multiset of 4-token shingles of ``text``.

    >>> shingles("a b c d e")
    Counter({('a', 'b', 'c', 'd'): 1, ('b', 'c', 'd', 'e'): 1})
    >>> shingles("one, two")
    Counter({('one', 'two'): 1})
    """
    tokens = TOKEN_RE.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)])
    return Counter(
        tuple(tokens[i : i + SHINGLE_SIZE])
        for i in range(len(tokens) - SHINGLE_SIZE + 1)
    )


@dataclass(frozen=True)
class PageScore:
    """TP/FP/FN of one page, as fractions of their sum."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when the prediction has no shingles (empty prediction)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when the truth has no shingles (empty truth)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        """Per-page F1 for error analysis (not part of the benchmark's figures).

        0 when either side is empty and the other is not; 1 when both are empty.
        """
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


def page_scores(pred: str, truth: str) -> PageScore:
    """Score one predicted text against its ground truth."""
    pred_shingles, true_shingles = shingles(pred), shingles(truth)
    tp = sum((pred_shingles & true_shingles).values())
    fp = sum((pred_shingles - true_shingles).values())
    fn = sum((true_shingles - pred_shingles).values())
    # The benchmark normalises per page so that long pages do not weigh more when
    # counts are pooled; it leaves each page's precision and recall unchanged.
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class Summary:
    f1: float
    precision: float
    recall: float


def _mean(values: list[float]) -> float:
    # No page qualifies (e.g. every prediction empty): report 0 rather than fail.
    return statistics.fmean(values) if values else 0.0


def aggregate(scores: Iterable[PageScore]) -> Summary:
    """Benchmark figures over pages: mean precision, mean recall, their F1."""
    scores = list(scores)
    precision = _mean([s.precision for s in scores if s.precision is not None])
    recall = _mean([s.recall for s in scores if s.recall is not None])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Summary(f1=f1, precision=precision, recall=recall)


def _selftest() -> None:
    """Check the metric on hand-computed cases."""
    assert shingles("") == Counter()
    assert shingles("one two three") == Counter({("one", "two", "three"): 1})
    assert shingles("Привет, мир!") == Counter({("Привет", "мир"): 1})

    same = page_scores("The quick brown fox jumps.", "The quick brown fox jumps")
    assert (same.precision, same.recall, same.f1) == (1.0, 1.0, 1.0)

    # No lowercasing: a capital changes the shingle.
    assert page_scores("A b c", "a b c").f1 == 0.0

    # truth abcd bcde cdef, prediction abcd bcde cdex: TP 2, FP 1, FN 1.
    partial = page_scores("a b c d e x", "a b c d e f")
    assert math.isclose(partial.precision, 2 / 3)
    assert math.isclose(partial.recall, 2 / 3)

    # Multisets: truth has abcd twice (plus bcda cdab dabc), prediction once.
    repeated = page_scores("a b c d", "a b c d a b c d")
    assert math.isclose(repeated.precision, 1.0)
    assert math.isclose(repeated.recall, 1 / 5)

    # An empty prediction counts for recall (0) but not for precision.
    empty = page_scores("", "a b c d e")
    assert empty.precision is None and empty.recall == 0.0
    summary = aggregate([same, empty])
    assert math.isclose(summary.precision, 1.0)
    assert math.isclose(summary.recall, 0.5)
    assert math.isclose(summary.f1, 2 / 3)
    print("selftest ok")


# -- data --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: bytes
    truth: str
    language: str | None


def _detect_language() -> Callable[[str], str] | None:
    try:
        import py3langid
    except ImportError:
        return None
    return lambda text: py3langid.classify(text)[0]


def load_pages(data_dir: Path) -> list[Page]:
    """Every page with its HTML decompressed, sorted by id."""
    ground_truth = json.loads((data_dir / "ground-truth.json").read_text("utf-8"))
    detect = _detect_language()
    pages = []
    for page_id, item in sorted(ground_truth.items()):
        html = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        truth = item["articleBody"]
        language = detect(truth) if detect else None
        pages.append(Page(page_id, item["url"], html, truth, language))
    return pages


# -- extractors --------------------------------------------------------------


def _trafilatura(**options: bool) -> Callable[[], Extractor]:
    def make() -> Extractor:
        import trafilatura

        return lambda html, url: trafilatura.extract(html, **options) or ""

    return make


def _cleaner() -> Extractor:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import cleaner

    page_cleaner = cleaner.Cleaner()  # its own: answers it keeps from one pass must not serve the next
    return lambda html, url: page_cleaner.clean(html, url=url).text


@dataclass(frozen=True)
class Row:
    key: str
    setting: str
    make: Callable[[], Extractor]


ROWS = [
    Row("trafilatura", "trafilatura defaults", _trafilatura()),
    Row(
        "trafilatura-no-comments",
        "trafilatura include_comments=False",
        _trafilatura(include_comments=False),
    ),
    Row(
        "trafilatura-precision",
        "trafilatura favor_precision",
        _trafilatura(favor_precision=True),
    ),
    Row(
        "trafilatura-fast",
        "trafilatura fast, include_comments=False",
        _trafilatura(fast=True, include_comments=False),
    ),
    Row("cleaner", "cleaner", _cleaner),
]
BASELINE, CANDIDATE = "trafilatura", "cleaner"


# -- running -----------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    row: Row
    scores: list[PageScore] | None = None
    seconds: float = 0.0  # the median pass
    passes: tuple[float, ...] = ()
    error: str | None = None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def run(rows: Sequence[Row], pages: Sequence[Page], passes: int = 3) -> list[Result]:
    """Extract every page with each row's extractor, ``passes`` timed passes in turns, then score.

    Every pass gets a fresh extractor (made and warmed up untimed): what one
    keeps between calls, such as the cleaner's memo of language answers,
    would otherwise serve the same pages again.
    """
    errors: dict[str, str] = {}
    predictions: dict[str, list[str]] = {}
    seconds: dict[str, list[float]] = {row.key: [] for row in rows}
    for _ in range(passes):
        for row in rows:
            if row.key in errors:
                continue
            try:
                extract = row.make()
                extract(pages[0].html, pages[0].url)
                start = time.perf_counter()
                found = [extract(page.html, page.url) for page in pages]
                seconds[row.key].append(time.perf_counter() - start)
            except Exception as exc:  # the row reports the failure; the others still run
                errors[row.key] = _first_line(exc)
                continue
            predictions.setdefault(row.key, found)  # the same every pass: extraction is deterministic
    results = []
    for row in rows:
        if row.key in errors:
            results.append(Result(row, error=errors[row.key]))
        else:
            scores = [page_scores(pred, page.truth) for pred, page in zip(predictions[row.key], pages)]
            results.append(Result(row, scores=scores, seconds=statistics.median(seconds[row.key]),
                                  passes=tuple(seconds[row.key])))
    return results


def speed_share(results: Sequence[Result]) -> str | None:
    """The candidate's pages/s over the baseline's, pass by pass (both timed in the same turn) and median."""
    by_key = {r.row.key: r for r in results if r.scores is not None}
    if BASELINE not in by_key or CANDIDATE not in by_key:
        return None
    shares = [b / c for b, c in zip(by_key[BASELINE].passes, by_key[CANDIDATE].passes)]
    listed = ", ".join(f"{share:.2f}" for share in shares)
    return (f"{CANDIDATE} speed / {by_key[BASELINE].row.setting} speed: {statistics.median(shares):.2f} "
            f"(median of {len(shares)} pass{'es' if len(shares) != 1 else ''}: {listed})")


# -- reporting ---------------------------------------------------------------


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _non_english(pages: Sequence[Page], scores: Sequence[PageScore]) -> Summary:
    return aggregate(s for p, s in zip(pages, scores) if p.language != "en")


def table(results: Sequence[Result], pages: Sequence[Page]) -> str:
    with_language = pages[0].language is not None
    header = ["setting", "F1", "precision", "recall"]
    header += ["F1 non-English"] if with_language else []
    header += ["pages/s"]
    lines = [_markdown_row(header), _markdown_row(["---"] * len(header))]
    for result in results:
        if result.scores is None:
            cells = [f"n/a ({result.error})"] + [""] * (len(header) - 2)
        else:
            summary = aggregate(result.scores)
            cells = [f"{x:.3f}" for x in (summary.f1, summary.precision, summary.recall)]
            if with_language:
                cells.append(f"{_non_english(pages, result.scores).f1:.3f}")
            cells.append(f"{len(pages) / result.seconds:.0f}")
        lines.append(_markdown_row([result.row.setting, *cells]))
    return "\n".join(lines)


def _optional(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write_per_page(path: Path, results: Sequence[Result], pages: Sequence[Page]) -> None:
    """One line per (row, page): setting, page id, language, precision, recall, F1."""
    lines = ["setting\tpage_id\tlanguage\tprecision\trecall\tf1"]
    for result in results:
        for page, score in zip(pages, result.scores or []):
            fields = [
                result.row.setting,
                page.page_id,
                page.language or "",
                _optional(score.precision),
                _optional(score.recall),
                f"{score.f1:.4f}",
            ]
            lines.append("\t".join(fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def worst(results: Sequence[Result], pages: Sequence[Page], n: int) -> str:
    """The ``n`` pages where cleaner's F1 is furthest below trafilatura defaults'."""
    by_key = {r.row.key: r.scores for r in results}
    baseline, candidate = by_key.get(BASELINE), by_key.get(CANDIDATE)
    if baseline is None or candidate is None:
        return f"--show-worst needs scores from both '{BASELINE}' and '{CANDIDATE}'."
    gaps = [
        (c.f1 - b.f1, page, c.f1, b.f1)
        for page, b, c in zip(pages, baseline, candidate)
        if c.f1 < b.f1
    ]
    gaps = sorted(gaps, key=lambda gap: gap[0])[:n]
    header = ["page_id", "language", "F1 cleaner", "F1 trafilatura", "gap", "url"]
    lines = [_markdown_row(header), _markdown_row(["---"] * len(header))]
    for gap, page, c_f1, b_f1 in gaps:
        cells = [page.page_id[:12], page.language or "", f"{c_f1:.3f}", f"{b_f1:.3f}"]
        lines.append(_markdown_row([*cells, f"{gap:+.3f}", page.url]))
    return "\n".join(lines)


# -- command line ------------------------------------------------------------


def _select(only: str | None, parser: argparse.ArgumentParser) -> list[Row]:
    if only is None:
        return ROWS
    keys = [key.strip() for key in only.split(",") if key.strip()]
    known = [row.key for row in ROWS]
    unknown = [key for key in keys if key not in known]
    if unknown:
        parser.error(f"unknown row(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return [row for row in ROWS if row.key in keys]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                        help=f"benchmark data directory (default: {DEFAULT_DATA})")
    parser.add_argument("--only", metavar="NAME[,NAME]",
                        help="rows to run: " + ", ".join(row.key for row in ROWS))
    parser.add_argument("--per-page", type=Path, metavar="FILE",
                        help="write per-page precision/recall/F1 of every row as TSV")
    parser.add_argument("--show-worst", type=int, metavar="N",
                        help="list the N pages where cleaner is furthest below trafilatura")
    parser.add_argument("--passes", type=int, default=3, metavar="N",
                        help="timed passes per row, in turns across rows; the median counts (default 3)")
    parser.add_argument("--selftest", action="store_true",
                        help="check the metric on hand-computed cases and exit")
    args = parser.parse_args(argv)
    if args.selftest:
        _selftest()
        return
    rows = _select(args.only, parser)
    pages = load_pages(args.data)
    results = run(rows, pages, max(1, args.passes))
    print(table(results, pages))
    if share := speed_share(results):
        print()
        print(share)
    if args.per_page:
        write_per_page(args.per_page, results, pages)
    if args.show_worst:
        print()
        print(worst(results, pages, args.show_worst))


if __name__ == "__main__":
    main()
