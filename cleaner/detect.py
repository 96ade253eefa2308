"""Stage 3, detect: language runs inside blocks, block languages, the document language.

Script first, statistics second.  Each block is cut where the writing system
changes (digits, spaces and punctuation stay with the run before them), and a
run's candidate languages come from its script and its letters: Cyrillic ї є ґ
mean Ukrainian, ў Belarusian, ы э rule Ukrainian and Bulgarian out, kana means
Japanese.  A statistical backend chooses among what is left only when the run
is long enough to be told; shorter runs take the language that the page's long
runs of the same script have (a Russian interface over an English article:
the short Cyrillic labels are Russian because the long Cyrillic text is).

The backend is swappable: anything with a ``name`` and a ``scores(text)``
method that returns ``[(lang, probability), ...]`` best first.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import regex

from .document import UNDETERMINED, Document, Run

if TYPE_CHECKING:
    from .core import Context

# A run needs this many letters before a statistical backend may choose its
# language; shorter runs follow the page (see module docstring).  At 12 letters
# (about a word pair) py3langid is right ~90% of the time on 16 languages.
STAT_MIN_LETTERS = 12
# Below this, even with no page to follow, a run is not worth asking a backend.
GUESS_MIN_LETTERS = 4
# Blocks with at least this many letters decide the document language.
ARTICLE_MIN_LETTERS = 60
# A backend reads at most this much of a run: a few sentences tell a language
# as well as a page does, at a fraction of the cost.
BACKEND_MAX_CHARS = 120
# Once this many long runs of a script, and this share of them, agree on a
# language, later ones are confirmed on their first CONFIRM_CHARS and read in
# full only when they disagree.  One odd run (a table row, a name list) does
# not unsettle the page.
SETTLE_RUNS = 5
SETTLE_SHARE = 0.8
CONFIRM_CHARS = 48
MEMO_SIZE = 4096  # backend answers kept per detector (a few hundred kilobytes)

_SEGMENT = regex.compile(
    r"(?P<Latn>[\p{Script=Latin}][\p{Script=Latin}\p{M}]*)"
    r"|(?P<Cyrl>[\p{Script=Cyrillic}][\p{Script=Cyrillic}\p{M}]*)"
    r"|(?P<Hani>[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆][\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆\p{M}]*)"
    r"|(?P<Hang>[\p{Script=Hangul}][\p{Script=Hangul}\p{M}]*)"
    r"|(?P<Grek>[\p{Script=Greek}][\p{Script=Greek}\p{M}]*)"
    r"|(?P<Arab>[\p{Script=Arabic}][\p{Script=Arabic}\p{M}]*)"
    r"|(?P<Hebr>[\p{Script=Hebrew}][\p{Script=Hebrew}\p{M}]*)"
    r"|(?P<Deva>[\p{Script=Devanagari}][\p{Script=Devanagari}\p{M}]*)"
    r"|(?P<Thai>[\p{Script=Thai}][\p{Script=Thai}\p{M}]*)"
    r"|(?P<Geor>[\p{Script=Georgian}][\p{Script=Georgian}\p{M}]*)"
    r"|(?P<Armn>[\p{Script=Armenian}][\p{Script=Armenian}\p{M}]*)"
    r"|(?P<Zzzz>\p{L}[\p{L}\p{M}]*)",
    regex.V1,
)
# A character that starts a segment of another script than Latin (Latin comes
# first in _SEGMENT, so its letters never do): without one, the text is one run.
_OTHER_SCRIPT = regex.compile(
    r"[[\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆\p{Script=Hangul}"
    r"\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Thai}"
    r"\p{Script=Georgian}\p{Script=Armenian}\p{L}]--\p{Script=Latin}]",
    regex.V1,
)
_LATIN = regex.compile(r"\p{Script=Latin}")
_KANA = regex.compile(r"[\p{Script=Hiragana}\p{Script=Katakana}]")

# Candidate languages per script, the most common on the web first: that one is
# the answer when nothing else can be told.  Latin is every language a backend
# knows that is not listed under another script.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Cyrl": ("ru", "uk", "bg", "sr", "be", "kk", "mk", "ky", "mn", "tg", "tt", "ba"),
    "Hani": ("zh", "ja"),
    "Hang": ("ko",),
    "Grek": ("el",),
    "Arab": ("ar", "fa", "ur", "ps", "ug", "sdh"),
    "Hebr": ("he",),
    "Deva": ("hi", "mr", "ne", "sa"),
    "Thai": ("th",),
    "Geor": ("ka",),
    "Armn": ("hy",),
}
LATIN_FALLBACK = "en"
_NON_LATIN = {lang for langs in SCRIPT_LANGUAGES.values() for lang in langs} | {
    "zxx", "grc", "hbo", "ary", "arz", "yue", "wuu", "bn", "as", "gu", "pa", "or", "ta",
    "te", "kn", "ml", "si", "lo", "km", "my", "am", "dz", "gom",
}

# Letters that settle or narrow a Cyrillic run (lower case).
_CYRILLIC_ONLY = (
    ("їєґ", {"uk"}),
    ("ў", {"be"}),
    ("әғқңөұүһ", {"kk"}),
    ("ђћџ", {"sr"}),
    ("ѓќѕ", {"mk"}),
    ("јљњ", {"sr", "mk"}),
)
_CYRILLIC_NOT = (
    ("ыэё", {"uk", "bg", "sr", "mk"}),
    ("ъ", {"uk", "be", "sr", "mk"}),
    ("і", {"ru", "bg", "sr", "mk"}),
    ("щ", {"be", "sr", "mk"}),
    ("и", {"be"}),
)


_SCRIPT_OF = {lang: script for script, langs in SCRIPT_LANGUAGES.items() for lang in langs}


def script_of(lang: str) -> str:
    """The writing system a language is mostly written in (Latin unless listed).

    >>> script_of("uk"), script_of("ja"), script_of("pl")
    ('Cyrl', 'Hani', 'Latn')
    """
    return _SCRIPT_OF.get(lang, "Latn")


class Backend(Protocol):
    """A statistical language identifier."""

    name: str

    def scores(self, text: str) -> list[tuple[str, float]]:
        """All languages it can tell, with probabilities, best first."""
        ...


class Py3LangidBackend:
    """py3langid (a fast naive Bayes over byte n-grams, 140 languages)."""

    name = "py3langid"

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._lock = threading.Lock()  # rank() walks shared numpy buffers

    def scores(self, text: str) -> list[tuple[str, float]]:
        with self._lock:
            return self._identifier.rank(text)

    def best(self, text: str) -> tuple[str, float]:
        """The top language alone (optional for backends; used for Latin runs)."""
        with self._lock:
            return self._identifier.classify(text)


class LangdetectBackend:
    """langdetect, seeded on its own factory so the same text gives the same answer."""

    name = "langdetect"

    def __init__(self, seed: int = 0) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.seed = seed

    def scores(self, text: str) -> list[tuple[str, float]]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:  # no letters it knows: digits, URLs, emoji
            return []
        return [(lang.lang.split("-")[0], lang.prob) for lang in found]


class LinguaBackend:
    """lingua (optional: ``pip install lingua-language-detector``), low-accuracy mode."""

    name = "lingua"

    def __init__(self) -> None:
        try:
            from lingua import LanguageDetectorBuilder
        except ImportError:
            raise ImportError(
                "the lingua backend needs lingua-language-detector: pip install lingua-language-detector"
            ) from None
        self._detector = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def scores(self, text: str) -> list[tuple[str, float]]:
        return [
            (value.language.iso_code_639_1.name.lower(), value.value)
            for value in self._detector.compute_language_confidence_values(text)
        ]


BACKENDS = {"py3langid": Py3LangidBackend, "langdetect": LangdetectBackend, "lingua": LinguaBackend}
DEFAULT_BACKEND = "py3langid"


def make_backend(backend: str | Backend | None = None) -> Backend:
    """A backend by name (see ``BACKENDS``), or the object itself."""
    if backend is None:
        backend = DEFAULT_BACKEND
    if isinstance(backend, str):
        try:
            return BACKENDS[backend]()
        except KeyError:
            raise ValueError(f"unknown detector {backend!r}; choose one of {', '.join(BACKENDS)}") from None
    return backend


class Detector:
    """Script rules plus a statistical backend; one per `Cleaner`, loaded once.

    ``languages`` narrows the answers to the languages a crawl is known to hold
    (a run whose script none of them is written in keeps its script's choices).
    """

    def __init__(self, backend: str | Backend | None = None, languages: Iterable[str] | None = None) -> None:
        self._backend_arg = backend
        self._backend: Backend | None = None
        self._lock = threading.Lock()
        self._memo: dict[tuple, tuple[str, float]] = {}
        self.languages = frozenset(languages) if languages else None

    @property
    def name(self) -> str:
        arg = self._backend_arg
        return arg if isinstance(arg, str) else getattr(arg, "name", DEFAULT_BACKEND)

    @property
    def backend(self) -> Backend:
        # Loaded on first use: a page of one script never needs the model.
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = make_backend(self._backend_arg)
        return self._backend

    def tag(self, runs: list[Run], chrome: Iterable[Run] = ()) -> None:
        """Give every run a language: long runs on their own, short ones after the page.

        ``chrome``: runs of what was already removed (pruned boxes).  They get a
        language only where short runs of their script have no long run to
        follow but theirs: a Russian interface's short labels left in an
        English article are Russian because its removed boxes are.
        """
        pending = []
        seen: dict[str, Counter[str]] = {}  # script -> languages of its long runs so far
        for run in runs:
            candidates = self._narrow(run, _candidates(run))
            if not self._tag_alone(run, candidates, seen):
                pending.append((run, candidates))
        priors = _script_priors(runs)
        orphans = {run.script for run, _ in pending} - priors.keys()
        if lenders := [run for run in chrome if run.script in orphans and run.letters >= STAT_MIN_LETTERS]:
            for run in lenders:
                self._tag_alone(run, self._narrow(run, _candidates(run)), seen)
            priors = _script_priors(runs + lenders)
        for run, candidates in pending:
            prior = priors.get(run.script)
            if prior is not None and (candidates is None or prior in candidates):
                run.lang, run.confidence = prior, 0.6
            elif run.letters >= GUESS_MIN_LETTERS:
                lang, confidence = self._classify(run, candidates)
                run.lang, run.confidence = lang, round(confidence * 0.5, 4)
            else:
                run.lang, run.confidence = _fallback(run.script, candidates), 0.2

    def _tag_alone(self, run: Run, candidates: tuple[str, ...] | None, seen: dict[str, Counter[str]]) -> bool:
        """Tag a run its alphabet or, when long enough, the backend can tell; False for one that must follow the page."""
        if candidates is not None and len(candidates) <= 1:
            run.lang = candidates[0] if candidates else UNDETERMINED
            run.confidence = 0.99 if candidates else 0.0
        elif run.letters >= STAT_MIN_LETTERS:
            langs = seen.setdefault(run.script, Counter())
            run.lang, run.confidence = self._classify(run, candidates, _settled(langs))
            langs[run.lang] += 1
        else:
            return False
        return True

    def _narrow(self, run: Run, candidates: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if self.languages is None or candidates == ():
            return candidates
        if candidates is None:
            same_script = (lambda lang: lang not in _NON_LATIN) if run.script == "Latn" else (lambda lang: True)
            narrowed = tuple(sorted(lang for lang in self.languages if same_script(lang)))
        else:
            narrowed = tuple(lang for lang in candidates if lang in self.languages)
        return narrowed or candidates

    def _classify(
        self, run: Run, candidates: tuple[str, ...] | None, settled: str | None = None
    ) -> tuple[str, float]:
        if settled is not None:
            # The page's runs of this script agree so far: a sentence's worth confirms it.
            lang, confidence = self._classify_text(run.script, run.text[:CONFIRM_CHARS], candidates)
            if lang == settled:
                return lang, confidence
        return self._classify_text(run.script, run.text[:BACKEND_MAX_CHARS], candidates)

    def _classify_text(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str, float]:
        # The same text is asked about again and again: captions and labels
        # repeated on a page, a site's boilerplate on every page of a crawl.
        # The answer depends on nothing else, so a bounded memo returns it.
        key = (script, text, candidates)
        found = self._memo.get(key)
        if found is None:
            found = self._ask_backend(script, text, candidates)
            with self._lock:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))  # the oldest answer
                self._memo[key] = found
        return found

    def _ask_backend(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str, float]:
        best = getattr(self.backend, "best", None)
        if candidates is None and script == "Latn" and best is not None:
            lang, p = best(text)  # one answer is cheaper than a ranking, and usually Latin already
            if lang not in _NON_LATIN:
                return lang, round(p, 4)
        if candidates is not None:
            allowed = set(candidates).__contains__
        elif script == "Latn":
            allowed = lambda lang: lang not in _NON_LATIN  # noqa: E731
        else:
            allowed = lambda lang: lang != "zxx"  # noqa: E731
        ranked = [(lang, p) for lang, p in self.backend.scores(text) if allowed(lang)]
        total = sum(p for _, p in ranked)
        if not ranked or total <= 0:
            return _fallback(script, candidates), 0.2
        lang, p = ranked[0]
        return lang, round(p / total, 4)


def script_runs(text: str, offset: int = 0) -> list[Run]:
    """Cut ``text`` where the writing system changes; no languages yet.

    >>> [(r.text, r.script) for r in script_runs("aggression.Изображение, созданное ИИ")]
    [('aggression.', 'Latn'), ('Изображение, созданное ИИ', 'Cyrl')]
    """
    if not text:
        return []
    if text.isascii():  # most of the web: one Latin run, or none
        script = "Latn" if any(map(str.isalpha, text)) else "Zyyy"
        return [Run(text, script, offset, offset + len(text))]
    if not _OTHER_SCRIPT.search(text):  # Latin with curly quotes and dashes: the same, found faster
        return [Run(text, "Latn" if _LATIN.search(text) else "Zyyy", offset, offset + len(text))]
    return _segment_runs(text, offset)


def _segment_runs(text: str, offset: int) -> list[Run]:
    segments = [(m.lastgroup, m.start()) for m in _SEGMENT.finditer(text)]
    if not segments:
        return [Run(text, "Zyyy", offset, offset + len(text))] if text else []
    runs: list[Run] = []
    script, start = segments[0][0], 0
    for next_script, at in segments[1:]:
        if next_script != script:
            runs.append(Run(text[start:at], script, offset + start, offset + at))
            script, start = next_script, at
    runs.append(Run(text[start:], script, offset + start, offset + len(text)))
    return runs


def detect(doc: Document, context: Context) -> Document:
    """Stage 4: tag every run, block (the title too) and the document with a language and a
    confidence.  Reads block text and ``dropped`` (pruned chrome); writes ``runs``, block
    ``lang`` and ``confidence``, and ``language``."""
    detector = context.detector
    tagged = doc.all_blocks()
    runs, chrome = [], []
    for block in tagged:
        block.runs = script_runs(block.text, block.start)
        (chrome if block.dropped else runs).extend(block.runs)
    detector.tag(runs, chrome)  # what was pruned is chrome: no language of its own needed
    for block in tagged:
        block.lang, block.confidence = majority_language(block.runs)
    kept = [b for b in doc.blocks if not b.dropped] or doc.blocks
    article = [b for b in kept if sum(r.letters for r in b.runs) >= ARTICLE_MIN_LETTERS]
    doc.language, _ = majority_language(
        run for block in (article or kept) for run in block.runs
    )
    return doc


def language_runs(text: str, *, detector: Detector | None = None) -> list[Run]:
    """Language runs of a text, offsets into it.

    >>> [(r.text, r.lang) for r in language_runs("Сообщено ИИ China and Russia coordinate on Japan")]
    [('Сообщено ИИ ', 'ru'), ('China and Russia coordinate on Japan', 'en')]
    """
    runs = script_runs(text)
    (detector or default_detector()).tag(runs)
    return runs


def detect_language(
    text: str, *, backend: str | Backend | None = None, languages: Iterable[str] | None = None
) -> str:
    """ISO 639-1 code of the text's main language, or ``"und"`` where it has no letters.

    >>> detect_language("Это сайт использует куки")
    'ru'
    >>> detect_language("Ćwiczenia", languages=["pl", "cs", "en"])
    'pl'
    """
    detector = _detector_for(backend or DEFAULT_BACKEND, languages)
    runs = script_runs(text)
    detector.tag(runs)
    return majority_language(runs)[0]


_DETECTORS: dict[object, Detector] = {}


def default_detector() -> Detector:
    return _detector_for(DEFAULT_BACKEND)


def _detector_for(backend: str | Backend, languages: Iterable[str] | None = None) -> Detector:
    key = (backend if isinstance(backend, str) else id(backend), frozenset(languages or ()))
    if key not in _DETECTORS:
        _DETECTORS[key] = Detector(backend, languages)
    return _DETECTORS[key]


def _candidates(run: Run) -> tuple[str, ...] | None:
    """The languages a run can be in; None for any language of its script."""
    if run.script == "Zyyy":
        return ()
    if run.script in ("Latn", "Zzzz"):
        return None
    if run.script == "Hani" and _KANA.search(run.text):
        return ("ja",)
    langs = SCRIPT_LANGUAGES[run.script]
    if run.script == "Cyrl":
        return _cyrillic_candidates(run.text.lower(), langs)
    return langs


def _fallback(script: str, candidates: tuple[str, ...] | None) -> str:
    if candidates:
        return candidates[0]
    return LATIN_FALLBACK if script == "Latn" else UNDETERMINED


def _cyrillic_candidates(text: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    allowed = set(langs)
    for letters, only in _CYRILLIC_ONLY:
        if any(ch in text for ch in letters):
            allowed &= only
    for letters, never in _CYRILLIC_NOT:
        if any(ch in text for ch in letters):
            allowed -= never
    narrowed = tuple(lang for lang in langs if lang in allowed)
    return narrowed or langs  # contradicting letters (a mixed word): keep every choice


def _settled(langs: Counter[str]) -> str | None:
    """The language the long runs of a script so far agree on, if they do."""
    if not langs:
        return None
    (lang, count), = langs.most_common(1)
    return lang if count >= SETTLE_RUNS and count >= SETTLE_SHARE * langs.total() else None


def _script_priors(runs: Iterable[Run]) -> dict[str, str]:
    weights: dict[str, Counter[str]] = {}
    for run in runs:
        if run.letters >= STAT_MIN_LETTERS and run.lang != UNDETERMINED:
            weights.setdefault(run.script, Counter())[run.lang] += run.letters
    return {script: counter.most_common(1)[0][0] for script, counter in weights.items()}


def majority_language(runs: Iterable[Run]) -> tuple[str, float]:
    """The language most letters are in, with its share times its mean confidence."""
    weights: dict[str, int] = {}  # plain dicts: this runs for every block and segment
    confidence: dict[str, float] = {}
    for run in runs:
        if run.letters and (lang := run.lang) != UNDETERMINED:
            weights[lang] = weights.get(lang, 0) + run.letters
            confidence[lang] = confidence.get(lang, 0.0) + run.letters * run.confidence
    if not weights:
        return UNDETERMINED, 0.0
    lang = max(weights, key=weights.__getitem__)  # the first of equals, as Counter.most_common
    weight = weights[lang]
    share = weight / sum(weights.values())
    return lang, round(share * confidence[lang] / weight, 4)
