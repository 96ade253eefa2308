"""Stage 5, rules: rule packs (TOML data) decide what is chrome.

One concern a module:

- `cleaner.rules.pack`: the pack format (`Rule`, `RulePack`), its validation, the shipped packs;
- `cleaner.rules.actions`: what each `Action` takes, from ``strip`` to ``drop_rest``;
- `cleaner.rules.matcher`: phrases (one table of keys behind cheap gates) and patterns found in text;
- `cleaner.rules.decide`: per-block verdicts: whole blocks, edges, captions, sections;
- `cleaner.rules.passes`: whole-document passes: foreign-language interface, pages with no article.

Phrases never match inside prose: an article that *mentions* "AI-generated
image" keeps the sentence.

>>> rules = RuleSet(builtin_packs())
>>> rules.match_phrase("  Связанные статьи:")[0].category
'related'
>>> rules.markup("not-an-article").reason("links")
'no article: the page is links and captions (a list of links, a gallery)'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..config import DetectConfig, RulesConfig
from ..document import Document
from .actions import Action
from .decide import judge_blocks
from .matcher import PatternMatcher, PhraseMatcher, phrase_key
from .pack import ACTIONS, CATEGORIES, MARKUP_PACK, MATCHES, Rule, RulePack, builtin_packs, load_pack, parse_pack
from .passes import foreign_blocks, not_an_article

if TYPE_CHECKING:
    from ..core import Context

__all__ = [
    "ACTIONS", "CATEGORIES", "MATCHES", "Action", "Rule", "RulePack", "RuleSet", "apply_rules", "builtin_packs",
    "load_pack", "parse_pack", "phrase_key",
]


class RuleSet:
    """Packs made ready to match: one phrase table for all packs, patterns per rule, and the numbers they run by.

    Built once per `cleaner.Cleaner`, in milliseconds: patterns compile when a
    block of their script first needs them.  Pickles as what it was built
    from, and is built again where it is unpickled.
    """

    def __init__(self, packs: Sequence[RulePack], config: RulesConfig = RulesConfig(),
                 article_min_letters: int = DetectConfig.article_min_letters) -> None:
        self.packs, self.config, self.article_min_letters = packs, config, article_min_letters
        self.phrases = PhraseMatcher(packs, config)
        self.patterns = PatternMatcher(packs, config)
        self.foreign_rules = [r for p in packs for r in p.rules if r.match == "foreign_language"]
        self._markup = {r.id: r for p in packs if p.id == MARKUP_PACK for r in p.rules}
        self.marked = [r for p in packs for r in p.rules if r.markers]  # rules that find boxes by markers, pack order
        # Asked by the HTML pruner of every short element: bound here, one call each.
        self.match_phrase = self.phrases.match_phrase
        self.may_be_phrase = self.phrases.may_be_phrase

    def __reduce__(self) -> tuple[type[RuleSet], tuple[Sequence[RulePack], RulesConfig, int]]:
        return RuleSet, (self.packs, self.config, self.article_min_letters)

    def markup(self, rule_id: str) -> Rule:
        """A rule of the markup pack, which the code applies by the page's structure."""
        return self._markup[rule_id]

    def apply(self, doc: Document) -> Document:
        """Judge every block of ``doc``, then the page.

        Reads blocks, runs and languages; writes verdicts and ``doc.reason``.
        """
        judge_blocks(doc, self)
        for rule in self.foreign_rules:
            foreign_blocks(doc, rule, self.config, self.article_min_letters)
        if doc.input_kind == "html":
            not_an_article(doc, self.markup("not-an-article"), self.config, self.article_min_letters)
        return doc


def apply_rules(doc: Document, context: Context) -> Document:
    """Stage 5: the context's rule packs judge every block (see `RuleSet.apply`)."""
    return context.rules.apply(doc)
