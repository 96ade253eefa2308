"""`clean_batch` under a real `datasets.Dataset.map(batched=True, num_proc=2)`.

The dataset is built in the test from fixture pages, a page of links, an
empty page and a row whose page is not text; every row comes back with its
own result, in order, and the bad rows as error rows.
"""

from __future__ import annotations

import json

import pytest

datasets = pytest.importorskip("datasets", reason="clean_batch needs the extra: pip install 'cleaner[datasets]'")

from cleaner.integrations.datasets import clean_batch  # noqa: E402
from conftest import FIXTURES, load_expected  # noqa: E402

HTML = FIXTURES / "html"
PAGES = ["divsoup_ru_ui_over_en.html", "semantic_clean_en.html", "divsoup_uk_ui_over_ru.html",
         "divsoup_de_ui_over_en.html", "divsoup_en_ui_over_ru.html", "divsoup_clean_ja.html"]
LINKS = "<html><body>" + "".join(f"<p><a href='/n/{i}'>Story number {i}</a></p>" for i in range(12)) + "</body></html>"


@pytest.fixture(scope="module")
def mapped():
    rows = {"html": [(HTML / name).read_text(encoding="utf-8") for name in PAGES] + [LINKS, "   "],
            "url": [f"https://example.org/{i}" for i in range(len(PAGES) + 2)]}
    dataset = datasets.Dataset.from_dict(rows)
    return dataset.map(clean_batch, batched=True, batch_size=3, num_proc=2, fn_kwargs={"with_json": True})


def test_every_row_is_cleaned_in_its_place(mapped):
    assert len(mapped) == len(PAGES) + 2
    for row, name in zip(mapped, PAGES):
        expected = load_expected(HTML / name)
        assert row["text"] == expected["text"], name
        assert row["title"] == expected["title"] and row["language"] == expected["language"]
        assert row["error"] == "" and row["reason"] == ""
        assert json.loads(row["cleaner_json"])["text"] == row["text"]


def test_metadata_columns_are_filled_where_the_page_declares_them(mapped):
    expected = load_expected(HTML / PAGES[0])["metadata"]
    row = mapped[0]
    assert (row["author"], row["date"], row["site"]) == (expected["author"], expected["date"], expected["site"])
    assert row["removed"] > 5


def test_a_page_of_links_and_an_empty_page_keep_their_rows(mapped):
    links, empty = mapped[len(PAGES)], mapped[len(PAGES) + 1]
    assert links["text"] == "" and links["reason"].startswith("no article") and links["error"] == ""
    assert empty["text"] == "" and empty["error"] == f"https://example.org/{len(PAGES) + 1}: input is empty or whitespace only"


def test_options_reach_the_cleaner_in_every_worker():
    dataset = datasets.Dataset.from_dict({"html": ["Headline\n\nThe article text.\n\nРеклама"] * 4})
    out = dataset.map(clean_batch, batched=True, batch_size=2, num_proc=2,
                      fn_kwargs={"url_column": None, "builtin_rules": False})
    assert out["text"] == ["The article text.\n\nРеклама"] * 4  # no phrase packs: the label stays
