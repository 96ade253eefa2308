"""Rule packs as data: the TOML format, its validation, and the packs shipped in cleaner/packs.

A pack is one TOML file with a ``[pack]`` table (id, version, description) and
``[[rules]]``.  A rule has an id, a category, an action (`cleaner.rules.actions`),
and what it matches: ``phrases`` (literal strings per language, matched
case-insensitively with flexible white space) and/or ``patterns`` (regexes per
language that must match a whole block), or a ``match`` of another kind
(``foreign_language``, ``markup``).  A bad pack is a `RulePackError` that names
the file, the rule and the problem.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from ..errors import RulePackError
from .actions import Action

CATEGORIES = (
    "ai_image_label", "ai_image_caption", "ai_text_label", "reactions", "related",
    "read_also", "cookie_consent", "newsletter", "share", "advertising", "comments",
    "navigation", "ui_foreign", "not_article", "site",
)
ACTIONS = tuple(Action)
# text: phrases and patterns read in block text; foreign_language: a short block in
# another language than the page; markup: applied by the code to the page's
# structure (markers in class, id or aria-label; headline furniture; no article).
MATCHES = ("text", "foreign_language", "markup")
MARKUP_PACK = "markup"  # the rules the code applies by structure: loaded even without the other built-in packs
PATTERN_FLAGS = regex.IGNORECASE | regex.FULLCASE | regex.V1

_PACK_KEYS = {"id", "version", "description", "host"}
_RULE_KEYS = {"id", "category", "action", "description", "phrases", "patterns", "max_chars", "match", "max_words",
              "markers", "reasons", "evidence"}
# A learned rule's evidence (`cleaner.sites`): pages of the host it was seen on, out of
# how many distinct articles, where on the page, its language, and whether it is also
# some page's own headline (which it never removes on that page), or the lead of the story
# whose headline it sits under (which it never removes on that story's page).
_EVIDENCE_KEYS = {"seen": int, "of": int, "where": str, "lang": str, "headline": bool, "teaser_of": str}
_ID = regex.compile(r"[a-z0-9][a-z0-9-]*")
_LANG = regex.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Rule:
    pack: str
    id: str
    category: str
    action: Action
    description: str = ""
    match: str = "text"
    phrases: tuple[tuple[str, str], ...] = ()  # (lang, phrase)
    patterns: tuple[tuple[str, str], ...] = ()  # (lang, pattern): compiled where matched (`cleaner.rules.matcher`)
    max_chars: int | None = None
    max_words: int | None = None
    markers: tuple[str, ...] = ()  # markup rules: lower-case words of a box's class, id or aria-label
    reasons: tuple[tuple[str, str], ...] = ()  # markup rules: why a page has no article, by case
    evidence: tuple[tuple[str, object], ...] = ()  # learned rules: why (see _EVIDENCE_KEYS), sorted by key

    @property
    def name(self) -> str:
        return f"{self.pack}/{self.id}"

    @property
    def evidence_text(self) -> str | None:
        """A learned rule's evidence in one line, for provenance and the report; None for written rules.

        >>> Rule("site-e-org", "s-1", "site", Action.DROP_BLOCK,
        ...      evidence=(("lang", "de"), ("of", 6), ("seen", 6), ("where", "footer/p"))).evidence_text
        'seen on 6 of 6 articles, footer/p, de'
        """
        if not self.evidence:
            return None
        facts = dict(self.evidence)
        parts = [f"seen on {facts.get('seen', '?')} of {facts.get('of', '?')} articles"]
        parts += [str(facts[key]) for key in ("where", "lang") if facts.get(key)]
        if facts.get("headline"):
            parts.append("also a headline")
        if facts.get("teaser_of"):
            parts.append(f"under the headline {facts['teaser_of']!r}")
        return ", ".join(parts)

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
    host: str | None = None  # a site pack (`cleaner.sites`): the host whose pages it applies to
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


def parse_pack(raw: bytes, source: str, trusted: bool = False) -> RulePack:
    """Validate one pack's TOML; a ``trusted`` (shipped) pack's patterns are not compiled here.

    A user's pattern that does not compile is a `RulePackError` now, not on
    the page that first needs it.  The shipped ones are compiled by the tests
    (``tests/test_rules.py``), and where they are matched, when a block first
    needs them: compiling all of them with full case folding took 0.1-0.2 s in
    every process.
    """
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"{source}: not a valid TOML rule pack: {exc}") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise RulePackError(f"{source}: not a valid TOML rule pack: nested too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits, past Python's conversion limit
        raise RulePackError(f"{source}: not a valid TOML rule pack: {str(exc).splitlines()[0]}") from None
    head = data.get("pack")
    if not isinstance(head, dict):
        raise RulePackError(f"{source}: missing [pack] table with id and version")
    _check_keys(head, _PACK_KEYS, f"{source}: [pack]")
    pack_id = head.get("id")
    if not isinstance(pack_id, str) or not _ID.fullmatch(pack_id):
        raise RulePackError(f"{source}: [pack] id must be lower-case letters, digits and dashes, got {pack_id!r}")
    if not isinstance(head.get("version"), str):
        raise RulePackError(f"{source}: [pack] version must be a string such as \"1.0.0\"")
    host = head.get("host")
    if host is not None and (not isinstance(host, str) or not host.strip() or any(c.isspace() for c in host)):
        raise RulePackError(f"{source}: [pack] host must be a host name such as \"news.example.org\", got {host!r}")
    extra = set(data) - {"pack", "rules"}
    if extra:
        raise RulePackError(f"{source}: unknown top-level key(s): {', '.join(sorted(extra))}")
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RulePackError(f"{source}: a pack needs at least one [[rules]] entry")
    rules, seen = [], set()
    for index, entry in enumerate(entries):
        rule = _parse_rule(entry, pack_id, f"{source}: rule #{index + 1}", compile_patterns=not trusted)
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
        host=host.lower() if host else None,
        trusted=trusted,
    )


def builtin_packs(phrases: bool = True) -> list[RulePack]:
    """The packs shipped inside the package, in file-name order; without ``phrases``, only the markup pack."""
    folder = resources.files("cleaner") / "packs"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    if not phrases:
        files = [f for f in files if f.name == f"{MARKUP_PACK}.toml"]
    return [parse_pack(f.read_bytes(), f"cleaner/packs/{f.name}", trusted=True) for f in files]


def _parse_rule(entry: object, pack_id: str, where: str, compile_patterns: bool = True) -> Rule:
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
        (lang, _checked(pattern, f"{where}: pattern {pattern!r}") if compile_patterns else pattern)
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
    evidence = entry.get("evidence", {})
    if not isinstance(evidence, dict):
        raise RulePackError(f"{where}: evidence must be a table (seen, of, where, lang, headline)")
    _check_keys(evidence, set(_EVIDENCE_KEYS), f"{where}: evidence")
    for key, value in evidence.items():
        kind = _EVIDENCE_KEYS[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RulePackError(f"{where}: evidence.{key} must be {kind.__name__}, got {value!r}")
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
        evidence=tuple(sorted(evidence.items())),
    )


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
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


def _checked(pattern: str, where: str) -> str:
    """``pattern`` if it compiles (into the regex module's cache, where the matcher finds it again)."""
    try:
        regex.compile(pattern, PATTERN_FLAGS)
    except regex.error as exc:
        raise RulePackError(f"{where}: invalid regex: {exc}") from None
    return pattern
