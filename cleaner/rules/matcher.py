"""Finding rules in text: every pack's phrases as one table of keys, and every rule's patterns.

Nearly every block is no chrome at all, so a miss must be cheap.  Phrases are
tried in three layers, cheapest first: a `Gate` on how phrase keys begin (or
end), then a `PhraseTable` of all phrase keys, matched forwards from a block's
start or backwards from its end.  The table needs no compiling (an alternation
of the shipped phrases with full case folding took most of a second to build,
in every process) and answers as that alternation did.  Patterns are tried only
on blocks with letters of their script (once languages are tagged), several
languages' patterns at once where they can be (`PatternGroup.combined`), each
compiled when a block first needs it.

Phrases never match inside a word of the same script: ``Share`` is no phrase in
``Shared``, but ``ИИChina`` (glued by markup) holds ``ИИ``.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import groupby
from typing import Any, cast

import regex

from ..config import RulesConfig
from ..detect import script_of
from ..document import Block, Removal, is_separator
from ..errors import RuleTimeoutError
from ..limits import pattern_budget, raise_budget, spend_pattern_time
from .actions import Action
from .pack import PATTERN_FLAGS, Rule, RulePack
from .table import PhraseTable

# The script of patterns written for lines with no letters ("zxx": no linguistic content),
# such as a date and time alone; the script runs give such text.
NO_LETTERS = "Zyyy"


def _pattern_script(lang: str) -> str:
    return NO_LETTERS if lang == "zxx" else script_of(lang)


# Full case folding (ß = ss, ﬁ = fi) makes `regex` parse a pattern three to four times as slowly:
# ~120 ms of a first page's start for the Latin rules alone.  The letters whose folding is more
# than one letter are folded once instead, in the block and in the pattern (str.translate), and
# the patterns compile with simple case folding: the same matches ("Straße" ~ "STRASSE").
_MULTI_FOLD = str.maketrans({"ß": "ss", "ẞ": "ss", "ſ": "s", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi",
                             "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "և": "եւ"})


def _simple_fold(source: str) -> str:
    """A pattern written for full case folding, for text folded by ``_MULTI_FOLD``."""
    return "(?-f)" + source.translate(_MULTI_FOLD)


# What may stand between glued phrases and around them: spaces, punctuation, bullets.
SEPARATORS = regex.compile(r"[\s\p{P}\p{S}\p{Cf}]*", regex.V1)  # Cf: zero-width and soft hyphen
_EDGE_PUNCTUATION = " \t\n\u00a0:：.…-–—|•·»«\"'“”„()[]"
_DASHES = regex.compile(r"\p{Pd}")
_SPACED_DASH = regex.compile(r"\s*-\s*")
# What keeps a pattern out of an alternation: an inline flag ((?r) reverses the
# whole pattern) or a named group; and a leading wildcard, which the regex
# module can search for a required word when the pattern stands alone.
_NOT_ALTERNATED = regex.compile(r"(?<!\\)\(\?[a-zA-Z^-]|\A\.")


def phrase_key(text: str) -> str:
    """How phrases are compared: case-folded, dashes and spaces unified, Ё as Е.

    >>> phrase_key("  Связанные  Статьи — ЁЖ")
    'связанные статьи-еж'
    """
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    if not text.isascii():  # the one ASCII dash is "-" already
        text = _DASHES.sub("-", text)
    if "-" in text:
        text = _SPACED_DASH.sub("-", text)
    return " ".join(text.split())


@dataclass(slots=True)
class Hit:
    """A rule found in a block: offsets into the block's text, the rule, the language it matched in."""

    start: int
    end: int
    rule: Rule
    lang: str

    def remove_from(self, block: Block, category: str | None = None, action: Action | None = None) -> None:
        """Record ``block.text[start:end]`` as removed by the rule.

        A caption or section that goes with a label or heading passes the
        category and action it goes as.  A repaired block reports its whole
        span: offsets into mended text do not point into the source.
        """
        block.cuts.append((self.start, self.end))
        start, end = (block.start, block.end) if block.repaired else (block.start + self.start, block.start + self.end)
        block.removals.append(Removal(block.text[self.start:self.end], self.rule.name, category or self.rule.category,
                                      self.lang, start, end, action or self.rule.action, self.rule.evidence_text))


class Gate:
    """The first ``size`` characters of every phrase key (whole keys when shorter), and all their prefixes;
    with ``from_end``, the last ones, read backwards.

    ``may_begin(window, cut)``: the phrase key of ``window`` (a text's first, or
    last, 2 x ``size`` characters; ``cut`` when the text goes on) starts (ends)
    like some phrase key, or with a whole one.  Most text fails on its second
    or third character.  The same windows come back on every page of a site
    ("Share", "Menu", a date line), so ``memo`` answers are kept.
    """

    def __init__(self, ends: Iterable[str], size: int, memo: int, from_end: bool = False) -> None:
        self.ends = set(ends)
        self.prefixes = {end[:n] for end in self.ends for n in range(1, len(end) + 1)}
        self.size, self.memo, self.from_end = size, memo, from_end
        # A memo hit costs no Python call; the cache does not pickle, so `__reduce__` builds it again.
        self.may_begin = lru_cache(maxsize=memo)(self._may_begin)

    def __reduce__(self) -> tuple[Any, ...]:
        return Gate, (tuple(self.ends), self.size, self.memo, self.from_end)

    def _may_begin(self, window: str, cut: bool) -> bool:
        key = phrase_key(window)
        head = key[::-1][:self.size] if self.from_end else key[:self.size]
        if len(head) < self.size and cut:
            return True  # a window of mostly spaces and dashes: too little to tell
        for n in range(1, len(head) + 1):
            piece = head[:n]
            if piece not in self.prefixes:
                return False
            if piece in self.ends:
                return True
        return False


class PhraseMatcher:
    """Every pack's phrases as a table of keys behind two gates; the longest phrase at a place wins.

    >>> from cleaner.rules import builtin_packs
    >>> phrases = PhraseMatcher(builtin_packs())
    >>> [(h.rule.category, h.lang) for h in phrases.whole("Поделиться • Share")]
    [('share', 'ru'), ('share', 'en')]
    >>> hit = phrases.edge("Сообщено ИИChina and Russia", 0, 27, at_start=True)
    >>> hit.start, hit.end, hit.rule.category
    (0, 11, 'ai_text_label')
    >>> phrases.match_phrase("  Связанные статьи:")[0].category
    'related'
    """

    def __init__(self, packs: Iterable[RulePack], config: RulesConfig = RulesConfig()) -> None:
        self.rules: dict[str, list[tuple[Rule, str]]] = {}  # phrase key -> (rule, lang), pack order
        for pack in packs:
            for rule in pack.rules:
                for lang, phrase in rule.phrases:
                    self.rules.setdefault(phrase_key(phrase), []).append((rule, lang))
        keys = sorted(self.rules, key=lambda k: (-len(k), k))
        self.empty = not keys
        self.gate, self.max_chars = config.gate, config.whole_block_max_chars
        self.window = 2 * config.gate  # what the gates read of a text's start or end
        self.heads = Gate((k[:self.gate] for k in keys), self.gate, config.gate_memo)
        self.tails = Gate((k[::-1][:self.gate] for k in keys), self.gate, config.gate_memo, from_end=True)
        self.forward, self.backward = PhraseTable(keys, reverse=False), PhraseTable(keys, reverse=True)

    def match_phrase(self, text: str) -> tuple[Rule, str] | None:
        """The (rule, lang) of the one phrase that ``text`` is, punctuation aside."""
        if not self.may_be_phrase(text):
            return None
        found = self.rules.get(phrase_key(text.strip(_EDGE_PUNCTUATION)))
        return found[0] if found else None

    def may_be_phrase(self, text: str) -> bool:
        """A cheap look at the first letters: most text begins like no phrase at all."""
        text = text.strip(_EDGE_PUNCTUATION)
        return self.heads.may_begin(text[:self.window], len(text) > self.window)

    def whole(self, text: str) -> list[Hit]:
        """Phrases that make up all of ``text`` (separators aside), else []."""
        if self.empty or len(text) > self.max_chars:
            return []
        hits: list[Hit]
        hits, pos, end = [], 0, len(text)
        while True:
            pos = cast("regex.Match[str]", SEPARATORS.match(text, pos)).end()  # a `*` pattern: always a match
            if pos >= end:
                return hits
            if not self.may_be_phrase(text[pos:pos + self.window + 2]):
                return []
            m = self.forward.match(text, pos)
            if not m or not _word_edge(text, m.start(), m.end()):
                return []
            hits.append(Hit(m.start(), m.end(), *self._lookup(m.group())))
            pos = m.end()

    def edge(self, text: str, lo: int, hi: int, at_start: bool) -> Hit | None:
        """A phrase at the start (or end) of ``text[lo:hi]`` that leaves some text beside it."""
        first = cast("regex.Match[str]", SEPARATORS.match(text, lo, hi)).end()  # a `*` pattern: always a match
        last = hi
        while last > first and is_separator(text[last - 1]):
            last -= 1
        if at_start:
            if not self.may_be_phrase(text[first:first + self.window + 2]):
                return None
            m = self.forward.match(text, first, last)
            if not (m and m.end() < last):
                return None
        else:
            if not self.tails.may_begin(text[max(first, last - self.window):last], last - self.window > first):
                return None
            m = self.backward.match(text, first, last)  # anchored at ``last``, longest phrase first
            if not (m and m.start() > first):
                return None
        if not _word_edge(text, m.start(), m.end()):
            return None
        return Hit(m.start(), m.end(), *self._lookup(m.group()))

    def _lookup(self, matched: str) -> tuple[Rule, str]:
        return self.rules[phrase_key(matched)][0]


def _word_edge(text: str, start: int, end: int) -> bool:
    """A phrase must not begin or end inside a word of the same script."""
    ok_start = start == 0 or _boundary(text, start)
    ok_end = end >= len(text) or _boundary(text, end)
    return ok_start and ok_end


def _boundary(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    return not (before.isalnum() and after.isalnum()) or _script(before) != _script(after)


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


class PatternGroup:
    """A rule's patterns for consecutive languages of one script, in their order.

    Shipped patterns without groups or inline flags, and not opening with a
    wildcard, are also tried as one alternation: a block that none of them
    matches (nearly every block) costs one call instead of one per language.
    Nothing is compiled until a block of the group's script asks, and the
    patterns one by one only once their alternation has matched: a page in one
    script compiles that script's patterns, and those once.
    """

    def __init__(self, rule: Rule, script: str, limit: int, timeout: float | None,
                 sources: list[tuple[str, str]]) -> None:
        self.rule, self.script, self.limit, self.timeout, self.sources = rule, script, limit, timeout, sources

    @cached_property
    def members(self) -> list[tuple[str, regex.Pattern[str]]]:
        """(lang, compiled pattern), in the rule's order."""
        return [(lang, regex.compile(_simple_fold(source), PATTERN_FLAGS)) for lang, source in self.sources]

    @cached_property
    def combined(self) -> regex.Pattern[str] | None:
        """The members as one alternation, when they can stand in one (see the class)."""
        if self.timeout is not None or len(self.sources) < 2 or any(_NOT_ALTERNATED.search(s) for _, s in self.sources):
            return None
        try:
            combined = regex.compile(_simple_fold("|".join(f"(?:{source})" for _, source in self.sources)), PATTERN_FLAGS)
        except regex.error:  # groups that refer to each other across members
            return None
        return None if combined.groups else combined  # a member with groups: its numbers would shift

    def first_match(self, text: str, at: int) -> str | None:
        """The language of the first pattern that matches all of ``text``."""
        combined = self.combined
        if combined is not None and not combined.fullmatch(text):
            return None
        for lang, pattern in self.members:
            if not self.timeout:
                matched = pattern.fullmatch(text)
            else:
                matched = self._timed(pattern, text, at)
            if matched:
                return lang
        return None

    def _timed(self, pattern: regex.Pattern[str], text: str, at: int) -> Any:
        """A user pattern under its block limit and the page's budget (`cleaner.limits`)."""
        budget, which = pattern_budget(cast(float, self.timeout))  # timed only with a timeout
        began = time.perf_counter()
        try:
            return pattern.fullmatch(text, timeout=budget)
        except TimeoutError:
            if which != "block":
                raise_budget(which)
            raise RuleTimeoutError(
                f"rule {self.rule.name}: pattern {pattern.pattern!r} ran past {self.timeout}s "
                f"on the block at {at}; make it linear (no nested quantifiers)"
            ) from None
        finally:
            spend_pattern_time(time.perf_counter() - began)


class PatternMatcher:
    """Every rule's patterns in pack order (the first match wins), each group with its script.

    User packs' patterns run under ``config.pattern_timeout``; shipped ones are
    written linear and fuzzed, so they run without the timer (it costs more than the match).
    """

    def __init__(self, packs: Iterable[RulePack], config: RulesConfig = RulesConfig()) -> None:
        self.groups = [
            PatternGroup(rule, script, rule.max_chars or config.pattern_max_chars,
                         None if pack.trusted else config.pattern_timeout, list(members))
            for pack in packs for rule in pack.rules
            for script, members in groupby(rule.patterns, key=lambda member: _pattern_script(member[0]))
        ]
        self.by_script: dict[str, list[PatternGroup]] = {}
        for group in self.groups:
            self.by_script.setdefault(group.script, []).append(group)
        self.max_chars = max((group.limit for group in self.groups), default=0)

    def match(self, block: Block) -> list[Hit]:
        """The first pattern that matches all of the block (spaces at its ends aside), as one hit, else [].

        A table's row of several cells is data in columns ("Sat 12.10.2019 15:30 | Bayern
        München"), not a line of furniture: patterns read lines.
        """
        if len(block.layout.cells) > 1:
            return []
        text = block.text.strip()
        size = len(text)
        if size > self.max_chars:
            return []
        lead = len(block.text) - len(block.text.lstrip())
        # A pattern written for a language needs that language's letters: no
        # Cyrillic pattern is tried on a block without Cyrillic runs.
        scripts = {run.script for run in block.runs if run.letters} if block.runs else None
        if scripts is None:
            candidates = self.groups
        elif not scripts:  # no letters: a date, a time, a number (patterns of "zxx", no language)
            candidates = self.by_script.get(NO_LETTERS, [])
        elif len(scripts) == 1:
            candidates = self.by_script.get(scripts.pop(), [])
        else:
            candidates = [group for group in self.groups if group.script in scripts]
        text = text.translate(_MULTI_FOLD)
        for group in candidates:
            if size <= group.limit and (lang := group.first_match(text, block.start)) is not None:
                return [Hit(lead, lead + size, group.rule, lang)]
        return []
