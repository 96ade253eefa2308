"""One fixture page in, its expected result out (expected files are written by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, ROOT, fixture_pages, load_expected

SCHEMA = json.loads((ROOT / "cleaner" / "schema" / "cleaner-1.schema.json").read_text(encoding="utf-8"))
PAGES = fixture_pages()
TEXT_PAGES = [p for p in PAGES if p.suffix == ".txt"]
HTML_PAGES = [p for p in PAGES if p.suffix == ".html"]
# Pages where some chrome is known to get through; strict, so a page that
# starts passing must be taken out of this list.
CHROME_LEFT: set[str] = set()


def _id(page: Path) -> str:
    return str(page.relative_to(FIXTURES))


def test_there_are_fixtures_for_every_language_pair():
    assert len(TEXT_PAGES) >= 12 and len(HTML_PAGES) >= 8


@pytest.mark.parametrize("page", TEXT_PAGES, ids=_id)
def test_text_page_gives_its_expected_result(page: Path, cleaner):
    expected = load_expected(page)
    result = cleaner.clean(page.read_bytes(), url=expected.get("url"))

    assert result.title == expected["title"]
    assert result.language == expected["language"]
    assert result.text.split("\n\n") == expected["text"].split("\n\n")
    assert set(expected["removed_categories"]) <= {r.category for r in result.removed}


@pytest.mark.parametrize("page", HTML_PAGES, ids=_id)
def test_html_page_keeps_every_article_paragraph_and_its_metadata(page: Path, cleaner):
    expected = load_expected(page)
    result = cleaner.clean(page.read_bytes())

    assert result.title == expected["title"]
    assert result.language == expected["language"]
    kept = result.text.split("\n\n")
    positions = [kept.index(paragraph) for paragraph in expected["text"].split("\n\n")]
    assert positions == sorted(positions)
    assert {k: result.metadata.get(k) for k in expected["metadata"]} == expected["metadata"]
    assert result.metadata["url"] == expected["url"]


@pytest.mark.parametrize(
    "page",
    [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="chrome left")) if p.stem in CHROME_LEFT else p
     for p in HTML_PAGES],
    ids=_id,
)
def test_html_page_gives_exactly_the_article(page: Path, cleaner):
    expected = load_expected(page)
    result = cleaner.clean(page.read_bytes())
    shown = f"{result.title}\n{result.text}".casefold()
    assert [s for s in expected["must_not_contain"] if s.casefold() in shown] == []
    assert result.text == expected["text"]


@pytest.mark.parametrize("page", TEXT_PAGES, ids=_id)
def test_every_removed_piece_points_back_to_the_input(page: Path, cleaner):
    source = page.read_text(encoding="utf-8-sig")
    result = cleaner.clean(source)
    for removal in result.removed:
        assert source[removal.start:removal.end] == removal.text
        assert removal.rule.count("/") == 1 and removal.category and removal.lang
    for segment in result.segments:
        assert source[segment.start:segment.end].split() == segment.text.split()


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_output_validates_against_the_json_schema(page: Path, cleaner):
    jsonschema.validate(json.loads(cleaner.clean(page.read_bytes()).to_json()), SCHEMA)


def test_error_result_validates_against_the_json_schema(cleaner):
    result = cleaner.clean_record(b"   \n")
    jsonschema.validate(result.to_dict(), SCHEMA)
    assert result.error["type"] == "EmptyInputError"
