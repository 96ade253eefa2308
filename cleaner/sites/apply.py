"""Applying learned site packs: each page gets the pack of its host, after the shipped rules.

A host's pack is compiled once into a small `RuleSet` of its own, cached: the
big one of the shipped packs is never compiled again.  A learned rule drops a
block when the whole block is its phrases, never the page's own headline (the
teaser of a story on other pages is chrome there, not on the story's page),
and cuts it from a block's edge only where it is a sentence of its own there,
not quoted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..config import CleanerConfig
from ..document import Block, Document, is_separator
from ..errors import RulePackError
from ..rules import RulePack, RuleSet, load_pack, phrase_key
from ..rules.actions import Action
from ..rules.matcher import SEPARATORS, Hit, PhraseMatcher

if TYPE_CHECKING:
    import regex

    from ..core import Context


class SitePacks:
    """Learned packs by host, each compiled on first use.

    Built from a folder of packs (every ``*.toml`` in it, each with a ``host``),
    or from `RulePack` / `cleaner.sites.SitePack` objects.
    """

    def __init__(self, source: Any, config: CleanerConfig = CleanerConfig()) -> None:
        self.config = config
        self.packs: dict[str, RulePack] = {}
        for pack in _packs_of(source):
            if not pack.host:
                raise RulePackError(f"{pack.source}: a site pack needs a host in its [pack] table")
            if pack.host in self.packs:
                raise RulePackError(f"{pack.source}: a second pack for host {pack.host} "
                                    f"(the first is {self.packs[pack.host].source})")
            self.packs[pack.host] = pack
        # A learned block may be longer than the shipped packs' phrases (a disclaimer).
        self._rules_config = replace(config.rules, whole_block_max_chars=max(
            config.rules.whole_block_max_chars, config.sites.max_chars))
        self._compiled: dict[str, RuleSet] = {}

    def __len__(self) -> int:
        return len(self.packs)

    def for_host(self, host: str | None) -> RuleSet | None:
        """The compiled pack of ``host`` (see `cleaner.sites.site_of`), or None."""
        if host is None or host not in self.packs:
            return None
        rules = self._compiled.get(host)
        if rules is None:
            rules = self._compiled[host] = RuleSet([self.packs[host]], self._rules_config,
                                                   self.config.detect.article_min_letters)
        return rules


def apply_site_rules(doc: Document, context: Context) -> Document:
    """Stage 5b: the page's host pack drops whole blocks that are the site's own chrome.

    Reads blocks, the title and the page's site (the caller's address, else
    the one the page declares, else its declared name); writes verdicts and ``site_pack``.  Without site packs, nothing.
    """
    sites = context.sites
    if sites is None:
        return doc
    from .page import site_of  # here: reading pages needs lxml, which a text page never loads

    metadata = doc.metadata
    rules = sites.for_host(site_of(doc.input.url, metadata.get("url"), metadata.get("site")))
    if rules is None:
        return doc
    doc.site_pack = rules.packs[0]
    phrases = rules.phrases
    own = phrase_key(doc.title.text) if doc.title is not None else None
    # What names the page's story for a teaser's lead: its title, else a text page's first line.
    named = own if own is not None else next((phrase_key(b.text) for b in doc.blocks if not b.dropped), "")
    first = True
    for block in doc.blocks:
        if block.dropped:
            continue
        hits = phrases.whole(block.text)
        if hits and not _own_headline(block, own, named, first, hits):
            for hit in hits:
                hit.remove_from(block)
            block.dropped = True
        elif not hits:
            _cut_sentences(block, phrases)
        first = False
    return doc


def _cut_sentences(block: Block, phrases: PhraseMatcher) -> None:
    """A learned text that is a sentence of its own at the start or end of a block goes
    ("…the last sentence. Send us your tips: desk@…", glued by the markup into a paragraph).

    Only where a sentence ends between it and the rest, and no quotation mark
    stands beside it: a motto quoted in a sentence, or as a sentence, stays.
    """
    if phrases.empty:
        return
    text = block.text
    lo, hi = 0, len(text)
    for at_start in (True, False):
        while (hit := phrases.edge(text, lo, hi, at_start)) is not None:
            facts = dict(hit.rule.evidence)
            if facts.get("headline") or facts.get("teaser_of") or sum(map(str.isalpha, text[hit.start:hit.end])) < _EDGE_LETTERS:
                break
            if at_start:
                # (A `*` pattern: always a match.)
                outer, gap = text[lo:hit.start], cast("regex.Match[str]", SEPARATORS.match(text, hit.end, hi)).group()
            else:
                rest_end = hit.start
                while rest_end > lo and is_separator(text[rest_end - 1]):
                    rest_end -= 1
                outer, gap = text[hit.end:hi], text[rest_end:hit.start]
            if not _SENTENCE_END.intersection(gap) or _QUOTES.intersection(gap + outer):
                break
            # The cut takes the punctuation on its far side: the sentence end after a
            # first sentence, the full stop of a last one.
            if at_start:
                hit.start, hit.end = lo, hit.end + len(gap)
            else:
                hit.end = hi
            hit.remove_from(block, action=Action.STRIP)
            if at_start:
                lo = hit.end
            else:
                hi = hit.start
    if block.cuts and SEPARATORS.fullmatch(text[lo:hi]):
        block.dropped = True


# A learned text cut from a block's edge has at least this many letters: a menu word
# ("Sport") at the start of a paragraph is the paragraph's.
_EDGE_LETTERS = 10
_SENTENCE_END = frozenset(".!?…。！？؟")
_QUOTES = frozenset("«»\"“”„‟'‘’‚‹›「」『』")


def _own_headline(block: Block, own: str | None, named: str, first: bool, hits: list[Hit]) -> bool:
    """Whether ``block`` is the page's own headline, which stays wherever else it is a teaser.

    The title itself; the lead of the page's own story (a rule's ``teaser_of``
    is the page's headline); and, for a rule learned from a headline, a block the
    title holds ("Headline" in "Headline | Site"), a top-level heading, or a
    text page's first line.
    """
    key = phrase_key(block.text)
    if key == own:
        return True
    facts = [dict(hit.rule.evidence) for hit in hits]
    if named and any(f.get("teaser_of") and phrase_key(cast(str, f["teaser_of"])) in named for f in facts):
        return True  # the lead of this page's own story, a teaser elsewhere
    if not any(f.get("headline") for f in facts):
        return False
    if own is not None and key in own:
        return True
    return (block.kind == "heading" and block.level == 1) or (own is None and first)


def _packs_of(source: Any) -> Iterable[RulePack]:
    if isinstance(source, (str, Path)):
        folder = Path(source)
        if not folder.is_dir():
            raise RulePackError(f"{folder}: not a folder of site packs")
        return [load_pack(path) for path in sorted(folder.glob("*.toml"))]
    return [item if isinstance(item, RulePack) else item.pack() for item in source]
