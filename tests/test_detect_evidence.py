from __future__ import annotations

import pytest

from cleaner.detect.evidence import (
    PageEvidence, builtin_lexicon, declared_languages, language_of_tag, tld_language,
)


@pytest.mark.parametrize(
    "tag, lang",
    [("ru-RU", "ru"), ("pt_BR", "pt"), ("de", "de"), ("EN-gb", "en"), ("x-default", None), ("", None), (None, None)],
)
def test_a_language_tag_or_locale_gives_its_language(tag, lang):
    assert language_of_tag(tag) == lang


@pytest.mark.parametrize(
    "url, lang",
    [
        ("https://www.spiegel.de/politik/a-1.html", "de"),
        ("https://ria.ru/20240101/x.html", "ru"),
        ("https://www.pravda.com.ua/news/", "uk"),
        ("https://www.tut.by/", None),  # Belarusian and Russian both common: no say
        ("https://example.com/", None),
        ("not a url", None),
        (None, None),
    ],
)
def test_a_country_domain_says_its_main_language_where_it_has_one(url, lang):
    assert tld_language(url) == lang


def test_declared_languages_come_most_trusted_first():
    found = declared_languages({"lang": "uk-UA"}, {"Content-Language": "ru"}, "https://example.de/x")
    assert found == (("html-lang", "uk"), ("content-language", "ru"), ("tld", "de"))
    assert PageEvidence(found).declared_languages() == {"uk": "html-lang", "ru": "content-language", "de": "tld"}


def test_the_packs_phrases_are_a_lexicon_of_interface_strings():
    phrases = builtin_lexicon()
    assert "ru" in phrases("Читайте также:")
    assert "en" in phrases(" Share ")
    assert phrases("Правительство объявило о новых мерах") == frozenset()


def test_the_page_declares_its_language_in_html_lang_or_og_locale():
    from cleaner import clean

    body = "<p>" + "The council approved the new budget after a long debate. " * 3 + "</p>"
    html = f"<html lang='uk-UA'><head><title>T</title></head><body><article>{body}</article></body></html>"
    assert clean(html).metadata["lang"] == "uk-UA"
    html = ("<html><head><meta property='og:locale' content='pt_BR'><title>T</title></head>"
            f"<body><article>{body}</article></body></html>")
    assert clean(html).metadata["lang"] == "pt_BR"
    assert "lang" not in clean(f"<html><body><article>{body}</article></body></html>").metadata


def test_a_declared_language_establishes_a_short_line_of_it_on_the_page():
    from cleaner import clean

    story = "".join(
        f"<p>{s}</p>" for s in (
            "The council approved the new budget after a debate that lasted late into the night.",
            "Officials said the money would go to schools, roads and the city's two hospitals.",
        )
    )

    def page(lang: str) -> str:
        return f"<html lang='{lang}'><head><title>T</title></head><body><article>{story}<p>Головна</p></article></body></html>"

    # Declared Ukrainian: the label after the story is surely Ukrainian, an interface line, and goes.
    declared = clean(page("uk"))
    assert [(r.text, r.lang, r.rule) for r in declared.removed] == [("Головна", "uk", "language/foreign-short-block")]
    # Undeclared: only its own guess says Ukrainian, too little to drop a line for; it stays.
    undeclared = clean(page(""))
    assert [(s.text, s.lang) for s in undeclared.segments][-1] == ("Головна", "uk") and undeclared.removed == []
