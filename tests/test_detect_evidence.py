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
