"""Whole-document passes, after every block has its verdict: they weigh blocks against the page.

- `foreign_blocks`: short standalone blocks in another language than the page,
  next to chrome or outside the story, are interface (``match = "foreign_language"``);
- `not_an_article`: an HTML page shaped like a list or a gallery (several
  short blocks, no paragraph of article length, not several sentences of
  prose) is no article (the markup rule ``not-an-article``; login walls are
  told by their form in `cleaner.html.extract`).
"""

from __future__ import annotations

import regex

from ..config import RulesConfig
from ..detect import majority_language
from ..document import UNDETERMINED, Block, Document
from .decide import article_like, drop, letters
from .matcher import Hit
from .pack import Rule

_SENTENCE_END = regex.compile(r"[.!?…。！？]\s*\Z")
_QUOTE_START = regex.compile(r"\A\s*[\"'«»„“”‘’‹›「『]")
_WORD = regex.compile(r"\w+")


def foreign_blocks(doc: Document, rule: Rule, config: RulesConfig, article_min_letters: int) -> None:
    """Short standalone blocks in another language than the page, next to chrome or outside the story.

    Short: at most the rule's ``max_chars`` and ``max_words`` (else the config's);
    standalone: no sentence end, no opening quote, and a confident language.
    """
    blocks = doc.blocks
    article = [i for i, b in enumerate(blocks) if not b.dropped and article_like(b, doc, article_min_letters)]
    if doc.language == UNDETERMINED or not article:
        return
    first, last = article[0], article[-1]
    max_chars, max_words = rule.max_chars or config.foreign_max_chars, rule.max_words or config.foreign_max_words
    for i, block in enumerate(blocks):
        if block.dropped:
            continue
        # A block that lost a label to a strip is judged by what is left of it.
        pieces = block.kept_pieces()
        if len(pieces) != 1:
            continue
        start, end = pieces[0]
        text = block.text[start:end]
        if len(text) > max_chars:
            continue  # most blocks: asked first, it spares the language count
        lang, confidence = majority_language(
            r for r in block.runs if r.start < block.start + end and r.end > block.start + start
        )
        if lang in (UNDETERMINED, doc.language):
            continue
        if (
            len(_WORD.findall(text)) > max_words
            or _SENTENCE_END.search(text)
            or _QUOTE_START.match(text)
            or confidence < config.foreign_min_confidence
        ):
            continue
        near_chrome = any(0 <= j < len(blocks) and blocks[j].dropped for j in (i - 1, i + 1))
        if near_chrome or i < first or i > last:
            Hit(start, end, rule, lang).remove_from(block)
            block.dropped = True


def not_an_article(doc: Document, rule: Rule, config: RulesConfig, article_min_letters: int) -> None:
    """An HTML page shaped like a list or a gallery is no article.

    Shaped so: its kept text has no paragraph of article length, little text,
    at least ``not_article_min_blocks`` blocks, and fewer than
    ``not_article_min_prose`` prose blocks (paragraphs that end like a
    sentence), or prose holds under half its letters.  A page of short
    real paragraphs (a vulnerability entry, a notice) is an article, however short.
    Its blocks are recorded as removed by ``rule``, and ``doc.reason`` is the
    rule's reason for the case: nothing passes for an article, nothing vanishes.
    """
    kept = [b for b in doc.blocks if not b.dropped]
    if not kept or any(letters(b) >= article_min_letters for b in kept):
        return
    total = sum(letters(b) for b in kept)
    if total >= config.not_article_max_letters:
        return
    if len(kept) < config.not_article_min_blocks:
        return  # a line or two is a short page, not a list (a login wall is told by its form, in extraction)
    prose = [b for b in kept if _prose(b)]
    if len(prose) >= config.not_article_min_prose and sum(letters(b) for b in prose) * 2 >= total:
        return
    for block in kept:
        drop(block, rule)
    doc.reason = rule.reason("short")


def _prose(block: Block) -> bool:
    """A paragraph that reads like a sentence: it ends like one ("…", "。" too) and is not a lone word."""
    return block.kind in ("paragraph", "quote") and bool(_SENTENCE_END.search(block.text)) \
        and (len(_WORD.findall(block.text)) >= 3 or letters(block) >= 12)
