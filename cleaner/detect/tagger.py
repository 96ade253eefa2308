"""The `Detector`: every run tagged with a language, long runs alone, short runs after the page.

A run whose letters leave one candidate is tagged by its alphabet.  A long run
asks the backend (a bounded memo answers repeats; once a script's long runs
agree, later ones are only confirmed on their first sentence).  A short run
takes the language of its script's long runs on the page, its prior.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..config import DetectConfig
from ..document import UNDETERMINED, Run
from .backends import DEFAULT_BACKEND, Backend, make_backend
from .scripts import NON_LATIN, candidates_of, fallback_language


class Detector:
    """Script rules plus a statistical backend; one per `Cleaner`, loaded once.

    Its settings are a `DetectConfig`: the backend, and ``languages``, which
    narrows the answers to the languages a crawl is known to hold (a run whose
    script none of them is written in keeps its script's choices).  It pickles
    as its config: the memo starts empty and the model loads again on first use.
    """

    def __init__(self, config: DetectConfig = DetectConfig()) -> None:
        self.config = config
        self._backend: Backend | None = None
        self._lock = threading.Lock()
        self._memo: dict[tuple, tuple[str, float]] = {}
        self.languages = frozenset(config.languages) if config.languages else None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])  # type: ignore[misc]

    @property
    def name(self) -> str:
        arg = self.config.backend
        return arg if isinstance(arg, str) else getattr(arg, "name", DEFAULT_BACKEND)

    @property
    def backend(self) -> Backend:
        # Loaded on first use: a page of one script never needs the model.
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = make_backend(self.config.backend)
        return self._backend

    def tag(self, runs: list[Run], chrome: Iterable[Run] = ()) -> None:
        """Give every run a language: long runs on their own, short ones after the page.

        ``chrome``: runs of what was already removed (pruned boxes).  They get a
        language only where short runs of their script have no long run to
        follow but theirs: a Russian interface's short labels left in an
        English article are Russian because its removed boxes are.
        """
        stat_min_letters = self.config.stat_min_letters
        pending = []
        seen: dict[str, Counter[str]] = {}  # script -> languages of its long runs so far
        for run in runs:
            candidates = self._narrow(run, candidates_of(run))
            if not self._tag_alone(run, candidates, seen):
                pending.append((run, candidates))
        priors = _script_priors(runs, stat_min_letters)
        orphans = {run.script for run, _ in pending} - priors.keys()
        if lenders := [run for run in chrome if run.script in orphans and run.letters >= stat_min_letters]:
            for run in lenders:
                self._tag_alone(run, self._narrow(run, candidates_of(run)), seen)
            priors = _script_priors(runs + lenders, stat_min_letters)
        guess_min_letters = self.config.guess_min_letters
        for run, candidates in pending:
            prior = priors.get(run.script)
            if prior is not None and (candidates is None or prior in candidates):
                run.lang, run.confidence = prior, 0.6
            elif run.letters >= guess_min_letters:
                lang, confidence = self._classify(run, candidates)
                run.lang, run.confidence = lang, round(confidence * 0.5, 4)
            else:
                run.lang, run.confidence = fallback_language(run.script, candidates), 0.2

    def _tag_alone(self, run: Run, candidates: tuple[str, ...] | None, seen: dict[str, Counter[str]]) -> bool:
        """Tag a run its alphabet or, when long enough, the backend can tell; False for one that must follow the page."""
        if candidates is not None and len(candidates) <= 1:
            run.lang = candidates[0] if candidates else UNDETERMINED
            run.confidence = 0.99 if candidates else 0.0
        elif run.letters >= self.config.stat_min_letters:
            langs = seen.setdefault(run.script, Counter())
            run.lang, run.confidence = self._classify(run, candidates, self._settled(langs))
            langs[run.lang] += 1
        else:
            return False
        return True

    def _settled(self, langs: Counter[str]) -> str | None:
        """The language the long runs of a script so far agree on, if they do."""
        if not langs:
            return None
        (lang, count), = langs.most_common(1)
        config = self.config
        return lang if count >= config.settle_runs and count >= config.settle_share * langs.total() else None

    def _narrow(self, run: Run, candidates: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if self.languages is None or candidates == ():
            return candidates
        if candidates is None:
            same_script = (lambda lang: lang not in NON_LATIN) if run.script == "Latn" else (lambda lang: True)
            narrowed = tuple(sorted(lang for lang in self.languages if same_script(lang)))
        else:
            narrowed = tuple(lang for lang in candidates if lang in self.languages)
        return narrowed or candidates

    def _classify(
        self, run: Run, candidates: tuple[str, ...] | None, settled: str | None = None
    ) -> tuple[str, float]:
        if settled is not None:
            # The page's runs of this script agree so far: a sentence's worth confirms it.
            lang, confidence = self._classify_text(run.script, run.text[:self.config.confirm_chars], candidates)
            if lang == settled:
                return lang, confidence
        return self._classify_text(run.script, run.text[:self.config.backend_max_chars], candidates)

    def _classify_text(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str, float]:
        # The same text is asked about again and again: captions and labels
        # repeated on a page, a site's boilerplate on every page of a crawl.
        # The answer depends on nothing else, so a bounded memo returns it.
        key = (script, text, candidates)
        found = self._memo.get(key)
        if found is None:
            found = self._ask_backend(script, text, candidates)
            with self._lock:
                if len(self._memo) >= self.config.memo_size:
                    self._memo.pop(next(iter(self._memo)))  # the oldest answer
                self._memo[key] = found
        return found

    def _ask_backend(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str, float]:
        best = getattr(self.backend, "best", None)
        if candidates is None and script == "Latn" and best is not None:
            lang, p = best(text)  # one answer is cheaper than a ranking, and usually Latin already
            if lang not in NON_LATIN:
                return lang, round(p, 4)
        if candidates is not None:
            allowed = set(candidates).__contains__
        elif script == "Latn":
            allowed = lambda lang: lang not in NON_LATIN  # noqa: E731
        else:
            allowed = lambda lang: lang != "zxx"  # noqa: E731
        ranked = [(lang, p) for lang, p in self.backend.scores(text) if allowed(lang)]
        total = sum(p for _, p in ranked)
        if not ranked or total <= 0:
            return fallback_language(script, candidates), 0.2
        lang, p = ranked[0]
        return lang, round(p / total, 4)


def _script_priors(runs: Iterable[Run], min_letters: int) -> dict[str, str]:
    """Per script, the language most letters of its long (``min_letters``) runs are in."""
    weights: dict[str, Counter[str]] = {}
    for run in runs:
        if run.letters >= min_letters and run.lang != UNDETERMINED:
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
