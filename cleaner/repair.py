"""Stage 3, repair: mend every block's characters before the rules read them.

ftfy repairs mojibake and its explanation is kept, so every change can be
replayed (``ftfy.fixes.apply_plan``).  Settings are gentle for many languages:
no width folding (it breaks CJK punctuation) and no quote uncurling (« » „ “
are the text, not noise).  Then Unicode NFC, no invisible characters, no soft
hyphens.  The rules then read the text as it will come out: chrome in
mojibake or with a zero-width space inside is still chrome.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import regex

from .document import Document

if TYPE_CHECKING:
    import ftfy

    from .core import Context

# Character repairs, made before the rules read a block: ftfy, then what no
# reader sees.  Zero-width joiners (U+200C, U+200D) stay: Persian, Indic
# scripts and emoji need them.
Steps = tuple[tuple[str, "regex.Pattern[str]", str], ...]  # (name, what it finds, what replaces it)
REPAIR_STEPS: Steps = (
    ("remove_soft_hyphens", regex.compile("\u00ad"), ""),
    ("remove_invisible", regex.compile("[\u200b\u2060\ufeff\u180e]"), ""),
    ("remove_control_chars", regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"), ""),
)
ODD_SPACES = regex.compile(r"[^\S\n\r ]")  # white space other than a space or a line end


@cache
def _ftfy_setup() -> tuple[ftfy.TextFixerConfig, re.Pattern[str], Callable[..., tuple[str, Any]]]:
    """Our ftfy settings, the characters ftfy can act on, and its ``fix_and_explain``, made for the
    first text that is not plain ASCII.

    Importing ftfy takes 35-45 ms, which a page of plain ASCII never needs
    (see `_ftfy`): it is imported here, not with the module.
    """
    import ftfy

    config = ftfy.TextFixerConfig(
        fix_character_width=False,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        normalization="NFC",
        explain=True,
    )
    return config, _ftfy_would_act(), ftfy.fix_and_explain


def __getattr__(name: str) -> Any:
    if name == "FTFY_CONFIG":  # our ftfy settings, for tests and callers that replay a repair
        return _ftfy_setup()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _ftfy_would_act() -> re.Pattern[str]:
    """A character ftfy can act on: without one, ftfy (our settings) returns text unchanged.

    Mojibake is found by `ftfy.badness`, whose every pattern needs a character
    of one of these categories, or one of the letters it spells out (one per
    sequence: "вЂ" needs Ђ, "[ВГРС]…[ВГРС]" needs В, Г, Р or С).  Curly quotes
    and dashes appear there only beside such a character, so most text in
    most languages is checked at the speed of one character class.  The other
    steps: HTML entities, line breaks, surrogates, escapes and control characters.
    """
    from ftfy.badness import MOJIBAKE_CATEGORIES
    from ftfy.chardata import CONTROL_CHARS

    categories = ("c1", "bad", "upper_accented", "lower_accented", "currency", "numeric", "box", "law")
    marks = "".join(MOJIBAKE_CATEGORIES[name] for name in categories) + "ŒœØÙ√≈‚Ђ€ВГРСΒΓΞΟ"
    others = "&\r\x1b\u2028\u2029\ud800-\udfff" + "".join(re.escape(chr(c)) for c in sorted(CONTROL_CHARS))
    return re.compile(f"[{marks}{others}]")


def repair_text(text: str, fixes: Counter[str] | None = None) -> str:
    """ftfy with its explanation counted, then invisible and control characters out.

    >>> repair_text("caf\u00c3\u00a9 au\u00ad lait\u200b")
    'café au lait'
    """
    fixes = Counter() if fixes is None else fixes
    text = _ftfy(text, fixes)
    cleared = apply_steps(REPAIR_STEPS, _REPAIR_NEEDED, text, fixes)
    # Invisible characters and odd spaces can hide mojibake from ftfy
    # ("\u00adÂ¡", "0\u00a0Â¡"): once more as tidying will leave the text, so
    # that cleaning cleaned text changes nothing.  Taken only when it repairs.
    spaced = ODD_SPACES.sub(" ", cleared)
    if spaced != text:
        again = _ftfy(spaced, fixes)
        if again != spaced:
            return again
    return cleared


def _ftfy(text: str, fixes: Counter[str]) -> str:
    if text.isascii() and "&" not in text:  # ASCII text needs ftfy only for HTML entities
        return text
    config, would_act, fix_and_explain = _ftfy_setup()
    if not would_act.search(text) and unicodedata.is_normalized("NFC", text):
        return text  # ftfy's mojibake check costs 0.2 us a character; this one a hundredth of that
    fixed, explanation = fix_and_explain(text, config=config)
    if fixed != text:
        for step in explanation or ():
            fixes[f"ftfy:{step.action}:{step.parameter}"] += 1
    return fixed


def any_of(steps: Steps) -> regex.Pattern[str]:
    """One pattern that finds what any of the steps would change."""
    return regex.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in steps))


def apply_steps(steps: Steps, needed: regex.Pattern[str], text: str, fixes: Counter[str]) -> str:
    """Each step in turn where ``needed`` finds something, counting the changes by step name."""
    if not needed.search(text):
        return text
    for name, pattern, replacement in steps:
        text, count = pattern.subn(replacement, text)
        if count:
            fixes[name] += count
    return text


# Most blocks need none of the steps: one search says so instead of a pass per step.
_REPAIR_NEEDED = any_of(REPAIR_STEPS)


def repair(doc: Document, context: Context) -> Document:
    """Stage 3: mend every block's characters (the title's too).  Reads and writes block text; writes
    ``Block.repaired`` and ``fixes``.

    A mended block keeps its place, but offsets inside it no longer match the
    source: its pieces are reported with the whole block's span.
    """
    for block in doc.all_blocks():
        fixed = repair_text(block.text, doc.fixes)
        if fixed != block.text:
            block.text, block.repaired = fixed, True
    return doc
