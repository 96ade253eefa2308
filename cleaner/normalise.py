"""Stage 5, normalise: repair and tidy the text of every kept block.

ftfy repairs mojibake and its explanation is kept, so every change can be
replayed (``ftfy.fixes.apply_plan``).  Settings are gentle for many languages:
no width folding (it breaks CJK punctuation) and no quote uncurling (« » „ “
are the text, not noise).  Then Unicode NFC, no invisible characters, no soft hyphens (`repair`, before the
rules read the block), then one kind of space and one line per block (`normalise`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import ftfy
import regex
from ftfy.badness import MOJIBAKE_CATEGORIES
from ftfy.chardata import CONTROL_CHARS

from .document import Block, Document

FTFY_CONFIG = ftfy.TextFixerConfig(
    fix_character_width=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=True,
)

# Character repairs, made before the rules read a block: ftfy, then what no
# reader sees.  Zero-width joiners (U+200C, U+200D) stay: Persian, Indic
# scripts and emoji need them.
REPAIR_STEPS: tuple[tuple[str, regex.Pattern, str], ...] = (
    ("remove_soft_hyphens", regex.compile("\u00ad"), ""),
    ("remove_invisible", regex.compile("[\u200b\u2060\ufeff\u180e]"), ""),
    ("remove_control_chars", regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"), ""),
)
_ODD_SPACES = regex.compile(r"[^\S\n\r ]")  # white space other than a space or a line end
# Tidying, made on what the rules kept: one line, one kind of space.
TIDY_STEPS: tuple[tuple[str, regex.Pattern, str], ...] = (
    ("join_lines", regex.compile(r"[ \t]*(?:\r\n|[\n\r\u2028\u2029\x85\x0b\x0c])[ \t]*"), " "),
    ("unify_spaces", _ODD_SPACES, " "),
    ("collapse_spaces", regex.compile(r" {2,}"), " "),
)


def _ftfy_would_act() -> re.Pattern:
    """A character ftfy can act on: without one, ftfy (our settings) returns text unchanged.

    Mojibake is found by `ftfy.badness`, whose every pattern needs a character
    of one of these categories, or one of the letters it spells out (one per
    sequence: "вЂ" needs Ђ, "[ВГРС]…[ВГРС]" needs В, Г, Р or С).  Curly quotes
    and dashes appear there only beside such a character, so most text in
    most languages is checked at the speed of one character class.  The other
    steps: HTML entities, line breaks, surrogates, escapes and control characters.
    """
    categories = ("c1", "bad", "upper_accented", "lower_accented", "currency", "numeric", "box", "law")
    marks = "".join(MOJIBAKE_CATEGORIES[name] for name in categories) + "ŒœØÙ√≈‚Ђ€ВГРСΒΓΞΟ"
    others = "&\r\x1b\u2028\u2029\ud800-\udfff" + "".join(re.escape(chr(c)) for c in sorted(CONTROL_CHARS))
    return re.compile(f"[{marks}{others}]")


_FTFY_WOULD_ACT = _ftfy_would_act()


def repair_text(text: str, fixes: Counter[str] | None = None) -> str:
    """ftfy with its explanation counted, then invisible and control characters out.

    >>> repair_text("caf\u00c3\u00a9 au\u00ad lait\u200b")
    'café au lait'
    """
    fixes = Counter() if fixes is None else fixes
    text = _ftfy(text, fixes)
    cleared = _apply(REPAIR_STEPS, _REPAIR_NEEDED, text, fixes)
    # Invisible characters and odd spaces can hide mojibake from ftfy
    # ("\u00adÂ¡", "0\u00a0Â¡"): once more as tidying will leave the text, so
    # that cleaning cleaned text changes nothing.  Taken only when it repairs.
    spaced = _ODD_SPACES.sub(" ", cleared)
    if spaced != text:
        again = _ftfy(spaced, fixes)
        if again != spaced:
            return again
    return cleared


def _ftfy(text: str, fixes: Counter[str]) -> str:
    if text.isascii() and "&" not in text:  # ASCII text needs ftfy only for HTML entities
        return text
    if not _FTFY_WOULD_ACT.search(text) and unicodedata.is_normalized("NFC", text):
        return text  # ftfy's mojibake check costs 0.2 us a character; this one a hundredth of that
    fixed, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
    if fixed != text:
        for step in explanation or ():
            fixes[f"ftfy:{step.action}:{step.parameter}"] += 1
    return fixed


def tidy_text(text: str, fixes: Counter[str] | None = None) -> str:
    """One line, one kind of space, no space at the ends."""
    return _apply(TIDY_STEPS, _TIDY_NEEDED, text, Counter() if fixes is None else fixes).strip()


def normalise_text(text: str, fixes: Counter[str] | None = None) -> str:
    """Repair and tidy one piece of text, counting the fixes that changed it.

    >>> normalise_text("caf\u00c3\u00a9\u00a0 au  lait\u00ad")
    'café au lait'
    """
    fixes = Counter() if fixes is None else fixes
    return tidy_text(repair_text(text, fixes), fixes)


def _any_of(steps) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in steps))


# Most blocks need none of the steps: one search says so instead of a pass per step.
_REPAIR_NEEDED = _any_of(REPAIR_STEPS)
_TIDY_NEEDED = _any_of(TIDY_STEPS)


def _apply(steps, needed: regex.Pattern, text: str, fixes: Counter[str]) -> str:
    if not needed.search(text):
        return text
    for name, pattern, replacement in steps:
        text, count = pattern.subn(replacement, text)
        if count:
            fixes[name] += count
    return text


def repair(doc: Document, fixes: Counter[str]) -> Document:
    """Mend every block's characters before the rules read it, so they see the text as it comes out.

    A mended block keeps its place, but offsets inside it no longer match the
    source: its pieces are reported with the whole block's span.
    """
    for block in doc.blocks + ([doc.title] if doc.title is not None else []):
        fixed = repair_text(block.text, fixes)
        if fixed != block.text:
            block.text, block.repaired = fixed, True
    return doc


def kept_text(block: Block) -> str:
    """The block's text with its stripped pieces (and the punctuation left around them) cut out."""
    if not block.cuts:
        return block.text
    return " ".join(block.text[start:end] for start, end in block.kept_pieces())


def normalise(doc: Document, fixes: Counter[str]) -> Document:
    """Fill ``Block.clean`` for the title and every kept block; blocks that end up empty are dropped."""
    if doc.title is not None:
        doc.title.clean = tidy_text(doc.title.text, fixes)
    for block in doc.blocks:
        if block.dropped:
            continue
        block.clean = tidy_text(kept_text(block), fixes)
        if not block.clean:
            block.dropped = True
    return doc
