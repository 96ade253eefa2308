"""The one document object that flows through the stages.

Every stage takes a `Document` and returns a new one (or fills fields that the
stage owns): ``load`` makes ``source``, ``extract`` makes ``blocks``, ``detect``
fills runs and languages, ``rules`` fills verdicts, ``normalise`` fills the
clean text of kept blocks.  Spans are character offsets into ``Document.source``
(the decoded input for text pages, the extracted block stream for HTML pages),
so every kept and removed piece points back to where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Block:
    """A paragraph-like unit: a text line, or an HTML paragraph, heading, caption ..."""

    text: str
    start: int
    end: int
    kind: str = "paragraph"  # paragraph | heading | title | list_item | caption | quote | table
    level: int = 0  # heading level (1-6) where known; 0 for everything else
    group: int = 0  # blocks with the same group touch: no blank line (or container) between them
    path: str | None = None  # where it came from in HTML (an element path)
    runs: list[Run] = field(default_factory=list)
    lang: str = UNDETERMINED
    confidence: float = 0.0
    # Verdicts, filled by the rules stage.
    dropped: bool = False
    removals: list[Removal] = field(default_factory=list)
    # Filled by the normalise stage.
    clean: str = ""


@dataclass
class Document:
    source: str
    input_kind: str  # "text" | "html"
    blocks: list[Block] = field(default_factory=list)
    language: str = UNDETERMINED
    language_confidence: float = 0.0
    title: Block | None = None
    metadata: dict[str, str] = field(default_factory=dict)
