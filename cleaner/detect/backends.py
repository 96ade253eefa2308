"""Statistical language identifiers behind one protocol, chosen by name.

A backend is anything with a ``name`` and a ``scores(text)`` method that
returns ``[(lang, probability), ...]`` best first; ``best(text)``, the top
language alone, is optional (it is cheaper, and used for Latin runs), and so
are ``best_among`` and ``decided``/``rank_among`` (a few languages' scores,
for runs whose letters leave a few).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, cast

from ..config import DetectConfig


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
        from .models import py3langid_identifier

        self._identifier = py3langid_identifier(norm_probs=True)  # mapped from the user's cache: milliseconds
        self._lock = threading.Lock()  # rank() walks shared numpy buffers
        self._among: dict[tuple[str, ...] | None, tuple[Any, list[str]]] = {}  # rank_among's columns, by languages

    def scores(self, text: str) -> list[tuple[str, float]]:
        with self._lock:
            return cast("list[tuple[str, float]]", self._identifier.rank(text))  # py3langid has no type hints

    def best(self, text: str) -> tuple[str, float]:
        """The top language alone (optional for backends; used for Latin runs)."""
        with self._lock:
            return cast("tuple[str, float]", self._identifier.classify(text))

    def best_among(self, text: str, langs: tuple[str, ...]) -> tuple[str, float, float] | None:
        """The best of ``langs``, its score and their sum (optional for backends; used for runs
        whose letters leave a few languages); None when it knows none of them."""
        ranked = self.rank_among(self.decided(text), langs)
        if not ranked:
            return None
        # Summed best first, as over ``scores``'s list: the same float to the last bit.
        return ranked[0][0], ranked[0][1], sum(p for _, p in ranked)

    def decided(self, text: str) -> Any:
        """The model's scores of ``text``, for `rank_among` (optional for backends, with it)."""
        with self._lock:
            return self._identifier._decide(text)

    def rank_among(self, decided: Any, langs: tuple[str, ...] | None) -> list[tuple[str, float]]:
        """What ``scores`` gives for the text ``decided`` was made from, filtered to ``langs``
        (None: all of it): their entries alone, best first, equal ones in the model's order
        (a short run asks twice, among a few languages each time, and ranking all 97 cost
        more than the rest)."""
        found = self._among.get(langs)
        if found is None:
            import numpy as np  # loaded with the model already; not at import (a Cleaner starts without it)

            with self._lock:
                wanted, first = None if langs is None else set(langs), dict[str, int]()
                for column, lang in enumerate(self._identifier.nb_classes):
                    if wanted is None or lang in wanted:
                        first.setdefault(lang, column)  # a label's first column, as ``scores`` reads it
                found = self._among[langs] = (np.fromiter(first.values(), dtype=np.intp, count=len(first)), list(first))
        columns, labels = found
        values = decided[columns]
        order = (-values).argsort(kind="stable").tolist()  # as ``scores``: a stable sort, best first
        scores = values.tolist()
        return [(labels[i], scores[i]) for i in order]


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


BACKENDS: dict[str, Callable[[], Backend]] = {
    "py3langid": Py3LangidBackend, "langdetect": LangdetectBackend, "lingua": LinguaBackend}
DEFAULT_BACKEND: str = DetectConfig.backend


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
