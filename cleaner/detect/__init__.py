"""Stage 3, detect: language runs inside blocks, block languages, the document language.

Script first, statistics second, the page third.  Each block is cut where the
writing system changes (digits, spaces and punctuation stay with the run
before them) and after each line break (`cleaner.detect.pieces`), and a run's
candidate languages come from its script and its letters
(`cleaner.detect.scripts`).  A statistical backend (`cleaner.detect.backends`)
tags long runs alone; short runs choose among the languages the page is in
(`cleaner.detect.tagger`), weighing what it declares and the interface
phrases the packs recognise on it (`cleaner.detect.evidence`): a Russian
interface over an English article stays Russian, an English one over a German
article English.  A short text whose backend scores leave close neighbours
(ru/bg/sr, es/pt) nearly equal is told by its words (`cleaner.detect.lexicon`).
Neighbours that agree are merged again.

The backend is swappable: anything with a ``name`` and a ``scores(text)``
method that returns ``[(lang, probability), ...]`` best first.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..config import DetectConfig
from ..document import Document, Run
from .backends import BACKENDS, DEFAULT_BACKEND, Backend, make_backend
from .evidence import PageEvidence, builtin_lexicon, declared_languages, phrase_lexicon
from .pieces import language_pieces, merge_agreeing
from .scripts import SCRIPT_LANGUAGES, _segment_runs, script_of, script_runs
from .tagger import Detector, majority_language

if TYPE_CHECKING:
    from ..core import Context

__all__ = [
    "BACKENDS", "DEFAULT_BACKEND", "SCRIPT_LANGUAGES", "Backend", "Detector", "PageEvidence", "default_detector", "detect",
    "detect_language", "language_runs", "majority_language", "make_backend", "script_of", "script_runs",
    "_segment_runs",
]


def detect(doc: Document, context: Context) -> Document:
    """Stage 4: tag every run, block (the title too) and the document with a language and a
    confidence.  Reads block text and ``dropped`` (pruned chrome), the page's declared
    languages (``metadata``, the input's headers and URL) and the packs' phrases; writes
    ``runs``, block ``lang`` and ``confidence``, and ``language``."""
    detector = context.detector
    sentence_min_letters = context.config.detect.sentence_min_letters
    tagged = doc.all_blocks()
    runs: list[Run] = []
    chrome: list[Run] = []
    for block in tagged:
        block.runs = language_pieces(block.text, block.start, sentence_min_letters)
        (chrome if block.dropped else runs).extend(block.runs)
    evidence = PageEvidence(
        declared_languages(doc.metadata, doc.input.headers, doc.input.url), phrase_lexicon(context.rules.phrases)
    )
    detector.tag(runs, chrome, evidence)  # what was pruned is chrome: no language of its own needed
    for block in tagged:
        block.runs = merge_agreeing(block.runs)
        block.lang, block.confidence = majority_language(block.runs)
    kept = [b for b in doc.blocks if not b.dropped] or doc.blocks
    article_min_letters = context.config.detect.article_min_letters
    article = [b for b in kept if sum(r.letters for r in b.runs) >= article_min_letters]
    doc.language, _ = majority_language(
        run for block in (article or kept) for run in block.runs
    )
    return doc


def language_runs(
    text: str, *, detector: Detector | None = None, evidence: PageEvidence | None = None
) -> list[Run]:
    """Language runs of a text, offsets into it: as the pipeline tags the same text.

    Lines (and, where the config says, sentences) of one script are told
    apart; short ones choose among the languages of the text's long ones
    (``evidence``: what a page declares; by default the shipped packs'
    phrases).  Each run says what decided it (``Run.by``).

    >>> [(r.text, r.lang) for r in language_runs("Сообщено ИИ China and Russia coordinate on Japan")]
    [('Сообщено ИИ ', 'ru'), ('China and Russia coordinate on Japan', 'en')]
    """
    detector = detector or default_detector()
    runs = language_pieces(text, 0, detector.config.sentence_min_letters)
    detector.tag(runs, (), evidence or _builtin_evidence())
    return merge_agreeing(runs)


def detect_language(
    text: str, *, backend: str | Backend | None = None, languages: Iterable[str] | None = None
) -> str:
    """ISO 639-1 code of the text's main language, or ``"und"`` where it has no letters.

    >>> detect_language("Это сайт использует куки")
    'ru'
    >>> detect_language("Ćwiczenia", languages=["pl", "cs", "en"])
    'pl'
    """
    languages = tuple(sorted(set(languages))) if languages else None
    key = (backend or DEFAULT_BACKEND, languages)
    detector = _BY_ARGUMENTS.get(key)  # a config compares field by field: looked up once per arguments
    if detector is None:
        detector = _BY_ARGUMENTS[key] = _detector_for(DetectConfig(backend=key[0], languages=languages))
    return majority_language(language_runs(text, detector=detector, evidence=_builtin_evidence()))[0]


# One detector per configuration, its model loaded once, for the one-call helpers.
_DETECTORS: dict[DetectConfig, Detector] = {}
_BY_ARGUMENTS: dict[tuple[Any, ...], Detector] = {}


@lru_cache(maxsize=1)
def _builtin_evidence() -> PageEvidence:
    return PageEvidence(phrases=builtin_lexicon())


def default_detector() -> Detector:
    return _detector_for(DetectConfig())


def _detector_for(config: DetectConfig) -> Detector:
    if config not in _DETECTORS:
        _DETECTORS[config] = Detector(config)
    return _DETECTORS[config]
