"""Stage 6, result: the cleaned document as a plain dataclass and the documented JSON.

The JSON object is ``cleaner/1`` (``cleaner/schema/cleaner-1.schema.json``).
Key order is fixed and nothing in it depends on time or chance: the same input
with the same options gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import regex

from .detect import majority_language
from .document import UNDETERMINED, Block, Document, Removal

SCHEMA = "cleaner/1"
TITLE_MAX_CHARS = 200
_NOT_A_HEADLINE_END = regex.compile(r"[.,;:。，；：]\s*\Z")


@dataclass
class Run:
    text: str
    lang: str
    start: int
    end: int


@dataclass
class Segment:
    """A kept piece of the article, with where it came from."""

    text: str
    lang: str
    kind: str
    start: int
    end: int
    confidence: float = 0.0
    runs: list[Run] | None = None  # only where the segment holds more than one language


@dataclass
class CleanResult:
    """What `clean` returns: the article and how it was made.

    >>> from cleaner import clean
    >>> r = clean("Headline\\n\\nFirst paragraph.\\n\\nРеклама\\n\\nSecond paragraph.")
    >>> r.title, r.text
    ('Headline', 'First paragraph.\\n\\nSecond paragraph.')
    >>> [(x.text, x.category) for x in r.removed]
    [('Реклама', 'advertising')]
    """

    text: str = ""
    title: str | None = None
    language: str = UNDETERMINED
    segments: list[Segment] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    error: dict[str, str] | None = None
    reason: str | None = None  # why ``text`` is empty, when it is

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "text": self.text,
            "title": self.title,
            "language": self.language,
            "segments": [_segment_dict(s) for s in self.segments],
            "removed": [asdict(r) for r in self.removed],
            "metadata": dict(self.metadata),
            "provenance": self.provenance,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.error is not None:
            out["error"] = dict(self.error)
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _segment_dict(segment: Segment) -> dict[str, Any]:
    out = asdict(segment)
    if segment.runs is None:
        del out["runs"]
    return out


def pick_title(doc: Document) -> Block | None:
    """The page's title block: from extraction, else the first kept block when headline-like."""
    if doc.title is not None:
        return doc.title
    kept = [b for b in doc.blocks if not b.dropped]
    if len(kept) < 2:
        return None
    first = kept[0]
    if len(first.clean) <= TITLE_MAX_CHARS and not _NOT_A_HEADLINE_END.search(first.clean):
        return first
    return None


def build_result(doc: Document, provenance: dict[str, Any]) -> CleanResult:
    title = pick_title(doc)
    body = [b for b in doc.blocks if not b.dropped and b is not title]
    segments = [_segment(b, "title") for b in (title,) if b is not None and b.clean]
    segments += [_segment(b, b.kind) for b in body]
    text = "\n\n".join(b.clean for b in body)
    reason = None
    if not text:
        reason = doc.reason or (
            "no article: every block was removed as chrome" if doc.blocks else "no article: the page holds no text"
        )
    return CleanResult(
        text=text,
        reason=reason,
        title=title.clean if title is not None else None,
        language=doc.language,
        segments=segments,
        removed=[r for b in doc.blocks for r in sorted(b.removals, key=lambda r: r.start)],
        metadata=dict(doc.metadata),
        provenance=provenance,
    )


def _segment(block: Block, kind: str) -> Segment:
    start, end = block.start, block.end
    if block.cuts and not block.repaired and (kept := block.kept_pieces()):
        # The kept span: the block less what was stripped from its edges.
        start, end = block.start + kept[0][0], block.start + kept[-1][1]
    if block.repaired:  # offsets inside mended text are not the source's: the block's span stands for all
        runs = [r for r in block.runs if r.letters]
        spans = [(block.start, block.end)] * len(runs)
    else:
        runs = [r for r in block.runs if r.end > start and r.start < end and r.letters]
        spans = [(r.start, r.end) for r in runs]
    mixed = len({r.lang for r in runs}) > 1
    lang, confidence = majority_language(runs) if block.cuts else (block.lang, block.confidence)
    return Segment(
        text=block.clean,
        lang=lang,
        kind=kind,
        start=start,
        end=end,
        confidence=confidence,
        runs=[Run(r.text, r.lang, *span) for r, span in zip(runs, spans)] if mixed else None,
    )
