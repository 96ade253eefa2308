"""Stage 6, result: the cleaned document as a plain dataclass and the documented JSON.

The JSON object is ``cleaner/1`` (``cleaner/schema/cleaner-1.schema.json``).
Key order is fixed and nothing in it depends on time or chance: the same input
with the same options gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

import regex

from .config import ResultConfig
from .detect import majority_language
from .document import UNDETERMINED, Block, Document, Image, Link, Removal
from .normalise import normalise_text

if TYPE_CHECKING:
    from .core import Context

SCHEMA = "cleaner/1"
SKIPPED = "skipped:"  # how the reason of a page left out on purpose begins
_NOT_A_HEADLINE_END = regex.compile(r"[.,;:。，；：]\s*\Z")
_DEPENDENCIES = ("trafilatura", "ftfy", "regex", "py3langid", "langdetect")


@dataclass
class SegmentRun:
    """A stretch of one language inside a segment that mixes languages."""

    text: str
    lang: str
    start: int
    end: int
    confidence: float = 0.0
    # What decided the language: alphabet, model, page, page+model, phrase or fallback.
    by: str = ""


@dataclass
class Segment:
    """A kept piece of the article, with where it came from."""

    text: str
    lang: str
    kind: str
    start: int
    end: int
    confidence: float = 0.0
    runs: list[SegmentRun] | None = None  # only where the segment holds more than one language
    # Structure, for Markdown and HTML output; in JSON only where it says something.
    level: int = 0  # a heading's level (1-6), a list item's nesting depth (1 = top level)
    ordered: bool = False  # an item of a numbered list
    cells: list[str] | None = None  # a table row's cells (None: not a table row, or cut by a rule)
    header: bool = False  # a table's header row
    # With the links and images options: offsets into ``text`` (an image's ``at``: where it stands, 0 = before).
    links: list[Link] | None = None
    images: list[Image] | None = None


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

    @property
    def skipped(self) -> bool:
        """Left out on purpose (``target_languages``): no text, and a reason that says why."""
        return self.reason is not None and self.reason.startswith(SKIPPED)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "text": self.text,
            "title": self.title,
            "language": self.language,
            "segments": [_segment_dict(s) for s in self.segments],
            "removed": [_removal_dict(r) for r in self.removed],
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

    def to_markdown(self, with_metadata: bool = False) -> str:
        """The article as Markdown: headings, lists, quotes, tables, code (`cleaner.render`)."""
        from .render import to_markdown

        return to_markdown(self, with_metadata)

    def to_html(self) -> str:
        """The article as a minimal, self-contained HTML page (`cleaner.render`)."""
        from .render import to_html

        return to_html(self)


def _removal_dict(removal: Removal) -> dict[str, Any]:
    """A removal as JSON; ``evidence`` only for learned site rules (written rules carry none)."""
    out = asdict(removal)
    if removal.evidence is None:
        del out["evidence"]
    return out


def _segment_dict(segment: Segment) -> dict[str, Any]:
    out = asdict(segment)
    for key, unset in (("runs", None), ("level", 0), ("ordered", False), ("cells", None), ("header", False),
                       ("links", None), ("images", None)):
        if out[key] == unset:
            del out[key]
    for image in out.get("images") or ():
        for key in ("alt", "title", "caption"):
            if not image[key]:
                del image[key]
    return out


def pick_title(doc: Document, config: ResultConfig = ResultConfig()) -> Block | None:
    """The page's title block: from extraction, else the first kept block when headline-like."""
    if doc.title is not None:
        return doc.title
    kept = [b for b in doc.blocks if not b.dropped]
    if len(kept) < 2:
        return None
    first = kept[0]
    if len(first.clean) <= config.title_max_chars and not _NOT_A_HEADLINE_END.search(first.clean):
        return first
    return None


def build_result(doc: Document, context: Context) -> CleanResult:
    """The last step: the `CleanResult` of a document that went through every stage."""
    loaded = doc.loaded
    assert loaded is not None, "a result is built after load"
    provenance = {
        "input_sha256": loaded.sha256,
        "input_kind": loaded.kind,
        "kind_source": loaded.kind_source,
        "encoding": loaded.encoding,
        "encoding_source": loaded.encoding_source,
        "fixes": dict(sorted(doc.fixes.items())),
        "versions": versions(),
        "rule_packs": [p.describe() for p in context.rules.packs]
        + ([doc.site_pack.describe()] if doc.site_pack is not None else []),
        "options": context.config.to_dict(),
    }
    title = pick_title(doc, context.config.result)
    body = [b for b in doc.blocks if not b.dropped and b is not title]
    segments = [_segment(b, "title") for b in (title,) if b is not None and b.clean]
    segments += [_segment(b, b.kind, doc.source) for b in body]
    removed = [r for b in doc.blocks for r in sorted(b.removals, key=lambda r: r.start)]
    if any(s.images for s in segments):
        _forget_removed(segments, removed)
    text = "\n\n".join(b.clean for b in body)
    reason = None
    targets = context.config.result.target_languages
    if targets is not None and text and doc.language not in targets:
        # Skipped, not failed: the title and language say what the page was.
        segments, text = [s for s in segments if s.kind == "title"], ""
        reason = f"{SKIPPED} the page is in {doc.language}, not in {', '.join(targets)} (target_languages)"
    elif not text:
        reason = doc.reason or (
            "no article: every block was removed as chrome" if doc.blocks else "no article: the page holds no text"
        )
    return CleanResult(
        text=text,
        reason=reason,
        title=title.clean if title is not None else None,
        language=doc.language,
        segments=segments,
        removed=removed,
        metadata=dict(doc.metadata),
        provenance=provenance,
    )


def _segment(block: Block, kind: str, source: str = "") -> Segment:
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
        runs=[SegmentRun(r.text, r.lang, *span, r.confidence, r.by) for r, span in zip(runs, spans)] if mixed else None,
        **_structure(block, kind),
        # (A title is rendered as text alone: it carries no links or pictures.)
        **(_inline(block, source[block.start:block.end])
           if kind != "title" and (block.layout.links or block.layout.images) else {}),
    )


def _structure(block: Block, kind: str) -> dict[str, Any]:
    layout = block.layout
    if kind == "heading":
        return {"level": block.level}
    if kind == "list_item":
        return {"level": layout.depth, "ordered": layout.ordered}
    if kind == "table" and layout.cells and not block.cuts:
        return {"cells": list(layout.cells), "header": layout.header}
    return {}


def _inline(block: Block, extracted: str) -> dict[str, Any]:
    """The block's links and pictures with offsets into its clean text; those in a cut stretch go with it.

    Offsets were taken in the ``extracted`` text: they follow the repair (a
    mended block), the cuts (what is kept, joined by spaces) and the tidying
    (white space only).  A link whose words are not whole in the clean text
    goes: a link is kept only as its page had it.
    """
    layout, text, clean = block.layout, block.text, block.clean
    if block.kind == "code":
        return {}
    moved = _offsets(extracted, text) if block.repaired else None
    kept = block.kept_pieces() if block.cuts else [(0, len(text))]
    joined = " ".join(text[start:end] for start, end in kept) if block.cuts else text
    tidied = _tidied(joined, clean)
    if tidied is None:
        return {}

    def place(offset: int, inclusive: bool) -> int | None:
        """``offset`` in the clean text, or None when a cut took it (``inclusive``: an end may touch a piece's end)."""
        offset = moved[offset] if moved is not None else offset
        base = 0
        for start, end in kept:
            if start <= offset < end or (inclusive and offset == end):
                return tidied[base + offset - start]
            base += end - start + 1
        return None

    links = []
    for link in layout.links:
        start, end = place(link.start, False), place(link.end, True)
        if start is not None and end is not None and end > start \
                and clean[start:end] == normalise_text(extracted[link.start:link.end]):
            links.append(Link(start, end, link.href))
    images = []
    for image in layout.images:
        if (at := place(image.at, True)) is not None:
            images.append(replace(image, at=at))
    return {"links": links or None, "images": images or None}


def _offsets(before: str, after: str) -> list[int]:
    """Each offset of ``before`` (and its end) in ``after``, a mended copy: changed stretches map to their start."""
    moved = [0] * (len(before) + 1)
    for _, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        for offset in range(i1, i2):
            moved[offset] = min(j1 + offset - i1, j2) if i2 - i1 == j2 - j1 else j1
    moved[len(before)] = len(after)
    return moved


def _tidied(text: str, clean: str) -> list[int] | None:
    """Each offset of ``text`` (and its end) in ``clean``, which tidying made of it by changing white space only."""
    where, j, i = [], 0, 0
    while i < len(text):
        if j < len(clean) and text[i] == clean[j] and not text[i].isspace():
            where.append(j)
            i, j = i + 1, j + 1
        elif text[i].isspace():
            run_end = i
            while run_end < len(text) and text[run_end].isspace():
                run_end += 1
            where += [j] * (run_end - i)
            if 0 < j < len(clean) and clean[j] == " ":  # a run inside the text: one space
                j += 1
            i = run_end
        else:
            return None  # not a tidying of it: no offsets rather than wrong ones
    where.append(len(clean))
    return where if j == len(clean) else None


def _forget_removed(segments: list[Segment], removed: list[Removal]) -> None:
    """An alt text, title or caption holding a piece the rules removed loses it: no rule reads it itself."""
    pieces = [r.text for r in removed if r.text.strip()]

    def kept(value: str) -> str:
        return "" if any(piece in value for piece in pieces) else value

    for segment in segments:
        if segment.images:
            segment.images = [replace(image, alt=kept(image.alt), title=kept(image.title), caption=kept(image.caption))
                              for image in segment.images]


def error_result(exc: BaseException, data: object, url: str | None = None, name: str | None = None) -> CleanResult:
    """A result that stands for a record that could not be cleaned; its message names the input."""
    if isinstance(data, str):
        digest = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
    elif isinstance(data, (bytes, bytearray)):
        digest = hashlib.sha256(data).hexdigest()
    else:
        digest = None
    return CleanResult(
        metadata={"url": url} if url else {},
        provenance={"input_sha256": digest, "versions": versions()},
        error={"type": type(exc).__name__, "message": _named(str(exc) or type(exc).__name__, name)},
    )


def _named(message: str, name: str | None) -> str:
    first_line = message.splitlines()[0] if message else message
    return first_line if not name or first_line.startswith(name) else f"{name}: {first_line}"


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of cleaner and the libraries that made the result."""
    found = {"cleaner": _version("cleaner")}
    found.update((name, _version(name)) for name in _DEPENDENCIES)
    return found


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
