"""Stage 6, normalise: tidy the text of every kept block.

What the rules kept becomes one line with one kind of space; a block left
empty by its cuts is dropped.  Character repairs ran before the rules
(`cleaner.repair`); every step that changed something is counted in
``Document.fixes`` for provenance.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import regex

from .document import Block, Document
from .repair import ODD_SPACES, Steps, any_of, apply_steps, repair_text

if TYPE_CHECKING:
    from .core import Context

# Tidying, made on what the rules kept: one line, one kind of space.
TIDY_STEPS: Steps = (
    ("join_lines", regex.compile(r"[ \t]*(?:\r\n|[\n\r\u2028\u2029\x85\x0b\x0c])[ \t]*"), " "),
    ("unify_spaces", ODD_SPACES, " "),
    ("collapse_spaces", regex.compile(r" {2,}"), " "),
)
_TIDY_NEEDED = any_of(TIDY_STEPS)  # most blocks need none: one search instead of a pass per step


def tidy_text(text: str, fixes: Counter[str] | None = None) -> str:
    """One line, one kind of space, no space at the ends."""
    return apply_steps(TIDY_STEPS, _TIDY_NEEDED, text, Counter() if fixes is None else fixes).strip()


def normalise_text(text: str, fixes: Counter[str] | None = None) -> str:
    """Repair and tidy one piece of text, counting the fixes that changed it.

    >>> normalise_text("caf\u00c3\u00a9\u00a0 au  lait\u00ad")
    'café au lait'
    """
    fixes = Counter() if fixes is None else fixes
    return tidy_text(repair_text(text, fixes), fixes)


def _tidy_code(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def kept_text(block: Block) -> str:
    """The block's text with its stripped pieces (and the punctuation left around them) cut out."""
    if not block.cuts:
        return block.text
    return " ".join(block.text[start:end] for start, end in block.kept_pieces())


def normalise(doc: Document, context: Context) -> Document:
    """Stage 6: fill ``Block.clean`` for the title and every kept block; blocks that end up empty
    are dropped.  Reads verdicts (``dropped``, ``cuts``); writes ``clean``, ``dropped`` and ``fixes``."""
    fixes = doc.fixes
    if doc.title is not None:
        doc.title.clean = tidy_text(doc.title.text, fixes)
    for block in doc.blocks:
        if block.dropped:
            continue
        # Code is read as laid out: its lines and indentation stay.
        block.clean = _tidy_code(kept_text(block)) if block.kind == "code" else tidy_text(kept_text(block), fixes)
        if not block.clean:
            block.dropped = True
    return doc
