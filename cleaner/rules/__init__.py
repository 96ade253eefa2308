"""Stage 4, rules: rule packs (TOML data) decide what is chrome.

A pack is one TOML file with a ``[pack]`` table (id, version, description) and
``[[rules]]``.  A rule has an id, a category, an action, and what it matches:
``phrases`` (literal strings per language, matched case-insensitively with
flexible white space) and/or ``patterns`` (regexes per language that must match
a whole block), or a ``match`` of another kind (``foreign_language``).

Actions, from the gentlest:

- ``strip``: a phrase that is a whole block, or sits at a block's edge glued to
  text in another language (``…aggression.Изображение, созданное ИИ``);
- ``drop_caption``: as ``strip``, and the caption the label sits under goes too;
- ``drop_block``: the whole block is made of the rule's phrases or matches a pattern;
- ``drop_section``: a chrome heading and what follows it, up to the next heading
  of the same or a higher level (HTML) or the page end (text);
- ``drop_rest``: the block and everything after it.

Phrases never match inside prose: an article that *mentions* "AI-generated
image" keeps the sentence.  Sections never swallow the article: when more
article-like text follows a section heading than precedes it, the heading is
taken for a menu entry and the section stops at the first article-like block.
"""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from ..detect import ARTICLE_MIN_LETTERS, majority_language, script_of
from ..document import UNDETERMINED, Block, Document, Removal, is_separator
from ..errors import RulePackError, RuleTimeoutError
from .actions import Action

if TYPE_CHECKING:
    from ..core import Context

CATEGORIES = (
    "ai_image_label", "ai_image_caption", "ai_text_label", "reactions", "related",
    "read_also", "cookie_consent", "newsletter", "share", "advertising", "comments",
    "navigation", "ui_foreign", "not_article",
)
ACTIONS = tuple(Action)
# text: phrases and patterns read in block text; foreign_language: a short block in
# another language than the page; markup: applied by the code to the page's
# structure (markers in class, id or aria-label; headline furniture; no article).
MATCHES = ("text", "foreign_language", "markup")

# Characters of a phrase's start and end compared (as phrase keys) before the
# full match: a miss of the phrase alternation costs tens of microseconds.
GATE = 8
GATE_MEMO = 8192  # gate answers kept per rule set
WHOLE_BLOCK_MAX_CHARS = 240  # a few phrases glued together; a longer block is read at its edges only
PATTERN_TIMEOUT = 0.25  # seconds per pattern and block; a linear pattern needs microseconds
PATTERN_MAX_CHARS = 500  # a pattern rule never sees a longer block unless it says so
CAPTION_MAX_CHARS = 400  # a longer block above an AI-image label is a paragraph, not its caption
LONE_CAPTION_MAX_CHARS = 250  # the same on a page with no blank lines, where it must also be one sentence

_PACK_KEYS = {"id", "version", "description"}
_RULE_KEYS = {"id", "category", "action", "description", "phrases", "patterns", "max_chars", "match", "max_words",
              "markers", "reasons"}
_ID = regex.compile(r"[a-z0-9][a-z0-9-]*")
_LANG = regex.compile(r"[a-z]{2,3}")
# What may stand between glued phrases and around them: spaces, punctuation, bullets.
_SEPARATORS = regex.compile(r"[\s\p{P}\p{S}\p{Cf}]*", regex.V1)  # Cf: zero-width and soft hyphen
_SENTENCE_END = regex.compile(r"[.!?…。！？]\s*\Z")
_DASHES = regex.compile(r"\p{Pd}")
_SPACED_DASH = regex.compile(r"\s*-\s*")
_EDGE_PUNCTUATION = " \t\n\u00a0:：.…-–—|•·»«\"'“”„()[]"
_GLUE_AFTER = set(".!?…»\")”’")  # what a caption ends with when a label is glued to it
_SENTENCE_BREAK = regex.compile(r"[.!?…。！？]+(?=\s|\Z)")
_QUOTE_START = regex.compile(r"\A\s*[\"'«»„“”‘’‹›「『]")
_WORD = regex.compile(r"\w+")
_PATTERN_FLAGS = regex.IGNORECASE | regex.FULLCASE | regex.V1


@dataclass(frozen=True)
class Rule:
    pack: str
    id: str
    category: str
    action: Action
    description: str = ""
    match: str = "text"
    phrases: tuple[tuple[str, str], ...] = ()  # (lang, phrase)
    patterns: tuple[tuple[str, regex.Pattern], ...] = ()  # (lang, compiled)
    max_chars: int | None = None
    max_words: int | None = None
    markers: tuple[str, ...] = ()  # markup rules: lower-case words of a box's class, id or aria-label
    reasons: tuple[tuple[str, str], ...] = ()  # markup rules: why a page has no article, by case

    @property
    def name(self) -> str:
        return f"{self.pack}/{self.id}"

    def reason(self, case: str) -> str:
        """The reason text a markup rule gives for ``case`` (see its pack)."""
        return dict(self.reasons)[case]


@dataclass(frozen=True)
class RulePack:
    id: str
    version: str
    description: str
    sha256: str
    source: str
    rules: tuple[Rule, ...]
    # Shipped with cleaner: its patterns are written linear and fuzzed here, so they
    # run without a timeout (the timer costs more than the match).  User packs keep it.
    trusted: bool = False

    def describe(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


def load_pack(path: str | Path) -> RulePack:
    """Read and validate one pack file; `RulePackError` names the file, rule and problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read rule pack: {exc.strerror or exc}") from None
    return parse_pack(raw, str(path))


def parse_pack(raw: bytes, source: str) -> RulePack:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"{source}: not a valid TOML rule pack: {exc}") from None
    head = data.get("pack")
    if not isinstance(head, dict):
        raise RulePackError(f"{source}: missing [pack] table with id and version")
    _check_keys(head, _PACK_KEYS, f"{source}: [pack]")
    pack_id = head.get("id")
    if not isinstance(pack_id, str) or not _ID.fullmatch(pack_id):
        raise RulePackError(f"{source}: [pack] id must be lower-case letters, digits and dashes, got {pack_id!r}")
    if not isinstance(head.get("version"), str):
        raise RulePackError(f"{source}: [pack] version must be a string such as \"1.0.0\"")
    extra = set(data) - {"pack", "rules"}
    if extra:
        raise RulePackError(f"{source}: unknown top-level key(s): {', '.join(sorted(extra))}")
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RulePackError(f"{source}: a pack needs at least one [[rules]] entry")
    rules, seen = [], set()
    for index, entry in enumerate(entries):
        rule = _parse_rule(entry, pack_id, f"{source}: rule #{index + 1}")
        if rule.id in seen:
            raise RulePackError(f"{source}: rule {rule.id!r}: id used twice")
        seen.add(rule.id)
        rules.append(rule)
    return RulePack(
        id=pack_id,
        version=head["version"],
        description=str(head.get("description", "")),
        sha256=hashlib.sha256(raw).hexdigest(),
        source=source,
        rules=tuple(rules),
    )


MARKUP_PACK = "markup"  # the rules the code applies by structure: loaded even without the other built-in packs


def builtin_packs(phrases: bool = True) -> list[RulePack]:
    """The packs shipped inside the package, in file-name order; without ``phrases``, only the markup pack."""
    folder = resources.files("cleaner") / "packs"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    if not phrases:
        files = [f for f in files if f.name == f"{MARKUP_PACK}.toml"]
    return [replace(parse_pack(f.read_bytes(), f"cleaner/packs/{f.name}"), trusted=True) for f in files]


def _parse_rule(entry: object, pack_id: str, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RulePackError(f"{where}: must be a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise RulePackError(f"{where}: id must be lower-case letters, digits and dashes, got {rule_id!r}")
    where = f"{where.rsplit(': ', 1)[0]}: rule {rule_id!r}"
    _check_keys(entry, _RULE_KEYS, where)
    category, action = entry.get("category"), entry.get("action")
    match = entry.get("match", "text")
    if category not in CATEGORIES:
        raise RulePackError(f"{where}: unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    if action not in ACTIONS:
        raise RulePackError(f"{where}: unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if match not in MATCHES:
        raise RulePackError(f"{where}: unknown match {match!r}; use one of {', '.join(MATCHES)}")
    phrases = tuple(
        (lang, phrase)
        for lang, items in _per_language(entry.get("phrases", {}), where, "phrases")
        for phrase in items
    )
    patterns = tuple(
        (lang, _compile(pattern, f"{where}: pattern {pattern!r}"))
        for lang, items in _per_language(entry.get("patterns", {}), where, "patterns")
        for pattern in items
    )
    if match == "text" and not (phrases or patterns):
        raise RulePackError(f"{where}: needs phrases or patterns")
    markers = entry.get("markers", [])
    if not isinstance(markers, list) or not all(isinstance(m, str) and m.strip() for m in markers):
        raise RulePackError(f"{where}: markers must be a list of non-empty strings")
    reasons = entry.get("reasons", {})
    if not isinstance(reasons, dict) or not all(isinstance(v, str) for v in reasons.values()):
        raise RulePackError(f"{where}: reasons must be a table of case = \"text\"")
    if (markers or reasons) and match != "markup":
        raise RulePackError(f"{where}: markers and reasons belong to rules with match = \"markup\"")
    for key in ("max_chars", "max_words"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise RulePackError(f"{where}: {key} must be a positive integer, got {value!r}")
    return Rule(
        pack=pack_id,
        id=rule_id,
        category=category,
        action=Action(action),
        description=str(entry.get("description", "")),
        match=match,
        phrases=phrases,
        patterns=patterns,
        max_chars=entry.get("max_chars"),
        max_words=entry.get("max_words"),
        markers=tuple(m.strip().lower() for m in markers),
        reasons=tuple(sorted(reasons.items())),
    )


def _check_keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise RulePackError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def _per_language(table: object, where: str, key: str) -> Iterable[tuple[str, list[str]]]:
    if not isinstance(table, dict):
        raise RulePackError(f"{where}: {key} must be a table of language = [strings]")
    for lang, items in table.items():
        if not _LANG.fullmatch(lang):
            raise RulePackError(f"{where}: {key}: {lang!r} is not an ISO 639 language code")
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise RulePackError(f"{where}: {key}.{lang} must be a list of non-empty strings")
        yield lang, items


def _compile(pattern: str, where: str) -> regex.Pattern:
    try:
        return regex.compile(pattern, _PATTERN_FLAGS)
    except regex.error as exc:
        raise RulePackError(f"{where}: invalid regex: {exc}") from None


# --- matching ---------------------------------------------------------------


def phrase_key(text: str) -> str:
    """How phrases are compared: case-folded, dashes and spaces unified, Ё as Е."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    if not text.isascii():  # the one ASCII dash is "-" already
        text = _DASHES.sub("-", text)
    if "-" in text:
        text = _SPACED_DASH.sub("-", text)
    return " ".join(text.split())


def _phrase_regex(phrase: str) -> str:
    parts = []
    for ch in phrase_key(phrase):
        if ch == " ":
            parts.append(r"\s+")
        elif ch == "-":
            parts.append(r"\s*\p{Pd}\s*")
        elif ch == "е":
            parts.append("[её]")
        else:
            parts.append(regex.escape(ch))
    return "".join(parts)


@dataclass
class _Hit:
    start: int  # offsets into the block text
    end: int
    rule: Rule
    lang: str


@dataclass
class RuleSet:
    """Compiled packs: one phrase automaton for all packs, patterns per rule."""

    packs: Sequence[RulePack]
    timeout: float = PATTERN_TIMEOUT
    _phrases: dict[str, list[tuple[Rule, str]]] = field(init=False, repr=False)
    _alternation: regex.Pattern | None = field(init=False, repr=False)
    _reverse: regex.Pattern | None = field(init=False, repr=False)  # the same, matched leftwards from an end
    _heads: _Ends = field(init=False, repr=False)
    _tails: _Ends = field(init=False, repr=False)
    _patterns: list[_Patterns] = field(init=False, repr=False)  # pack order: the first match wins
    _patterns_by_script: dict[str, list[_Patterns]] = field(init=False, repr=False)
    _pattern_max_chars: int = field(init=False, repr=False)
    _foreign_rules: list[Rule] = field(init=False, repr=False)
    _markup: dict[str, Rule] = field(init=False, repr=False)
    marked: list[Rule] = field(init=False, repr=False)  # rules that find boxes by markers, pack order

    def __post_init__(self) -> None:
        self._phrases = {}
        for pack in self.packs:
            for rule in pack.rules:
                for lang, phrase in rule.phrases:
                    self._phrases.setdefault(phrase_key(phrase), []).append((rule, lang))
        keys = sorted(self._phrases, key=lambda k: (-len(k), k))
        alternation = "|".join(_phrase_regex(k) for k in keys)
        self._alternation = regex.compile(alternation, _PATTERN_FLAGS) if keys else None
        # Cheap gates before the big alternation: how phrases begin and end.
        self._heads = _Ends(k[:GATE] for k in keys)
        self._tails = _Ends((k[::-1][:GATE] for k in keys), from_end=True)
        self._reverse = regex.compile(alternation, _PATTERN_FLAGS | regex.REVERSE) if keys else None
        self._patterns = [
            _Patterns(rule, script, rule.max_chars or PATTERN_MAX_CHARS, None if pack.trusted else self.timeout,
                      list(members))
            for pack in self.packs for rule in pack.rules
            for script, members in groupby(rule.patterns, key=lambda member: script_of(member[0]))
        ]
        self._patterns_by_script = {}
        for group in self._patterns:
            self._patterns_by_script.setdefault(group.script, []).append(group)
        self._pattern_max_chars = max((group.limit for group in self._patterns), default=0)
        self._foreign_rules = [r for p in self.packs for r in p.rules if r.match == "foreign_language"]
        self._markup = {r.id: r for p in self.packs if p.id == MARKUP_PACK for r in p.rules}
        self.marked = [r for p in self.packs for r in p.rules if r.markers]

    def markup(self, rule_id: str) -> Rule:
        """A rule of the markup pack, which the code applies by the page's structure."""
        return self._markup[rule_id]

    # A block is read in three ways, most certain first: all of it is chrome
    # phrases; all of it matches a pattern; a chrome phrase sits at its edge.
    def apply(self, doc: Document) -> Document:
        """Judge every block of ``doc``: reads blocks, runs and languages; writes verdicts and ``reason``."""
        blocks = doc.blocks
        grouped = len({b.group for b in blocks}) > 1
        section_end, section_rule = -1, None
        for index, block in enumerate(blocks):
            if block.dropped:
                continue
            hits = self._whole_block(block.text) or self._pattern(block)
            if hits:
                strongest = self._drop_whole(doc, index, hits, grouped)
                if strongest.action in ("drop_section", "drop_rest"):
                    section_end = index + _section_length(doc, index, strongest.action == "drop_section")
                    section_rule = strongest
            elif index <= section_end:
                # Inside a chrome section: what no rule of its own claims goes with the heading.
                _drop_all(block, section_rule, section_rule.category, section_rule.action)
            else:
                self._strip_edges(doc, index)
                if block.cuts and not block.dropped:
                    self._judge_rest(block)
        for rule in self._foreign_rules:
            _foreign_blocks(doc, rule)
        if doc.input_kind == "html":
            _not_an_article(doc, self.markup("not-an-article"))
        return doc

    def _lookup(self, matched: str) -> tuple[Rule, str]:
        return self._phrases[phrase_key(matched)][0]

    def match_phrase(self, text: str) -> tuple[Rule, str] | None:
        """The (rule, lang) of the one phrase that ``text`` is, punctuation aside.

        >>> RuleSet(builtin_packs()).match_phrase("  Связанные статьи:")[0].category
        'related'
        """
        if not self.may_be_phrase(text):
            return None
        found = self._phrases.get(phrase_key(text.strip(_EDGE_PUNCTUATION)))
        return found[0] if found else None

    def may_be_phrase(self, text: str) -> bool:
        """A cheap look at the first letters: most text begins like no phrase at all."""
        text = text.strip(_EDGE_PUNCTUATION)
        return self._heads.may_begin(text[:2 * GATE], len(text) > 2 * GATE)

    def _whole_block(self, text: str) -> list[_Hit]:
        """Phrases that make up all of ``text`` (separators aside), else []."""
        if self._alternation is None or len(text) > WHOLE_BLOCK_MAX_CHARS:
            return []
        hits, pos, end = [], 0, len(text)
        while True:
            pos = _SEPARATORS.match(text, pos).end()
            if pos >= end:
                return hits
            if not self._may_start(text, pos):
                return []
            m = self._alternation.match(text, pos)
            if not m or not _word_edge(text, m.start(), m.end()):
                return []
            rule, lang = self._lookup(m.group())
            hits.append(_Hit(m.start(), m.end(), rule, lang))
            pos = m.end()

    def _pattern(self, block: Block) -> list[_Hit]:
        text = block.text.strip()
        size = len(text)
        if size > self._pattern_max_chars:
            return []
        lead = len(block.text) - len(block.text.lstrip())
        # A pattern written for a language needs that language's letters: no
        # Cyrillic pattern is tried on a block without Cyrillic runs.
        scripts = {run.script for run in block.runs if run.letters} if block.runs else None
        if scripts is None:
            candidates = self._patterns
        elif len(scripts) == 1:
            candidates = self._patterns_by_script.get(scripts.pop(), [])
        else:
            candidates = [group for group in self._patterns if group.script in scripts]
        for group in candidates:
            if size <= group.limit and (lang := group.first_match(text, block.start)) is not None:
                return [_Hit(lead, lead + size, group.rule, lang)]
        return []

    def _drop_whole(self, doc: Document, index: int, hits: list[_Hit], grouped: bool) -> Rule:
        block = doc.blocks[index]
        for hit in hits:
            _remove(block, hit.start, hit.end, hit.rule, hit.rule.category, hit.lang, hit.rule.action)
        block.dropped = True
        strongest = max((hit.rule for hit in hits), key=lambda rule: rule.action.strength)
        if strongest.action == "drop_caption" and index > 0 and _is_caption(doc.blocks[index - 1], block, grouped):
            _drop_all(doc.blocks[index - 1], strongest, "ai_image_caption", "drop_caption")
        return strongest

    def _strip_edges(self, doc: Document, index: int) -> None:
        if self._alternation is None:
            return
        block = doc.blocks[index]
        text = block.text
        lo, hi = 0, len(text)
        label_at_end = None
        for at_start in (True, False):
            while m := self._edge(text, lo, hi, at_start):
                rule, lang = self._lookup(m.text)
                if rule.action not in ("strip", "drop_caption") or not _glued_or_foreign(block, text, m, lang, lo, hi):
                    break
                _remove(block, m.start, m.end, rule, rule.category, lang, rule.action)
                if at_start:
                    lo = m.end
                else:
                    hi = m.start
                    label_at_end = rule if rule.action == "drop_caption" else label_at_end
        rest = text[lo:hi]
        if _SEPARATORS.fullmatch(rest):
            block.dropped = bool(block.removals)
        elif label_at_end is not None and len(rest.strip()) <= CAPTION_MAX_CHARS:
            # What a glued AI-image label ends is that image's caption.
            start = lo + len(rest) - len(rest.lstrip())
            _remove(block, start, lo + len(rest.rstrip()), label_at_end, "ai_image_caption", block.lang, "drop_caption")
            block.dropped = True

    def _may_start(self, text: str, pos: int) -> bool:
        return self.may_be_phrase(text[pos:pos + 2 * GATE + 2])

    def _judge_rest(self, block: Block) -> None:
        """What is left of a block after its edges were stripped is read as a block of its own.

        "Изображение, созданное ИИRead more: …" loses its label first; the rest
        is then a read-also line, as it would be on a second pass.
        """
        pieces = block.kept_pieces()
        if len(pieces) != 1:
            return
        start, end = pieces[0]
        rest = Block(block.text[start:end], block.start + start, block.start + end, runs=block.runs)
        hits = self._whole_block(rest.text) or self._pattern(rest)
        if hits and all(hit.rule.action in ("strip", "drop_caption", "drop_block") for hit in hits):
            for hit in hits:
                _remove(block, start + hit.start, start + hit.end, hit.rule, hit.rule.category, hit.lang,
                        hit.rule.action)
            block.dropped = True

    def _edge(self, text: str, lo: int, hi: int, at_start: bool) -> _Span | None:
        """A phrase at the start (or end) of ``text[lo:hi]`` that leaves some text beside it."""
        first = _SEPARATORS.match(text, lo, hi).end()
        last = hi
        while last > first and is_separator(text[last - 1]):
            last -= 1
        if at_start:
            if not self._may_start(text, first):
                return None
            m = self._alternation.match(text, first, last)
            if m and m.end() < last and _word_edge(text, m.start(), m.end()):
                return _Span(m.start(), m.end(), m.group())
            return None
        if not self._tails.may_begin(text[max(first, last - 2 * GATE):last], last - 2 * GATE > first):
            return None
        m = self._reverse.match(text, first, last)  # anchored at ``last``, longest phrase first
        if m and m.start() > first and _word_edge(text, m.start(), m.end()):
            return _Span(m.start(), m.end(), m.group())
        return None


# What keeps a pattern out of an alternation: an inline flag ((?r) reverses the
# whole pattern) or a named group; and a leading wildcard, which the regex
# module can search for a required word when the pattern stands alone.
_NOT_ALTERNATED = regex.compile(r"(?<!\\)\(\?[a-zA-Z^-]|\A\.")


class _Patterns:
    """A rule's patterns for consecutive languages of one script, in their order.

    Shipped patterns without groups or inline flags, and not opening with a
    wildcard, are also tried as one alternation: a block that none of them
    matches (nearly every block) costs one call instead of one per language.
    """

    def __init__(self, rule: Rule, script: str, limit: int, timeout: float | None,
                 members: list[tuple[str, regex.Pattern]]) -> None:
        self.rule, self.script, self.limit, self.timeout, self.members = rule, script, limit, timeout, members
        plain = all(not pattern.groups and not _NOT_ALTERNATED.search(pattern.pattern) for _, pattern in members)
        self.combined = (
            regex.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in members), _PATTERN_FLAGS)
            if timeout is None and plain and len(members) > 1 else None
        )

    def first_match(self, text: str, at: int) -> str | None:
        """The language of the first pattern that matches all of ``text``."""
        if self.combined is not None and not self.combined.fullmatch(text):
            return None
        for lang, pattern in self.members:
            try:
                matched = pattern.fullmatch(text, timeout=self.timeout) if self.timeout else pattern.fullmatch(text)
            except TimeoutError:
                raise RuleTimeoutError(
                    f"rule {self.rule.name}: pattern {pattern.pattern!r} ran past {self.timeout}s "
                    f"on the block at {at}; make it linear (no nested quantifiers)"
                ) from None
            if matched:
                return lang
        return None


class _Ends:
    """The first GATE characters of every phrase key (whole keys when shorter), and all their prefixes;
    with ``from_end``, the last ones, read backwards.

    ``may_begin(window, cut)``: the phrase key of ``window`` (a text's first, or
    last, 2 x GATE characters; ``cut`` when the text goes on) starts (ends)
    like some phrase key, or with a whole one.  Most text fails on its second
    or third character.  The same windows come back on every page of a site
    ("Share", "Menu", a date line), so answers are kept.
    """

    def __init__(self, ends: Iterable[str], from_end: bool = False) -> None:
        self.ends = set(ends)
        self.prefixes = {end[:n] for end in self.ends for n in range(1, len(end) + 1)}
        self.from_end = from_end
        self.may_begin = lru_cache(maxsize=GATE_MEMO)(self._may_begin)

    def _may_begin(self, window: str, cut: bool) -> bool:
        key = phrase_key(window)
        head = key[::-1][:GATE] if self.from_end else key[:GATE]
        if len(head) < GATE and cut:
            return True  # a window of mostly spaces and dashes: too little to tell
        for n in range(1, len(head) + 1):
            piece = head[:n]
            if piece not in self.prefixes:
                return False
            if piece in self.ends:
                return True
        return False


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str


def _boundary(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    return not (before.isalnum() and after.isalnum()) or _script(before) != _script(after)


def _is_caption(above: Block, label: Block, grouped: bool) -> bool:
    """Whether ``above`` is the caption of the AI-image ``label`` under it.

    Where the page separates paragraphs by blank lines, a caption touches its
    label.  Where it does not, every line touches the next, so only a short,
    single-sentence line counts: a real paragraph there is worth more than a caption.
    """
    if above.dropped or above.group != label.group:
        return False
    if grouped:
        return len(above.text) <= CAPTION_MAX_CHARS
    return len(above.text) <= LONE_CAPTION_MAX_CHARS and len(_SENTENCE_BREAK.findall(above.text.strip())) <= 1


def _word_edge(text: str, start: int, end: int) -> bool:
    """A phrase must not begin or end inside a word of the same script."""
    ok_start = start == 0 or _boundary(text, start)
    ok_end = end >= len(text) or _boundary(text, end)
    return ok_start and ok_end


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""


def _glued_or_foreign(block: Block, text: str, m: _Span, lang: str, lo: int, hi: int) -> bool:
    """An edge phrase is chrome when nothing but glue joins it to the rest, or the rest is another language."""
    left, right = (side if not _SEPARATORS.fullmatch(side) else "" for side in (text[lo:m.start], text[m.end:hi]))
    if not (left or right):
        return True
    if (right and right[0].isalnum()) or (left and (left[-1].isalnum() or left[-1] in _GLUE_AFTER)):
        return True  # glued by markup: "…aggression.Изображение", "ИИChina"; never "AI-generated, the video"
    rest_start = block.start + (lo if left else m.end)
    rest_end = block.start + (m.start if left else hi)
    rest_lang = _span_language(block, rest_start, rest_end)
    return rest_lang not in (UNDETERMINED, lang)


def _span_language(block: Block, start: int, end: int) -> str:
    weights: dict[str, int] = {}
    for run in block.runs:
        overlap = min(run.end, end) - max(run.start, start)
        if overlap > 0 and run.lang != UNDETERMINED:
            weights[run.lang] = weights.get(run.lang, 0) + overlap
    return max(weights, key=weights.get) if weights else UNDETERMINED


def _remove(block: Block, start: int, end: int, rule: Rule, category: str, lang: str, action: str) -> None:
    """Record ``block.text[start:end]`` as removed (a repaired block reports its whole span)."""
    block.cuts.append((start, end))
    source_start, source_end = (block.start, block.end) if block.repaired else (block.start + start, block.start + end)
    block.removals.append(
        Removal(block.text[start:end], rule.name, category, lang, source_start, source_end, action)
    )


def _drop_all(block: Block, rule: Rule, category: str, action: str) -> None:
    block.cuts = [(0, len(block.text))]
    block.removals = [Removal(block.text, rule.name, category, block.lang, block.start, block.end, action)]
    block.dropped = True


def _letters(block: Block) -> int:
    return sum(r.letters for r in block.runs)


def _article_like(block: Block, doc: Document) -> bool:
    return _letters(block) >= ARTICLE_MIN_LETTERS and block.lang == doc.language


def _section_length(doc: Document, index: int, until_heading: bool) -> int:
    """How many blocks after the chrome heading at ``index`` its section takes."""
    head = doc.blocks[index]
    followers = []
    for block in doc.blocks[index + 1:]:
        if until_heading and head.level and block.kind in ("heading", "title") and 0 < block.level <= head.level:
            break
        followers.append(block)
    kept_before = sum(_letters(b) for b in doc.blocks[:index] if not b.dropped and _article_like(b, doc))
    after = sum(_letters(b) for b in followers if _article_like(b, doc))
    if after > kept_before:
        # More article after the heading than before: a menu entry or a teaser
        # box above the story.  The section stops at the first article-like block.
        return next((i for i, b in enumerate(followers) if _article_like(b, doc)), len(followers))
    return len(followers)


def _foreign_blocks(doc: Document, rule: Rule) -> None:
    """Short standalone blocks in another language than the page, next to chrome or outside the story."""
    blocks = doc.blocks
    article = [i for i, b in enumerate(blocks) if not b.dropped and _article_like(b, doc)]
    if doc.language == UNDETERMINED or not article:
        return
    first, last = article[0], article[-1]
    for i, block in enumerate(blocks):
        if block.dropped:
            continue
        # A block that lost a label to a strip is judged by what is left of it.
        pieces = block.kept_pieces()
        if len(pieces) != 1:
            continue
        start, end = pieces[0]
        text = block.text[start:end]
        if len(text) > (rule.max_chars or 60):
            continue  # most blocks: asked first, it spares the language count
        lang, confidence = majority_language(
            r for r in block.runs if r.start < block.start + end and r.end > block.start + start
        )
        if lang in (UNDETERMINED, doc.language):
            continue
        if (
            len(_WORD.findall(text)) > (rule.max_words or 6)
            or _SENTENCE_END.search(text)
            or _QUOTE_START.match(text)
            or confidence < 0.5
        ):
            continue
        near_chrome = any(0 <= j < len(blocks) and blocks[j].dropped for j in (i - 1, i + 1))
        if near_chrome or i < first or i > last:
            _remove(block, start, end, rule, rule.category, lang, rule.action)
            block.dropped = True


NOT_ARTICLE_MAX_LETTERS = 300  # below this, with no article-length paragraph, a page holds no article


def _not_an_article(doc: Document, rule: Rule) -> None:
    """An HTML page whose kept text has no paragraph of article length is no article.

    Its blocks are recorded as removed: nothing passes for an article, nothing vanishes.
    """
    kept = [b for b in doc.blocks if not b.dropped]
    if not kept or any(_letters(b) >= ARTICLE_MIN_LETTERS for b in kept):
        return
    if sum(_letters(b) for b in kept) >= NOT_ARTICLE_MAX_LETTERS:
        return
    for block in kept:
        _drop_all(block, rule, rule.category, rule.action)
    doc.reason = rule.reason("short")


def apply_rules(doc: Document, context: Context) -> Document:
    """Stage 5: the context's rule packs judge every block (see `RuleSet.apply`)."""
    return context.rules.apply(doc)
