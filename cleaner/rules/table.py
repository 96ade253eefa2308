"""Phrase lookup without a regex: the longest phrase key at a position, or ending at one.

Phrases were once one compiled alternation (case-insensitive with full case
folding, flexible spaces and dashes).  The `regex` module compiles that in
Python: most of a second for the ~1,400 shipped phrases, in every process and
worker, and five minutes and a gigabyte for 100,000.  `PhraseTable` answers
the same question from a set of keys: the text there is brought to phrase-key
form one character at a time (case folded, Ё as Е, space runs as one space, a
dash with the spaces around it as ``-``), with the source offset of every
character's end, and its heads are looked up by the key lengths the table
holds, longest first.  On the benchmark pages it is also faster than the
alternation was (a few dictionary lookups against a regex walk).

>>> table = PhraseTable(["read more", "read", "share-this"], reverse=False)
>>> m = table.match("READ  More about it", 0)
>>> m.start(), m.end(), m.group()
(0, 10, 'READ  More')
>>> m = PhraseTable(["share-this"], reverse=True).match("Go: Share — this", 4, 16)
>>> m.start(), m.group()
(4, 'Share — this')
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from itertools import product
from typing import Any, cast
from dataclasses import dataclass

__all__ = ["PhraseTable"]


@dataclass(frozen=True, slots=True)
class TableMatch:
    """What the phrase matcher reads of a match: where it is and its text."""

    text: str
    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self) -> str:
        return self.text[self.begin:self.finish]


class PhraseTable:
    """Phrase keys (`cleaner.rules.matcher.phrase_key` form) matched at a text position, like their alternation."""

    def __init__(self, keys: Iterable[str], reverse: bool) -> None:
        self.keys = set(keys)
        self.lengths = sorted({len(k) for k in self.keys}, reverse=True)
        self.longest = self.lengths[0] if self.lengths else 0
        self.reverse = reverse

    def __reduce__(self) -> tuple[Any, ...]:
        return PhraseTable, (sorted(self.keys), self.reverse)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> TableMatch | None:
        """The longest key matching at ``pos`` (or, reversed, ending at ``endpos``) within ``text[pos:endpos]``.

        Keys of one length are taken in sorted order, as the alternation took them.
        """
        endpos = len(text) if endpos is None else endpos
        if pos >= endpos:
            return None
        best: tuple[int, str, int] | None = None  # (length, key, where the match ends or starts)
        for plain in _dotted_choices(text, pos, endpos, self.longest + 1, self.reverse):
            found = self._backward(text, pos, endpos, plain) if self.reverse else self._forward(text, pos, endpos, plain)
            if found and (best is None or (-found[0], found[1]) < (-best[0], best[1])):
                best = found
        if best is None:
            return None
        _, key, at = best
        # At a space only a dash's ``\s*\p{Pd}\s*`` could have matched; after a final
        # dash (before a leading one, reversed) it took the spaces too.
        if self.reverse:
            if _space(text[endpos - 1]) and key[-1] != "-":
                return None
            if key[0] == "-":
                while at > pos and _space(text[at - 1]):
                    at -= 1
            return TableMatch(text, at, endpos)
        if _space(text[pos]) and key[0] != "-":
            return None
        if key[-1] == "-":
            while at < endpos and _space(text[at]):
                at += 1
        return TableMatch(text, pos, at)

    def _forward(self, text: str, pos: int, endpos: int, plain: frozenset[int]) -> tuple[int, str, int] | None:
        form, ends = _normal(text, pos, endpos, self.longest + 1, 1, plain)
        for length in self.lengths:
            if length <= len(form) and ends[length - 1] is not None and (key := form[:length]) in self.keys:
                return length, key, cast(int, ends[length - 1])  # not None: checked above
        return None

    def _backward(self, text: str, pos: int, endpos: int, plain: frozenset[int]) -> tuple[int, str, int] | None:
        form, starts = _normal(text, endpos - 1, pos - 1, self.longest + 1, -1, plain)
        form, starts = form[::-1], starts[::-1]
        size = len(form)
        for length in self.lengths:
            if length <= size and starts[size - length] is not None and (key := form[size - length:]) in self.keys:
                return length, key, cast(int, starts[size - length])  # not None: checked above
        return None


# White space as the alternation's ``\s`` read it (Unicode White_Space): `str.isspace`
# also takes the four ASCII information separators, U+001C-U+001F.
_NOT_SPACE = frozenset("\x1c\x1d\x1e\x1f")
# Turkish İ case-folds to "i" and a combining dot, but the alternation (the regex
# module's simple case folding) also matched a plain "i" against it: where a
# window holds İ, both readings are tried, the folded one first as the
# alternation tried it.  Past this many İ in a window, the later ones are read folded only.
_DOTTED = "\u0130"
_DOTTED_MAX = 6


def _space(ch: str) -> bool:
    return ch.isspace() and ch not in _NOT_SPACE


def _dotted_choices(text: str, pos: int, endpos: int, enough: int, reverse: bool) -> list[frozenset[int]]:
    """The sets of İ positions to read as a plain "i", in the order the alternation would have tried them."""
    if text.find(_DOTTED, pos, endpos) < 0:
        return [frozenset()]
    # A window reads at most ``enough`` key characters; spaces between them are few.
    lo, hi = (max(pos, endpos - 4 * enough), endpos) if reverse else (pos, min(endpos, pos + 4 * enough))
    found = [i for i in range(lo, hi) if text[i] == _DOTTED]
    found = found[-_DOTTED_MAX:][::-1] if reverse else found[:_DOTTED_MAX]  # nearest the anchor first
    return [frozenset(i for i, plain in zip(found, choice) if plain)
            for choice in product((False, True), repeat=len(found))]


def _normal(text: str, first: int, stop: int, enough: int, step: int,
            plain: frozenset[int] = frozenset()) -> tuple[str, list[int | None]]:
    """Phrase-key form of ``text`` from ``first`` towards ``stop`` (``step`` 1 or -1), at least ``enough`` long.

    With each character of the form, the source offset where a match may end
    there (forwards: after the source character; backwards: at it), or None
    inside a character that folds to several (ß to ss).  An İ at a position in
    ``plain`` reads as "i".
    """
    out: list[str] = []
    bounds: list[int | None] = []
    i = first
    pending_space: int | None = None  # a run of spaces seen, not yet written (it may lead to a dash)
    while i != stop and len(out) < enough:
        ch = text[i]
        if _space(ch):
            if pending_space is None:
                pending_space = i
            i += step
            continue
        if unicodedata.category(ch) == "Pd":
            folded = "-"
            pending_space = None  # spaces before a dash are part of it
        else:
            folded = "i" if i in plain else ch.casefold().replace("ё", "е")
            if pending_space is not None and out and out[-1] != "-":
                out.append(" ")
                bounds.append(None)  # a match does not end on a space
            pending_space = None
        if folded == "-" and out and out[-1] == " ":
            out.pop()
            bounds.pop()
        if step < 0:
            folded = folded[::-1]
        for n, piece in enumerate(folded):
            out.append(piece)
            last = n == len(folded) - 1
            bounds.append((i + 1 if step > 0 else i) if last else None)
        i += step
    return "".join(out), bounds
