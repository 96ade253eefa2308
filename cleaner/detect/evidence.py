"""What a page says about its languages, beside its text.

Short runs ("Share", «Новости») are where statistics fail; the page around
them knows more: the languages it declares (``<html lang>``,
``Content-Language``, ``og:locale``), its country domain, and the interface
phrases the rule packs recognise in it (the packs are a lexicon of exactly
the strings that are hardest to tag).  `PageEvidence` carries that to the
`Detector`; it weighs it with the backend's scores (`cleaner.detect.tagger`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from ..records import host_of

if TYPE_CHECKING:
    from ..rules.matcher import PhraseMatcher

# Country domains where one language is what most pages are written in. Left
# out where two are common (.by, .kz, .ch, .be, .ca, .in): a domain there says
# little, and weak evidence of the wrong language is worse than none.
TLD_LANGUAGES = {
    "ru": "ru", "ua": "uk", "bg": "bg", "rs": "sr", "mk": "mk", "de": "de", "at": "de", "fr": "fr",
    "es": "es", "mx": "es", "ar": "es", "it": "it", "pl": "pl", "nl": "nl", "pt": "pt", "br": "pt",
    "cn": "zh", "tw": "zh", "jp": "ja", "kr": "ko", "gr": "el", "cz": "cs", "sk": "sk", "hu": "hu",
    "ro": "ro", "se": "sv", "dk": "da", "fi": "fi", "tr": "tr", "il": "he", "ir": "fa", "vn": "vi",
    "th": "th", "id": "id", "hr": "hr", "si": "sl", "lt": "lt", "lv": "lv", "ee": "et", "ge": "ka",
    "am": "hy", "uk": "en", "us": "en", "au": "en", "nz": "en", "ie": "en",
}
_LANG_TAG = regex.compile(r"\A([a-zA-Z]{2,3})(?:[-_]|\Z)")
_EDGE = " \t\n\u00a0:：.…-–—|•·»«\"'“”„()[]"


def language_of_tag(tag: str | None) -> str | None:
    """The ISO 639-1 (or -3) code of a language tag or locale: "ru-RU", "pt_BR", "de".

    >>> language_of_tag("ru-RU"), language_of_tag("pt_BR"), language_of_tag("x-default")
    ('ru', 'pt', None)
    """
    if not tag:
        return None
    m = _LANG_TAG.match(tag.strip().split(",")[0].strip())
    return m.group(1).lower() if m and m.group(1).lower() not in ("x", "i", "und", "mul", "zxx") else None


def tld_language(url: str | None) -> str | None:
    """The language most pages of a URL's country domain are in, if one is.

    >>> tld_language("https://www.spiegel.de/politik/"), tld_language("https://example.com/")
    ('de', None)
    """
    host = host_of(url) or ""
    return TLD_LANGUAGES.get(host.rsplit(".", 1)[-1]) if "." in host else None


@dataclass(frozen=True)
class PageEvidence:
    """A page's declared languages and its phrase lexicon.

    ``declared``: (source, lang) pairs: "html-lang" (or og:locale),
    "content-language", "tld".  ``phrases``: the languages a text is a known phrase
    in (a rule pack's phrase), empty for most text.
    """

    declared: tuple[tuple[str, str], ...] = ()
    phrases: Callable[[str], frozenset[str]] = field(default=lambda text: frozenset(), compare=False)

    def declared_languages(self) -> dict[str, str]:
        """lang -> the first source that declared it."""
        found: dict[str, str] = {}
        for source, lang in self.declared:
            found.setdefault(lang, source)
        return found


def declared_languages(
    metadata: Mapping[str, str], headers: Mapping[str, str] | None, url: str | None
) -> tuple[tuple[str, str], ...]:
    """(source, lang) of every language the page declares, most trusted first."""
    found = []
    for source, tag in (
        ("html-lang", metadata.get("lang")),  # <html lang>, else og:locale (`cleaner.html.metadata`)
        ("content-language", _header(headers, "content-language")),
        ("tld", None),
    ):
        lang = tld_language(url or metadata.get("url")) if source == "tld" else language_of_tag(tag)
        if lang:
            found.append((source, lang))
    return tuple(found)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def phrase_lexicon(matcher: PhraseMatcher | None) -> Callable[[str], frozenset[str]]:
    """The languages in which ``text`` is, punctuation aside, a phrase of the packs.

    A phrase listed in several languages ("Facebook") is evidence of none
    beyond those.
    """
    if matcher is None or matcher.empty:
        return lambda text: frozenset()
    from ..rules.matcher import phrase_key

    rules = matcher.rules

    def langs(text: str) -> frozenset[str]:
        text = text.strip(_EDGE)
        if not text or len(text) > matcher.window * 4 or not matcher.may_be_phrase(text):
            return frozenset()
        found = rules.get(phrase_key(text))
        return frozenset(lang for _, lang in found) if found else frozenset()

    return langs


@lru_cache(maxsize=1)
def builtin_lexicon() -> Callable[[str], frozenset[str]]:
    """The shipped packs' phrases, for `language_runs` outside a pipeline."""
    from ..rules import builtin_packs
    from ..rules.matcher import PhraseMatcher

    return phrase_lexicon(PhraseMatcher(builtin_packs()))

