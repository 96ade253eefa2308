"""Markdown and HTML output: the article's structure kept, text escaped, removed chrome never back."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from cleaner import clean
from conftest import FIXTURES, ROOT

SEED = FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt"
STRUCTURED = FIXTURES / "html" / "structured_en_budget_lists_table.html"
MARKDOWN = MarkdownIt("commonmark").enable("table")


def _tokens(markdown: str) -> list[tuple[str, str]]:
    """(token type, inline text) of every block token, nesting flattened in document order."""
    return [(t.type, t.content) for t in MARKDOWN.parse(markdown) if t.type != "inline" or t.content]


def test_the_seed_in_markdown_is_its_headline_and_eight_paragraphs():
    result = clean(SEED.read_bytes())
    tokens = MARKDOWN.parse(result.to_markdown())
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert headings == ["China and Russia coordinate on Japan, vow to uphold WWII outcomes"]
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("During the 20th round of China-Russia strategic security consultations")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_nothing_removed_from_the_seed_comes_back_in_any_format(fmt):
    result = clean(SEED.read_bytes())
    out = {"text": result.text, "markdown": result.to_markdown(with_metadata=True), "html": result.to_html(),
           "json": json.dumps({"text": result.text, "segments": [s.text for s in result.segments]},
                              ensure_ascii=False)}[fmt]
    assert len(result.removed) > 20
    for removal in result.removed:
        assert removal.text not in out, (removal.rule, removal.text)


def test_lists_tables_and_headings_keep_their_structure_in_markdown():
    markdown = clean(STRUCTURED.read_bytes()).to_markdown()
    tokens = MARKDOWN.parse(markdown)
    levels = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert levels == [("h1", "Riverton council passes 2026 budget: what changes for residents"),
                      ("h2", "Where the new money goes"), ("h2", "How the spending compares"),
                      ("h2", "What happens next")]
    # The bullet list holds a nested list under its first item; the nested items appear once.
    nesting = [(t.type, t.level) for t in tokens if t.type in ("bullet_list_open", "ordered_list_open")]
    assert [kind for kind, _ in nesting] == ["bullet_list_open", "bullet_list_open", "ordered_list_open"]
    assert nesting[1][1] > nesting[0][1]
    items = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert items.count("Route 14 linking the east bank to the hospital") == 1
    assert items[-3:] == ["Publish the final line-by-line budget on the city website",
                          "Send the revised fee schedule to every business licence holder",
                          "Report to the council on the reserve balance in March"]
    # The table: a header row of three and three body rows, cell by cell.
    header = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "th_open"]
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    assert header == ["Department", "2025", "2026"]
    assert cells == ["Transport", "61.5", "70.2", "Parks and flood defences", "38.0", "44.6",
                     "Libraries", "12.4", "14.1"]
    for chrome in ("Share", "Related articles", "Bus fares frozen", "All rights reserved"):
        assert chrome not in markdown


def test_structure_is_recorded_on_json_segments():
    segments = clean(STRUCTURED.read_bytes()).to_dict()["segments"]
    by_text = {s["text"]: s for s in segments}
    assert by_text["Where the new money goes"]["level"] == 2
    assert by_text["Route 22 running every ten minutes along Mill Road"]["level"] == 2
    assert by_text["Flood defences along the lower river walk"]["level"] == 1
    assert "ordered" not in by_text["Flood defences along the lower river walk"]
    assert by_text["Report to the council on the reserve balance in March"]["ordered"] is True
    assert by_text["Department | 2025 | 2026"]["cells"] == ["Department", "2025", "2026"]
    assert by_text["Department | 2025 | 2026"]["header"] is True
    assert "header" not in by_text["Libraries | 12.4 | 14.1"]
    assert "level" not in by_text["The table below sets out the largest departments against this year's budget, "
                                  "in millions of dollars."]


def test_text_that_looks_like_markdown_stays_text():
    paragraphs = ["# not a heading, a hashtag line", "1984. That year the plant closed for good.",
                  "- a dash that opens the line", "Prices rose *sharply*, by 5_000 units [sic] <b>bold</b>",
                  "> not a quote", "AT&T and R&D are companies", "`code` and ~~struck~~ are not markup"]
    page = "Headline of the story\n\n" + "\n\n".join(paragraphs)
    rendered = MARKDOWN.render(clean(page).to_markdown())
    tree = lxml_html.fromstring(rendered)
    assert [p.text_content() for p in tree.iter("p")] == paragraphs
    assert [h.text_content() for h in tree.iter("h1")] == ["Headline of the story"]


def test_code_keeps_its_lines_in_a_fence():
    page = ("<html><body><article><h1>How the fix works</h1><p>" + "The patch changes one function in the parser. " * 4
            + "</p><pre><code>def double(x):\n    return x * 2  # ``` inside</code></pre></article></body></html>")
    result = clean(page)
    tokens = MARKDOWN.parse(result.to_markdown())
    fences = [t.content for t in tokens if t.type == "fence"]
    assert fences == ["def double(x):\n    return x * 2  # ``` inside\n"]


def test_html_output_is_a_small_article_page_with_the_same_structure():
    result = clean(STRUCTURED.read_bytes())
    page = result.to_html()
    tree = lxml_html.fromstring(page)
    assert tree.find(".//title").text == result.title and tree.get("lang") == "en"
    assert [h.text for h in tree.iter("h2")] == ["Where the new money goes", "How the spending compares",
                                                 "What happens next"]
    nested = tree.xpath("//ul/li/ul/li")
    assert [li.text for li in nested] == ["Route 14 linking the east bank to the hospital",
                                          "Route 22 running every ten minutes along Mill Road"]
    assert [th.text for th in tree.iter("th")] == ["Department", "2025", "2026"]
    assert len(tree.xpath("//ol/li")) == 3
    assert not tree.xpath("//script|//style|//*[@onerror]")
    assert "Related articles" not in page


def test_the_cli_writes_markdown_with_metadata_and_takes_trafilaturas_flag_name():
    command = [sys.executable, "-m", "cleaner.cli", "--output-format", "markdown", "--with-metadata", str(STRUCTURED)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    head, body = done.stdout.split("\n---\n", 1)
    assert head.startswith("---\ntitle: \"Riverton council passes 2026 budget")
    assert 'author: "Priya Natarajan"' in head and 'language: "en"' in head
    assert body.lstrip().startswith("# Riverton council passes 2026 budget")
    assert "| Department | 2025 | 2026 |" in body
