"""Stage 5, normalise: repair and tidy the text of every kept block.

ftfy repairs mojibake and its explanation is kept, so every change can be
replayed (``ftfy.fixes.apply_plan``).  Settings are gentle for many languages:
no width folding (it breaks CJK punctuation) and no quote uncurling (« » „ “
are the text, not noise).  Then Unicode NFC, one kind of space, no invisible
characters, no soft hyphens, one line per block.
"""

from __future__ import annotations

from collections import Counter

import ftfy
import regex

from .document import Block, Document

FTFY_CONFIG = ftfy.TextFixerConfig(
    fix_character_width=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=True,
)

# Tidying steps after ftfy: (name, pattern, replacement).  Zero-width joiners
# (U+200C, U+200D) stay: Persian, Indic scripts and emoji need them.
TIDY_STEPS: tuple[tuple[str, regex.Pattern, str], ...] = (
    ("remove_soft_hyphens", regex.compile("\u00ad"), ""),
    ("remove_invisible", regex.compile("[\u200b\u2060\ufeff\u180e]"), ""),
    ("remove_control_chars", regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"), ""),
    ("join_lines", regex.compile(r"[ \t]*(?:\r\n|[\n\r\u2028\u2029\x85])[ \t]*"), " "),
    ("unify_spaces", regex.compile(r"[^\S\n ]"), " "),
    ("collapse_spaces", regex.compile(r" {2,}"), " "),
)


def normalise_text(text: str, fixes: Counter[str] | None = None) -> str:
    """Repair and tidy one piece of text, counting the fixes that changed it.

    >>> normalise_text("caf\\u00c3\\u00a9\\u00a0 au  lait\\u00ad")
    'café au lait'
    """
    fixes = Counter() if fixes is None else fixes
    if not text.isascii():
        fixed, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
        if fixed != text:
            for step in explanation or ():
                fixes[f"ftfy:{step.action}:{step.parameter}"] += 1
            text = fixed
    for name, pattern, replacement in TIDY_STEPS:
        text, count = pattern.subn(replacement, text)
        if count:
            fixes[name] += count
    return text.strip()


def kept_text(block: Block) -> str:
    """The block's text with its stripped pieces cut out."""
    if not block.removals:
        return block.text
    pieces, pos = [], 0
    for removal in sorted(block.removals, key=lambda r: r.start):
        start = removal.start - block.start
        pieces.append(block.text[pos:start])
        pos = max(pos, removal.end - block.start)
    pieces.append(block.text[pos:])
    return " ".join(p.strip() for p in pieces if p.strip())


def normalise(doc: Document, fixes: Counter[str]) -> Document:
    """Fill ``Block.clean`` for the title and every kept block; blocks that end up empty are dropped."""
    if doc.title is not None:
        doc.title.clean = normalise_text(doc.title.text, fixes)
    for block in doc.blocks:
        if block.dropped:
            continue
        block.clean = normalise_text(kept_text(block), fixes)
        if not block.clean:
            block.dropped = True
    return doc
