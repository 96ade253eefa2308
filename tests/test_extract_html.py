"""HTML pages: pruning by rule before trafilatura, block structure and metadata after."""

from __future__ import annotations

from cleaner import clean

PARAGRAPHS = [
    "The regional council approved the new budget on Tuesday after a debate that lasted late into the night.",
    "Spending on public transport will rise by a fifth, while the road maintenance fund stays where it was.",
    "Opposition members said the plan relied on optimistic forecasts for tourism revenue next summer season.",
]


def page(body: str, title: str = "Council approves budget") -> str:
    return (
        f"<html lang='ru'><head><title>{title}</title>"
        "<meta property='og:site_name' content='Вестник'><meta name='author' content='Anna Lee'>"
        "<meta property='article:published_time' content='2025-03-04T10:00:00Z'></head>"
        f"<body>{body}</body></html>"
    )


def paragraphs() -> str:
    return "".join(f"<p class='x{i}'>{p}</p>" for i, p in enumerate(PARAGRAPHS))


def test_label_glued_into_a_caption_takes_the_caption():
    html = page(
        "<div class='m'><img src='a.jpg'><div class='c'>Councillors vote in the hall of the town house."
        "<span>Изображение, созданное ИИ</span></div></div>"
        f"<div class='t'>Council approves budget</div><div class='body'>{paragraphs()}</div>"
    )
    result = clean(html)
    assert result.text.split("\n\n") == PARAGRAPHS
    (caption,) = [r for r in result.removed if r.category == "ai_image_caption"]
    assert caption.text == "Councillors vote in the hall of the town house. Изображение, созданное ИИ"
    assert caption.rule == "ai-labels/ai-image-label"


def test_label_under_a_headline_leaves_the_headline():
    html = page(
        "<div class='h'><a href='/x'>Политика</a><div class='t'>Council approves budget</div>"
        "<div class='l'><span>Изображение, созданное ИИ</span></div></div>"
        f"<div class='body'>{paragraphs()}</div>"
    )
    result = clean(html)
    assert result.title == "Council approves budget"
    assert result.text.split("\n\n") == PARAGRAPHS


def test_related_box_goes_with_its_heading():
    html = page(
        f"<div class='body'>{paragraphs()}</div>"
        "<div class='r'><div class='rh'>Связанные статьи</div>"
        "<div class='t'>Teaser about another council somewhere else in the country</div>"
        "<div class='t'>A second teaser headline about budgets and roads</div></div>"
    )
    result = clean(html)
    assert result.text.split("\n\n") == PARAGRAPHS
    related = [r for r in result.removed if r.category == "related"]
    assert related and related[0].text.startswith("Связанные статьи Teaser about another council")


def test_consent_box_is_found_by_its_markers_in_any_language():
    html = page(
        f"<div class='body'>{paragraphs()}</div>"
        "<div id='CookieBanner' role='dialog'><div>Мы ценим вашу приватность</div><button>OK</button></div>"
    )
    result = clean(html)
    assert result.text.split("\n\n") == PARAGRAPHS
    assert [r.rule for r in result.removed] == ["markup/cookie-consent"]


def test_a_phrase_after_an_icon_is_found_in_the_element_it_sits_in():
    # lxml keeps "Share" as the <svg>'s tail; the button is what goes.
    html = page(
        f"<div class='body'>{paragraphs()}</div>"
        "<div class='tools'><button class='b1'><svg><path d='M0'/></svg>Share</button></div>"
    )
    result = clean(html)
    assert result.text.split("\n\n") == PARAGRAPHS
    assert [(r.text, r.rule) for r in result.removed] == [("Share", "share/share-buttons")]


def test_page_metadata_comes_from_its_declared_tags():
    result = clean(page(f"<div class='body'>{paragraphs()}</div>"), url="https://example.org/b")
    assert result.metadata == {
        "author": "Anna Lee", "date": "2025-03-04", "published": "2025-03-04T10:00:00+00:00", "site": "Вестник",
        "url": "https://example.org/b", "lang": "ru"}  # <html lang='ru'>: the declared language, as written
    assert result.title == "Council approves budget"


def test_html_nested_past_what_the_parser_reads_is_a_clear_error():
    import pytest

    from cleaner import TooDeepError

    deep = "<html><body>" + "<div>" * 10_000 + "<p>Deep text.</p>" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(TooDeepError, match=r"^deep\.html: HTML nested 10,003 levels deep; the parser reads 256$"):
        clean(deep, url="deep.html")


def test_one_five_megabyte_line_without_spaces_is_cleaned_as_one_block():
    result = clean("x" * 5_000_000)
    assert len(result.text) == 5_000_000 and result.removed == []


def test_the_title_has_its_language():
    result = clean(page(f"<div class='body'>{paragraphs()}</div>"))
    (title,) = [s for s in result.segments if s.kind == "title"]
    assert (title.text, title.lang) == ("Council approves budget", "en")


def test_code_is_no_page_text_but_json_ld_still_feeds_the_extractor():
    # An app shell: the article only in JSON-LD, a script and a style that
    # hold chrome-like strings. Nothing of the code shows up, not even as removed.
    body = " ".join(PARAGRAPHS)
    html = (
        "<html><head><title>Council approves budget</title>"
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "articleBody": "{body}"}}</script>'
        "</head><body><div id='app'></div><script>var label = 'Share'; render('Реклама');</script>"
        "<style>.share::after{content:'Share'}</style><svg><title>Share</title></svg></body></html>"
    )
    result = clean(html)
    assert result.text == body
    assert result.removed == []


def test_pages_are_parsed_as_trafilatura_parses_them():
    from lxml import etree
    from trafilatura.utils import load_html

    from cleaner.html import _parse
    from conftest import FIXTURES

    for page in sorted(FIXTURES.rglob("*.html")):
        text = page.read_bytes().decode("utf-8", "replace")
        ours, theirs = _parse(text), load_html(text)
        assert load_html(ours) is ours  # taken as it is, not parsed again
        assert etree.tostring(ours) == etree.tostring(theirs), page.name
    assert _parse("just a line of text") is None and load_html("just a line of text") is None


def test_a_newsletter_link_inside_a_paragraph_stays_in_it():
    line = "Readers can sign up for our newsletter to get the council budget news every morning before work."
    html = page(
        f"<div class='body'>{paragraphs()}<p>Readers can sign up for our "
        "<a class='newsletter-link' href='/nl'>newsletter</a> to get the council budget news every "
        "morning before work.</p></div>"
    )
    result = clean(html)
    assert result.text.split("\n\n") == PARAGRAPHS + [line]
