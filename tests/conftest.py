from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def fixture_pages() -> list[Path]:
    """Every fixture page that has an expected result beside it."""
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".html") and expected_path(p).exists())


def expected_path(page: Path) -> Path:
    return page.with_name(page.stem + ".expected.json")


def load_expected(page: Path) -> dict:
    return json.loads(expected_path(page).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cleaner():
    from cleaner import Cleaner

    return Cleaner()


SLOW_PACK = ('[pack]\nid = "slow"\nversion = "1.0.0"\n[[rules]]\nid = "slow"\ncategory = "share"\n'
             "action = \"drop_block\"\npatterns = {en = ['(a|aa)+b']}\n")


def slow_block(seconds: float) -> str:
    """A run of letters on which SLOW_PACK's ``(a|aa)+b`` backtracks for about ``seconds`` here and now."""
    import time

    import regex

    pattern = regex.compile("(a|aa)+b")
    n = 16
    while True:
        began = time.perf_counter()
        pattern.fullmatch("a" * n)
        if time.perf_counter() - began > seconds or n > 60:
            return "a" * n
        n += 1
