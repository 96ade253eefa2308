"""Per-block verdicts: which blocks, and which stretches of them, are chrome.

A block is read in three ways, most certain first: all of it is chrome phrases;
all of it matches a pattern; a chrome phrase sits at its edge, glued to the
text beside it or in another language than that text.  What an action takes
besides its own text (`cleaner.rules.actions`):

- a label that drops its caption takes the short block above it in the same
  group, or the caption it is glued to (``…aggression.Изображение, созданное ИИ``);
- a section heading takes what follows it, up to the next heading of the same
  or a higher level (HTML) or the page end (text); ``drop_rest`` takes the rest.

Sections never swallow the article: when more article-like text follows a
section heading than precedes it, the heading is taken for a menu entry and
the section stops at the first article-like block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from ..config import RulesConfig
from ..document import UNDETERMINED, Block, Document
from .actions import CAPTION_CATEGORY, Action
from .matcher import SEPARATORS, Hit
from .pack import Rule

if TYPE_CHECKING:
    from . import RuleSet

_GLUE_AFTER = set(".!?…»\")”’")  # what a caption ends with when a label is glued to it
_SENTENCE_BREAK = regex.compile(r"[.!?…。！？]+(?=\s|\Z)")


def judge_blocks(doc: Document, rules: RuleSet) -> None:
    """Verdicts on every block not dropped yet: reads text, runs and languages; writes cuts and removals."""
    blocks = doc.blocks
    grouped = len({b.group for b in blocks}) > 1
    section_end, section_rule = -1, None
    for index, block in enumerate(blocks):
        if block.dropped:
            continue
        hits = rules.phrases.whole(block.text) or rules.patterns.match(block)
        if hits:
            strongest = _drop_whole(doc, index, hits, grouped, rules.config)
            if strongest.action.takes_section:
                section_end = index + _section_length(doc, index, strongest.action.until_heading,
                                                      rules.article_min_letters)
                section_rule = strongest
        elif section_rule is not None and index <= section_end:
            # Inside a chrome section: what no rule of its own claims goes with the heading.
            drop(block, section_rule)
        else:
            _strip_edges(block, rules)
            if block.cuts and not block.dropped:
                _judge_rest(block, rules)


def drop(block: Block, rule: Rule, category: str | None = None, action: Action | None = None) -> None:
    """Remove all of ``block`` by ``rule``, in place of anything cut from it before."""
    block.cuts, block.removals = [], []
    Hit(0, len(block.text), rule, block.lang).remove_from(block, category, action)
    block.dropped = True


def letters(block: Block) -> int:
    return sum(r.letters for r in block.runs)


def article_like(block: Block, doc: Document, min_letters: int) -> bool:
    """Long enough for an article paragraph, and in the page's language."""
    return letters(block) >= min_letters and block.lang == doc.language


def _drop_whole(doc: Document, index: int, hits: list[Hit], grouped: bool, config: RulesConfig) -> Rule:
    """Drop a block made of ``hits`` (and the caption above an AI-image label); the strongest rule."""
    block = doc.blocks[index]
    for hit in hits:
        hit.remove_from(block)
    block.dropped = True
    strongest = max((hit.rule for hit in hits), key=lambda rule: rule.action.strength)
    if strongest.action.takes_caption and index > 0 and _is_caption(doc.blocks[index - 1], block, grouped, config):
        drop(doc.blocks[index - 1], strongest, CAPTION_CATEGORY)
    return strongest


def _is_caption(above: Block, label: Block, grouped: bool, config: RulesConfig) -> bool:
    """Whether ``above`` is the caption of the AI-image ``label`` under it.

    Where the page separates paragraphs by blank lines, a caption touches its
    label.  Where it does not, every line touches the next, so only a short,
    single-sentence line counts: a real paragraph there is worth more than a caption.
    """
    if above.dropped or above.group != label.group:
        return False
    if grouped:
        return len(above.text) <= config.caption_max_chars
    return (len(above.text) <= config.lone_caption_max_chars
            and len(_SENTENCE_BREAK.findall(above.text.strip())) <= 1)


def _strip_edges(block: Block, rules: RuleSet) -> None:
    """Cut edge phrases glued to the text beside them or in another language; what a glued
    AI-image label ends is that image's caption."""
    phrases = rules.phrases
    if phrases.empty:
        return
    text = block.text
    lo, hi = 0, len(text)
    label_at_end = None
    for at_start in (True, False):
        while hit := phrases.edge(text, lo, hi, at_start):
            if not hit.rule.action.at_edges or not _glued_or_foreign(block, hit, lo, hi):
                break
            hit.remove_from(block)
            if at_start:
                lo = hit.end
            else:
                hi = hit.start
                label_at_end = hit.rule if hit.rule.action.takes_caption else label_at_end
    rest = text[lo:hi]
    if SEPARATORS.fullmatch(rest):
        block.dropped = bool(block.removals)
    elif label_at_end is not None and len(rest.strip()) <= rules.config.caption_max_chars:
        start = lo + len(rest) - len(rest.lstrip())
        Hit(start, lo + len(rest.rstrip()), label_at_end, block.lang).remove_from(block, CAPTION_CATEGORY)
        block.dropped = True


def _judge_rest(block: Block, rules: RuleSet) -> None:
    """What is left of a block after its edges were stripped is read as a block of its own.

    "Изображение, созданное ИИRead more: …" loses its label first; the rest
    is then a read-also line, as it would be on a second pass.
    """
    pieces = block.kept_pieces()
    if len(pieces) != 1:
        return
    start, end = pieces[0]
    rest = Block(block.text[start:end], block.start + start, block.start + end, runs=block.runs)
    hits = rules.phrases.whole(rest.text) or rules.patterns.match(rest)
    if hits and not any(hit.rule.action.takes_section for hit in hits):
        for hit in hits:  # found in the rest: moved to offsets into the block
            hit.start += start
            hit.end += start
            hit.remove_from(block)
        block.dropped = True


def _glued_or_foreign(block: Block, hit: Hit, lo: int, hi: int) -> bool:
    """An edge phrase is chrome when nothing but glue joins it to the rest, or the rest is another language."""
    text = block.text
    left, right = (side if not SEPARATORS.fullmatch(side) else "" for side in (text[lo:hit.start], text[hit.end:hi]))
    if not (left or right):
        return True
    if (right and right[0].isalnum()) or (left and (left[-1].isalnum() or left[-1] in _GLUE_AFTER)):
        return True  # glued by markup: "…aggression.Изображение", "ИИChina"; never "AI-generated, the video"
    rest_start = block.start + (lo if left else hit.end)
    rest_end = block.start + (hit.start if left else hi)
    rest_lang = _span_language(block, rest_start, rest_end)
    return rest_lang not in (UNDETERMINED, hit.lang)


def _span_language(block: Block, start: int, end: int) -> str:
    weights: dict[str, int] = {}
    for run in block.runs:
        overlap = min(run.end, end) - max(run.start, start)
        if overlap > 0 and run.lang != UNDETERMINED:
            weights[run.lang] = weights.get(run.lang, 0) + overlap
    return max(weights, key=weights.__getitem__) if weights else UNDETERMINED


def _section_length(doc: Document, index: int, until_heading: bool, min_letters: int) -> int:
    """How many blocks after the chrome heading at ``index`` its section takes."""
    head = doc.blocks[index]
    followers = []
    for block in doc.blocks[index + 1:]:
        if until_heading and head.level and block.kind in ("heading", "title") and 0 < block.level <= head.level:
            break
        followers.append(block)
    kept_before = sum(letters(b) for b in doc.blocks[:index] if not b.dropped and article_like(b, doc, min_letters))
    after = sum(letters(b) for b in followers if article_like(b, doc, min_letters))
    if after > kept_before:
        # More article after the heading than before: a menu entry or a teaser
        # box above the story.  The section stops at the first article-like block.
        return next((i for i, b in enumerate(followers) if article_like(b, doc, min_letters)), len(followers))
    return len(followers)
