"""Phrase lookup without a regex: for phrase lists too long to compile as one alternation.

The `regex` module compiles an alternation in Python, about a millisecond per
phrase: 100,000 phrases took five minutes and a gigabyte, in the parent and in
every worker.  `PhraseTable` answers the same question, the longest phrase
key at a position (or ending at one), from a set of keys: the text there is
brought to phrase-key form one character at a time (case folded, Ё as Е,
space runs as one space, a dash with the spaces around it as ``-``), with the
source offset of every character's end, and its heads are looked up by the
key lengths the table holds, longest first.

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
        """The longest key matching at ``pos`` (or, reversed, ending at ``endpos``) within ``text[pos:endpos]``."""
        endpos = len(text) if endpos is None else endpos
        if self.reverse:
            return self._backward(text, pos, endpos)
        form, ends = _normal(text, pos, endpos, self.longest + 1, step=1)
        for length in self.lengths:
            if length <= len(form) and ends[length - 1] is not None and form[:length] in self.keys:
                return TableMatch(text, pos, cast(int, ends[length - 1]))  # not None: checked above
        return None

    def _backward(self, text: str, pos: int, endpos: int) -> TableMatch | None:
        form, starts = _normal(text, endpos - 1, pos - 1, self.longest + 1, step=-1)
        form, starts = form[::-1], starts[::-1]
        size = len(form)
        for length in self.lengths:
            if length <= size and starts[size - length] is not None and form[size - length:] in self.keys:
                return TableMatch(text, cast(int, starts[size - length]), endpos)  # not None: checked above
        return None


def _normal(text: str, first: int, stop: int, enough: int, step: int) -> tuple[str, list[int | None]]:
    """Phrase-key form of ``text`` from ``first`` towards ``stop`` (``step`` 1 or -1), at least ``enough`` long.

    With each character of the form, the source offset where a match may end
    there (forwards: after the source character; backwards: at it), or None
    inside a character that folds to several (ß to ss).
    """
    out: list[str] = []
    bounds: list[int | None] = []
    i = first
    pending_space: int | None = None  # a run of spaces seen, not yet written (it may lead to a dash)
    while i != stop and len(out) < enough:
        ch = text[i]
        if ch.isspace():
            if pending_space is None:
                pending_space = i
            i += step
            continue
        if unicodedata.category(ch) == "Pd":
            folded = "-"
            pending_space = None  # spaces before a dash are part of it
        else:
            folded = ch.casefold().replace("ё", "е")
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
