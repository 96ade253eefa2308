"""Links and pictures (the ``links`` and ``images`` options): kept where the article has them, never with chrome."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from cleaner import Cleaner, clean
from cleaner.html.inline import _address
from conftest import FIXTURES, ROOT

SEED = FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt"
SEMANTIC = FIXTURES / "html" / "semantic_ru_ui_over_en.html"
POLISH = FIXTURES / "html" / "links_images_pl.html"
SCHEMA = json.loads((ROOT / "cleaner" / "schema" / "cleaner-1.schema.json").read_text(encoding="utf-8"))
MARKDOWN = MarkdownIt("commonmark").enable("table")
SITE = "https://wiadomosci-pomorza.pl"
INLINE = Cleaner(links=True, images=True)


def _inline_tokens(markdown: str) -> list:
    return [child for token in MARKDOWN.parse(markdown) if token.type == "inline" for child in token.children or ()]


def _outputs(result) -> dict[str, str]:
    return {"markdown": result.to_markdown(with_metadata=True), "html": result.to_html(), "json": result.to_json()}


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
@pytest.mark.parametrize("page", [SEED, SEMANTIC, POLISH], ids=lambda p: p.name)
def test_nothing_removed_comes_back_with_links_and_images(page, fmt):
    result = INLINE.clean(page.read_bytes())
    out = _outputs(result)[fmt]
    if fmt == "json":  # the JSON holds what was removed, on purpose: read the kept part only
        kept = json.loads(out)
        out = json.dumps([kept["title"], kept["segments"]], ensure_ascii=False)
    assert result.removed
    for removal in result.removed:
        if removal.text != result.title:  # the headline repeated in the body goes as furniture; it is the title
            assert removal.text not in out, (removal.rule, removal.text)


def test_a_text_page_has_no_links_or_pictures_and_comes_out_as_without_the_options():
    plain, inline = clean(SEED.read_bytes()), INLINE.clean(SEED.read_bytes())
    assert not any(s.links or s.images for s in inline.segments)
    assert inline.to_markdown() == plain.to_markdown() and inline.to_html() == plain.to_html()


def test_the_ai_cover_picture_goes_with_its_ai_caption():
    """The seed's story as HTML: the cover's caption ends in an AI-image label; pruning takes the caption,
    and the picture, without the label that said what it is, does not come back."""
    result = INLINE.clean(SEMANTIC.read_bytes())
    assert "Rows of solar panels" in " ".join(r.text for r in result.removed)
    for out in _outputs(result).values():
        assert "lamu-desal.webp" not in out


def test_links_and_pictures_of_the_polish_page_come_back_from_its_markdown():
    result = INLINE.clean(POLISH.read_bytes())
    tokens = _inline_tokens(result.to_markdown())
    links = [(tokens[i + 1].content, t.attrs["href"]) for i, t in enumerate(tokens) if t.type == "link_open"]
    assert links == [("Wyspę Spichrzów", f"{SITE}/gdansk/wyspa-spichrzow"),
                     ("fundusze europejskie", "https://www.funduszeeuropejskie.gov.pl/"),
                     ("tramwaju wodnego", f"{SITE}/gdansk/tramwaj-wodny")]
    images = [(t.content, t.attrs["src"]) for t in tokens if t.type == "image"]
    assert images == [("Most zwodzony nad Motławą o zachodzie słońca", f"{SITE}/media/2025/09/most-motlawa.jpg"),
                      ("ikona lampy", f"{SITE}/media/2025/09/ikona-led.png")]
    # The caption under the lead picture; the AI illustration, the teaser thumbnail and the logo stay out.
    emphasis = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "em_open"]
    assert emphasis == ["Nowy most łączy Wyspę Spichrzów z Długimi Ogrodami. Fot. Marek Nowicki"]
    markdown = result.to_markdown()
    for gone in ("wizualizacja-nocna", "kladka", "logo.svg", "javascript:", "mailto:", "/reklama", "/sport"):
        assert gone not in markdown
    # The words of a dropped link target stay text.
    assert "płynące w stronę Westerplatte." in markdown and "na adres mosty@gdansk.example." in markdown


def test_the_polish_page_in_html_has_its_links_figure_and_caption():
    tree = lxml_html.fromstring(INLINE.clean(POLISH.read_bytes()).to_html())
    assert [(a.text, a.get("href")) for a in tree.iter("a")] == [
        ("Wyspę Spichrzów", f"{SITE}/gdansk/wyspa-spichrzow"),
        ("fundusze europejskie", "https://www.funduszeeuropejskie.gov.pl/"),
        ("tramwaju wodnego", f"{SITE}/gdansk/tramwaj-wodny")]
    figure = tree.find(".//figure")
    assert figure.find("img").get("src") == f"{SITE}/media/2025/09/most-motlawa.jpg"
    assert figure.findtext("figcaption").startswith("Nowy most łączy")
    assert figure.getnext().tag == "p" and figure.getnext().text_content().startswith("W sobotę rano")
    assert [img.get("alt") for img in tree.iter("img")] == ["Most zwodzony nad Motławą o zachodzie słońca",
                                                            "ikona lampy"]


def test_json_segments_carry_link_offsets_into_their_own_text_and_validate():
    data = INLINE.clean(POLISH.read_bytes()).to_dict()
    jsonschema.validate(data, SCHEMA)
    found = [(s["text"][link["start"]:link["end"]], link["href"]) for s in data["segments"] for link in
             s.get("links", ())]
    assert [text for text, _ in found] == ["Wyspę Spichrzów", "fundusze europejskie", "tramwaju wodnego"]
    first = next(s for s in data["segments"] if s.get("images"))
    assert first["text"].startswith("W sobotę rano") and first["images"][0]["at"] == 0
    assert first["images"][0]["caption"].endswith("Fot. Marek Nowicki")
    assert data["provenance"]["options"]["html"]["links"] is True


def test_the_article_text_is_the_same_with_or_without_the_options():
    plain, inline = clean(POLISH.read_bytes()), INLINE.clean(POLISH.read_bytes())
    assert inline.text == plain.text and inline.title == plain.title
    assert [r.text for r in inline.removed] == [r.text for r in plain.removed]


def test_default_output_records_neither_option_nor_any_link():
    data = clean(POLISH.read_bytes()).to_dict()
    assert "links" not in data["provenance"]["options"]["html"]
    assert not any("links" in s or "images" in s for s in data["segments"])
    assert "](" not in clean(POLISH.read_bytes()).to_markdown()


def test_a_link_on_a_stripped_ai_badge_goes_with_it_and_the_rest_keep_their_words():
    story = ("China and Russia held their twentieth round of strategic security consultations in Moscow on "
             "Tuesday, where both sides exchanged views on Japan and on the outcome of the Second World War.")
    page = (f"<html><body><article><h1>China and Russia coordinate on Japan</h1>"
            f"<p><a href='/ai-badge'>Сообщено ИИ</a>: {story.replace('Moscow', '<a href=/moscow>Moscow</a>')}</p>"
            f"<p>{story}</p></article></body></html>")
    result = Cleaner(links=True).clean(page, url="https://news.example/world/story")
    first = next(s for s in result.segments if s.kind == "paragraph")
    assert first.text == story
    assert [(first.text[link.start:link.end], link.href) for link in first.links or ()] == [
        ("Moscow", "https://news.example/moscow")]
    assert "ai-badge" not in result.to_markdown() + result.to_html()


def test_links_follow_the_repair_of_their_block():
    """Soft hyphens go before the rules read a block: the link's offsets move with its words."""
    page = ("<html><body><article><h1>Neue Brücke für die Altstadt</h1><p>Die Stadt\u00adverwaltung hat den "
            "Bau\u00adplan für die neue Brücke vorgestellt; <a href='https://stadt.example/plan'>der Plan</a> "
            "sieht eine Fertigstellung bis zum Frühjahr 2027 vor, wie die Verwaltung am Montag mitteilte.</p>"
            "</article></body></html>")
    segment = next(s for s in Cleaner(links=True).clean(page).segments if s.kind == "paragraph")
    assert "Stadtverwaltung" in segment.text
    assert [segment.text[link.start:link.end] for link in segment.links or ()] == ["der Plan"]


@pytest.mark.parametrize(("target", "base", "expected"), [
    ("/gdansk/a", "https://x.example/b/c", "https://x.example/gdansk/a"),
    ("d?e=1", "https://x.example/b/c", "https://x.example/b/d?e=1"),
    ("//cdn.example/p.jpg", "https://x.example/", "https://cdn.example/p.jpg"),
    ("/relative/kept", None, "/relative/kept"),
    ("javascript:void(0)", "https://x.example/", None),
    ("JavaScript:alert(1)", None, None),
    ("mailto:a@x.example", None, None),
    ("data:image/png;base64,AAAA", "https://x.example/", None),
    ("#top", None, None),
    ("  ", "https://x.example/", None),
])
def test_addresses_are_made_absolute_and_only_http_kept(target, base, expected):
    assert _address(target, base) == expected


def test_the_cli_flags_change_markdown_but_not_text():
    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "cleaner.cli", *args, str(POLISH)], capture_output=True,
                              text=True, cwd=ROOT, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("--links", "--images") == run()
    markdown = run("--format", "markdown", "--links", "--images")
    assert f"[tramwaju wodnego]({SITE}/gdansk/tramwaj-wodny)" in markdown
    assert f"![ikona lampy]({SITE}/media/2025/09/ikona-led.png)" in markdown
    assert "](" not in run("--format", "markdown", "--links").split("W sobotę", 1)[0]  # no picture asked for


def test_a_page_that_writes_in_the_markers_planes_keeps_its_text_and_no_links():
    odd = "\U000F0001\U00100000"  # private-use characters of planes 15 and 16, as the markers are
    page = (f"<html><body><article><h1>Ein Titel</h1><p>Der Rat hat am Montag {odd} den Haushalt für das kommende "
            f"Jahr beschlossen, wie <a href='https://rat.example/'>die Verwaltung</a> mitteilte; die Opposition "
            f"stimmte dagegen und kündigte eine Klage an.</p></article></body></html>")
    plain, inline = clean(page), Cleaner(links=True).clean(page)
    assert inline.text == plain.text and odd in inline.text
    assert not any(s.links for s in inline.segments)
