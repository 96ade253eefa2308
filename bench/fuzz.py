"""Fuzzing `clean` with generated inputs: how many crash.

A crash is any exception other than the documented ones (`cleaner.CleanerError`
and its subclasses: empty, binary, too large, too deep, rule timeout).
Inputs come from hypothesis strategies: random bytes, random text, pages
assembled from chrome phrases, markup and prose in several scripts, and
fixture pages cut and corrupted at random places.  Hypothesis is only the
generator here; the loop counts, it does not stop at the first crash.

    .venv/bin/python bench/fuzz.py                 # 100,000 inputs
    .venv/bin/python bench/fuzz.py --count 5000 --show 5

A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleaner import Cleaner, CleanerError  # noqa: E402

PIECES = [
    "Изображение, созданное ИИ", "Сообщено ИИ", "Связанные статьи", "Что говорят люди", "Реклама",
    "Поделиться", "Read more: Council approves budget", "Advertisement", "We use cookies to improve our site.",
    "Accept all", "Comments", "<html>", "<body>", "<p>", "</p>", "<div class='x'>", "</div>", "<figure><img src=x>",
    "<figcaption>", "<script>alert(1)</script>", "<!--", "-->", "<meta charset='koi8-r'>", "&amp;", "&#0;",
    "The council approved the new budget after a long debate on Tuesday evening.",
    "Совет одобрил новый бюджет после долгих дебатов во вторник вечером.", "Їжак", "ў", "東京都は予算を承認した。",
    "\u00a0", "\u200b", "\u00ad", "\r\n", "\n\n", "\t", "\x00", "Ã©", "\ud800", "\U0001f600",
]


def fixture_pages() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "fixtures").rglob("*")) if p.suffix in (".txt", ".html")]


def strategies(fixtures: list[bytes]) -> st.SearchStrategy:
    assembled = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=40).map("".join)

    @st.composite
    def damaged(draw) -> bytes:
        page = bytearray(draw(st.sampled_from(fixtures)))
        for _ in range(draw(st.integers(0, 8))):
            at = draw(st.integers(0, max(0, len(page) - 1)))
            page[at:at + draw(st.integers(0, 16))] = draw(st.binary(max_size=16))
        return bytes(page[: draw(st.integers(0, len(page)))])

    return st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000),
        assembled,
        assembled.map(lambda s: s.encode("utf-8", "surrogatepass")),
        damaged(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs to generate")
    parser.add_argument("--show", type=int, default=3, help="tracebacks of this many crashes to print")
    args = parser.parse_args()
    cleaner = Cleaner()
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []

    @settings(max_examples=args.count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategies(fixture_pages()))
    def run(data: str | bytes) -> None:
        try:
            result = cleaner.clean(data)
            outcomes["result, empty text" if not result.text else "result"] += 1
        except CleanerError as exc:
            outcomes[f"refused: {type(exc).__name__}"] += 1
        except Exception:  # noqa: BLE001 - a crash is what this counts
            outcomes["CRASH"] += 1
            if len(crashes) < args.show:
                crashes.append(f"{data[:120]!r}\n{traceback.format_exc()}")

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    total = sum(outcomes.values())
    print(f"{total:,} generated inputs in {elapsed:.0f} s; crashed: {outcomes['CRASH']}")
    print("| outcome | inputs |")
    print("| --- | --- |")
    for outcome, n in sorted(outcomes.items()):
        print(f"| {outcome} | {n:,} |")
    for crash in crashes:
        print("\n" + crash)


if __name__ == "__main__":
    main()
