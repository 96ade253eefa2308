"""The one document object that flows through the stages, and the pieces it is made of.

Every stage is a function ``stage(doc, context) -> doc`` (see `cleaner.core.STAGES`):
it reads what earlier stages filled and fills the fields it owns, in place,
and returns the same document.  No stage reaches back into an earlier one.

    load       input          -> loaded (decoded text, kind, encoding, digest)
    limit      loaded         -> nothing: refuses HTML too large in structure to parse in time
    extract    loaded         -> source, blocks, title, metadata, reason
    repair     blocks, title  -> their text mended (ftfy, invisible characters), fixes
    detect     blocks, title  -> runs, block languages, language
    rules      blocks         -> verdicts: dropped, removals, cuts; reason
    sites      blocks, title  -> verdicts of the host's learned pack; site_pack (only with site packs)
    normalise  blocks, title  -> clean text of what is kept, fixes

Spans are character offsets into ``Document.source`` (the decoded input for
text pages, the extracted block stream for HTML pages), so every kept and
removed piece points back to where it came from.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

UNDETERMINED = "und"


@dataclass
class Run:
    """A stretch of one script inside a block, tagged with a language.

    >>> Run("Изображение, созданное ИИ", "Cyrl", 0, 25, "ru", 0.9)
    Run(text='Изображение, созданное ИИ', script='Cyrl', start=0, end=25, lang='ru', confidence=0.9)
    """

    text: str
    script: str
    start: int  # offsets into Document.source
    end: int
    lang: str = UNDETERMINED
    confidence: float = 0.0
    letters: int = field(default=-1, repr=False, compare=False)
    # What decided the language: "alphabet", "model", "page", "page+model",
    # "phrase", "declared" or "fallback" (see `cleaner.detect.tagger`).
    by: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.letters < 0:  # counted once: every later stage weighs runs by it
            self.letters = sum(map(str.isalpha, self.text))


@dataclass
class Removal:
    """One piece taken out of the page, and why."""

    text: str
    rule: str  # "<pack id>/<rule id>"
    category: str
    lang: str
    start: int
    end: int
    action: str
    evidence: str | None = None  # a learned site rule's evidence (`Rule.evidence_text`); None for written rules


@dataclass(frozen=True)
class Link:
    """A link inside a block: ``text[start:end]`` points to ``href`` (an absolute http(s) address where known)."""

    start: int
    end: int
    href: str


@dataclass(frozen=True)
class Image:
    """A picture at offset ``at`` of a block's text (0: before it), with its alt text, title and caption."""

    at: int
    src: str
    alt: str = ""
    title: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Layout:
    """Where a block sits in the article's structure, for structured output (Markdown, HTML).

    >>> Layout(depth=2, ordered=True)
    Layout(depth=2, ordered=True, cells=(), header=False, links=(), images=())
    """

    depth: int = 0  # list nesting: 1 for an item of a top-level list
    ordered: bool = False  # an item of a numbered list
    cells: tuple[str, ...] = ()  # a table row's cells
    header: bool = False  # a table's header row
    # Only with the links and images options (`cleaner.html.inline`); offsets into the extracted text.
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()


NO_LAYOUT = Layout()


@dataclass
class Block:
    """A paragraph-like unit: a text line, or an HTML paragraph, heading, caption ..."""

    text: str
    start: int
    end: int
    kind: str = "paragraph"  # paragraph | heading | title | list_item | caption | quote | table | code
    level: int = 0  # heading level (1-6) where known; 0 for everything else
    layout: Layout = NO_LAYOUT  # list depth, table cells: HTML pages only
    group: int = 0  # blocks with the same group touch: no blank line (or container) between them
    runs: list[Run] = field(default_factory=list)
    lang: str = UNDETERMINED
    confidence: float = 0.0
    # Filled by the repair step (normalise.repair): the text was mended before the
    # rules read it, so spans inside it are reported as the whole block's span.
    repaired: bool = False
    # Verdicts, filled by the rules stage.
    dropped: bool = False
    removals: list[Removal] = field(default_factory=list)
    cuts: list[tuple[int, int]] = field(default_factory=list)  # removed stretches, offsets into ``text``
    # Filled by the normalise stage.
    clean: str = ""

    def kept_pieces(self) -> list[tuple[int, int]]:
        """Offsets (into ``text``) of what the cuts leave, spaces and punctuation at their ends trimmed.

        >>> b = Block("Сообщено ИИ: China and Russia", 0, 29, cuts=[(0, 11)])
        >>> [b.text[s:e] for s, e in b.kept_pieces()]
        ['China and Russia']
        """
        bounds, pos = [], 0
        for start, end in sorted(self.cuts):
            bounds.append((pos, start, pos > 0, True))  # (start, end, after a cut, before a cut)
            pos = max(pos, end)
        bounds.append((pos, len(self.text), pos > 0, False))
        trimmed = []
        for start, end, after_cut, before_cut in bounds:
            # Joining marks go only where they touched a cut ("Сообщено ИИ: …"); sentence ends and quotes stay.
            while start < end and (_joiner(self.text[start]) if after_cut else self.text[start].isspace()):
                start += 1
            while end > start and (_joiner(self.text[end - 1]) if before_cut else self.text[end - 1].isspace()):
                end -= 1
            if start < end:
                trimmed.append((start, end))
        return trimmed


_JOINERS = set(":;,|•·/-–—")


def _joiner(ch: str) -> bool:
    return ch.isspace() or ch in _JOINERS or unicodedata.category(ch) == "Cf"


def is_separator(ch: str) -> bool:
    """Space, punctuation, symbols and invisible format characters: what may stand between phrases."""
    return ch.isspace() or unicodedata.category(ch)[0] in "PSZ" or unicodedata.category(ch) == "Cf"


@dataclass(frozen=True)
class Input:
    """What the caller handed over: the page and what it knows about it."""

    data: str | bytes
    url: str | None = None
    headers: Mapping[str, str] | None = None
    name: str = "<input>"  # names the input in error messages
    kind: str = "auto"  # "html", "text", or "auto" (sniffed)


@dataclass(frozen=True)
class Loaded:
    """The input decoded: filled by the load stage."""

    text: str
    kind: str  # "html" | "text"
    encoding: str | None  # None when the caller gave str
    encoding_source: str  # "str" | "bom" | "http-header" | "meta" | "utf-8" | "detected" | "per-line"
    sha256: str
    name: str = "<input>"  # for messages
    kind_source: str = "caller"  # how the kind was decided: "caller" | "start" | "document-after-junk" | "tag-share" | "no-markup"


@dataclass
class Document:
    input: Input
    loaded: Loaded | None = None
    source: str = ""
    input_kind: str = "text"  # "text" | "html"
    blocks: list[Block] = field(default_factory=list)
    language: str = UNDETERMINED
    title: Block | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    reason: str | None = None  # why there is no article, when there is none
    fixes: Counter[str] = field(default_factory=Counter)  # repair and tidy steps that changed something
    site_pack: Any = None  # the learned pack of the page's host that the rules applied (`cleaner.sites`)

    def all_blocks(self) -> list[Block]:
        """The body's blocks and the title's, which the character stages treat alike."""
        return self.blocks + ([self.title] if self.title is not None else [])
