"""Phrases are looked up in a table of keys; it must find what their compiled alternation found.

The alternation is what the phrase matcher compiled until the table replaced
it (case-insensitive with full case folding, ``\\s+`` for a space, a dash with
any spaces around it, Ё as Е, Turkish İ in both spellings).  It is kept here
as the oracle: every case-folding corner the table must agree on is pinned
below, and random text around the shipped phrases is compared by hypothesis.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.rules import builtin_packs, phrase_key
from cleaner.rules.pack import PATTERN_FLAGS
from cleaner.rules.table import PhraseTable


def _phrase_regex(key: str) -> str:
    parts = []
    for ch in key.replace("i\u0307", "\u0130"):
        if ch == "\u0130":
            parts.append("(?:\u0130|i\u0307)")
        elif ch == " ":
            parts.append(r"\s+")
        elif ch == "-":
            parts.append(r"\s*\p{Pd}\s*")
        elif ch == "е":
            parts.append("[её]")
        else:
            parts.append(regex.escape(ch))
    return "".join(parts)


class Oracle:
    """The alternation of ``keys``, longest first, forwards and reversed."""

    def __init__(self, phrases: list[str]) -> None:
        keys = sorted({phrase_key(p) for p in phrases}, key=lambda k: (-len(k), k))
        alternation = "|".join(_phrase_regex(k) for k in keys)
        self.forward = regex.compile(alternation, PATTERN_FLAGS)
        self.backward = regex.compile(alternation, PATTERN_FLAGS | regex.REVERSE)
        self.table_forward = PhraseTable(keys, reverse=False)
        self.table_backward = PhraseTable(keys, reverse=True)

    def spans(self, text: str, pos: int, endpos: int) -> tuple[object, object, object, object]:
        def span(m: object) -> tuple[int, int] | None:
            return None if m is None else (m.start(), m.end())  # type: ignore[attr-defined]

        return (span(self.forward.match(text, pos, endpos)), span(self.table_forward.match(text, pos, endpos)),
                span(self.backward.match(text, pos, endpos)), span(self.table_backward.match(text, pos, endpos)))


TRICKY = Oracle([
    "Straße", "İstanbul", "Istanbul haber", "Ещё новости", "Read more", "Read", "Share — this", "ﬁle",
    "Σας ευχαριστούμε", "Ολυμπιακός", "ǅemal", "Kelvin", "Ångström", "foo -", "- bar", "Ĳssel", "Maße",
])


def _agree(oracle: Oracle, text: str, pos: int = 0, endpos: int | None = None) -> tuple[object, object]:
    endpos = len(text) if endpos is None else endpos
    fwd, table_fwd, bwd, table_bwd = oracle.spans(text, pos, endpos)
    assert table_fwd == fwd, ("forwards", text, pos, endpos)
    assert table_bwd == bwd, ("backwards", text, pos, endpos)
    return fwd, bwd


def test_full_case_folding_matches_as_the_alternation_did():
    # ß and ẞ are "ss" both ways, but never half of one
    assert _agree(TRICKY, "STRASSE x")[0] == (0, 7)
    assert _agree(TRICKY, "STRAẞE x")[0] == (0, 6)
    assert _agree(TRICKY, "strasse")[1] == (0, 7)
    assert _agree(TRICKY, "Masse")[0] == (0, 5) and _agree(TRICKY, "MASZE") == (None, None)
    # a ligature folds to its letters; Ĳ to ĳ (one letter: no "ij" from it)
    assert _agree(TRICKY, "ﬁle")[0] == (0, 3) and _agree(TRICKY, "FILE")[0] == (0, 4)
    assert _agree(TRICKY, "ĳssel")[0] == (0, 5)
    # Kelvin sign and Ångström sign fold to the letters
    assert _agree(TRICKY, "\u212aelvin")[0] == (0, 6) and _agree(TRICKY, "\u212bngström")[0] == (0, 8)
    # final sigma, capital sigma and σ; Greek with tonos
    assert _agree(TRICKY, "ΣΑΣ ΕΥΧΑΡΙΣΤΟΎΜΕ")[0] == (0, 16)
    assert _agree(TRICKY, "σας ευχαριστούμε.")[0] == (0, 16)
    # titlecase digraph
    assert _agree(TRICKY, "ǄEMAL")[0] == (0, 5)


def test_turkish_dotted_and_dotless_i_as_the_alternation_did():
    assert _agree(TRICKY, "İstanbul")[0] == (0, 8)
    assert _agree(TRICKY, "i\u0307stanbul")[0] == (0, 9)
    assert _agree(TRICKY, "I\u0307STANBUL")[0] == (0, 9)
    assert _agree(TRICKY, "ISTANBUL HABER")[0] == (0, 14)
    # dotless ı is no i; but İ is also a plain i to the alternation (simple case
    # folding), so the longer key "istanbul haber" wins over "i̇stanbul"
    assert _agree(TRICKY, "ıstanbul haber") == (None, None)
    assert _agree(TRICKY, "İstanbul haber")[0] == (0, 14)
    assert _agree(TRICKY, "İSTANBUL HABER")[1] == (0, 14)
    # a plain i with the combining dot after it is "i̇", not "i" and a stray mark
    assert _agree(TRICKY, "i\u0307stanbul haber")[0] == (0, 9)
    # İ and a combining dot: İ read as the plain i, the dot as the key's own
    assert _agree(TRICKY, "İ\u0307stanbul") == ((0, 9), (0, 9))


def test_cyrillic_yo_spaces_and_dashes_as_the_alternation_did():
    assert _agree(TRICKY, "ЕЩЁ  НОВОСТИ:")[0] == (0, 12)
    assert _agree(TRICKY, "еще\u00a0новости")[0] == (0, 11)
    assert _agree(TRICKY, "Share-this")[0] == (0, 10)
    assert _agree(TRICKY, "Share \u2013\n this")[0] == (0, 13)
    assert _agree(TRICKY, "Share -- this") == (None, None)  # "Share" alone is no key; two dashes are no dash
    assert _agree(TRICKY, "Read  More about")[0] == (0, 10)
    assert _agree(TRICKY, "Readmore")[0] == (0, 4)
    # a final dash takes the spaces after it, a leading one those before it
    assert _agree(TRICKY, "Foo -   x")[0] == (0, 8)
    assert _agree(TRICKY, "x  - bar", 1)[1] == (1, 8)
    # U+001C..U+001F are no white space to the alternation
    assert _agree(TRICKY, "Read\x1cmore")[0] == (0, 4)
    assert _agree(TRICKY, " Read more") == (None, (1, 10))  # forwards no key opens with a space
    assert _agree(TRICKY, "Go: Read more ", 0, 14) == (None, None)


def test_matches_stay_inside_their_window():
    assert _agree(TRICKY, "xx Read more yy", 3, 12) == ((3, 12), (3, 12))
    assert _agree(TRICKY, "xx Read more yy", 3, 10)[0] == (3, 7)
    assert _agree(TRICKY, "Straße", 0, 5) == (None, None)


BUILTIN = Oracle([phrase for pack in builtin_packs() for rule in pack.rules for _, phrase in rule.phrases])
PHRASES = sorted({phrase for pack in builtin_packs() for rule in pack.rules for _, phrase in rule.phrases})
ODD = "ßẞİıIiЁёЕеΣσς ‐-–—\u00a0\n\t\x1c\u0307ﬁ:.|"


# What a character of a phrase may become on a page: another case, Turkish İ for i,
# another white space (or U+001C, which is none), a dash with spaces, ß for ss.
VARIANTS = {" ": [" ", "\u00a0", "\n ", "\x1c", "  "], "i": ["i", "I", "İ", "ı", "i\u0307"],
            "-": ["-", " – ", "—", "--"], "s": ["s", "S", "ß", "ẞ"], "е": ["е", "Ё", "ё", "Е"]}


def _recase(draw: st.DrawFn, text: str) -> str:
    out = []
    for ch in text:
        if ch in VARIANTS and draw(st.booleans()):
            out.append(draw(st.sampled_from(VARIANTS[ch])))
        else:
            out.append(getattr(ch, draw(st.sampled_from(("upper", "lower", "title", "strip"))))())
    return "".join(out)


@st.composite
def around_phrases(draw: st.DrawFn) -> str:
    pieces = [_recase(draw, draw(st.sampled_from(PHRASES))) for _ in range(draw(st.integers(1, 3)))]
    glue = st.text(alphabet=ODD, max_size=3)
    return draw(glue) + "".join(piece + draw(glue) for piece in pieces) + draw(st.text(max_size=4))


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.one_of(around_phrases(), st.text(alphabet=ODD + "abcsteуинова", max_size=30)))
def test_the_table_finds_what_the_shipped_phrases_alternation_finds(text):
    _agree(BUILTIN, text)
    for pos in range(1, min(len(text), 4)):
        _agree(BUILTIN, text, pos)
