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
