"""The `Detector`: every run tagged with a language, long runs alone, short runs after the page.

A run whose letters leave one candidate is tagged by its alphabet
(``by="alphabet"``).  A long run (``long_min_letters``) asks the backend
(``"model"``; a bounded memo answers repeats; once a script's long runs agree,
later ones are only confirmed on their first sentence).  A short run chooses
among the languages its page is in for its script: the long runs', the
declared ones, the packs' phrases found on the page, and what the page's
short runs say on their own and read together.  With one choice it takes it
(``"page"``); a phrase of the packs decides (``"phrase"``); otherwise its own
scores times a prior from the page's other short runs (``"page+model"``):
an interface's labels look like its other labels, not like the article.
With no page to go by, a short run is guessed among its script's common
languages (``"model"``), or given its script's usual one (``"fallback"``).
Wherever a short text's own scores leave two close neighbours (ru/bg/sr,
es/pt) nearly equal, they are first reweighed by how often each language
writes its words (`cleaner.detect.lexicon`).
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from ..config import DetectConfig
from ..document import UNDETERMINED, Run
from .backends import DEFAULT_BACKEND, Backend, make_backend
from .evidence import PageEvidence
from .lexicon import neighbours, shared_lexicon
from .scripts import COMMON_LANGUAGES, COMMON_RANK, NON_LATIN, candidates_of, fallback_language, script_of


# A script one language writes far more than all its neighbours together: about
# nine Cyrillic web pages in ten are Russian.  A short text of words both it and
# the favourite write, about as often (Работа Н., Пекин, Пекин), says nothing of
# which of them it is in; a backend's n-grams of those same words say no more,
# and the dominant language is the likelier.  "About as often": the words at
# most ``10 ** NEAR_FLAT_LOG_ODDS`` times likelier in the favourite («Много
# благодаря» is 7 times likelier Bulgarian, and stays so).  Set on half a of
# bench/langid.py, texts of two words or more: a factor of 2 or 3 gains one
# word pair and loses one, 5 gains two and loses two.  On single words it
# traded Bulgarian and Ukrainian words for Russian ones (2: +11, -5): a word
# alone keeps its scores.  Latin has no such language (English writes about
# half of it), and the same rule took French word pairs for English.
DOMINANT = {"Cyrl": "ru"}
NEAR_FLAT_LOG_ODDS = math.log10(2)


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
        # Backend answers, rankings and guesses, by what was asked, oldest first.  An
        # OrderedDict: a full memo drops its oldest entry on every insert, and a plain
        # dict finds its first entry by stepping over the slots of those dropped
        # before it (~2 us an insert at 4096 entries; popitem: 0.2).
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
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

    def tag(self, runs: list[Run], chrome: Iterable[Run] = (), evidence: PageEvidence | None = None) -> None:
        """Give every run a language: long runs on their own, short ones after the page.

        ``chrome``: runs of what was already removed (pruned boxes).  They get a
        language only where short runs of their script have no long run to
        follow but theirs: a Russian interface's short labels left in an
        English article are Russian because its removed boxes are.
        ``evidence``: what the page declares, and its phrase lexicon
        (`cleaner.detect.evidence`).
        """
        evidence = evidence or PageEvidence()
        pending = []
        seen: dict[str, dict[str, int]] = {}  # script -> languages of its long runs so far, in order met
        for run in runs:
            candidates = self._narrow(run, candidates_of(run))
            if not self._tag_alone(run, candidates, seen):
                pending.append((run, candidates))
        self._rare_to_page(runs)
        if not pending:
            return
        long_min = self.config.long_min_letters
        orphans = {run.script for run, _ in pending} - {r.script for r in runs if r.letters >= long_min}
        lenders = [run for run in chrome if run.script in orphans and run.letters >= long_min]
        for run in lenders:
            self._tag_alone(run, self._narrow(run, candidates_of(run)), seen)
        page, established = self._page_languages(runs + lenders, pending, evidence)
        for run, candidates in pending:
            self._tag_short(run, candidates, page.get(run.script), evidence)
            if run.by in ("page", "page+model") and (run.script, run.lang) not in established:
                # Only the page's other short runs say so: names, codes and
                # labels alike.  Too little to act on (the rules drop short
                # lines of another language only when the tag is confident).
                run.confidence = round(run.confidence * self.config.unestablished_factor, 4)
                if run.by == "page":
                    run.by = "model"  # the one choice came from the backend's guesses, not the page

    def _rare_to_page(self, runs: list[Run]) -> None:
        """Long runs tagged a rare language that the page's other long runs of the script outweigh
        in a common one: each is retagged the common one where its own scores, times the
        letters each language holds on the page, favour it.

        py3langid reads an English headline as Nigerian Pidgin ("Malawians and
        Nigerians flee South Africa amid xenophobic threats": pcm 0.93, en 0.07),
        a list of names as Bikol or Latin.  The page's letters are the prior: a
        headline in a 3,000-letter English page needs its English score at a
        fiftieth of the rare one's; a paragraph truly in the rare language,
        scored far apart, keeps its tag.  Common languages are left alone: a
        Ukrainian quote in a Russian article is what the tags are for.
        """
        long_min = self.config.long_min_letters
        letters: dict[str, dict[str, int]] = {}
        rare = []
        for run in runs:
            if run.by == "model" and run.letters >= long_min:
                held = letters.setdefault(run.script, {})
                held[run.lang] = held.get(run.lang, 0) + run.letters
                common = COMMON_LANGUAGES.get(run.script)
                if common is not None and run.lang not in common and run.lang != UNDETERMINED:
                    rare.append(run)
        for run in rare:
            held, common = letters[run.script], COMMON_LANGUAGES[run.script]
            page = max((lang for lang in held if lang in common), key=held.__getitem__, default=None)
            if page is None or held[page] <= held[run.lang]:
                continue
            if (letters_allow := candidates_of(run)) is not None and page not in letters_allow:
                continue  # its letters rule the page's language out (Tatar ә in a Russian page)
            scores = self._among(run.script, run.text, (run.lang, page))
            mine, theirs = scores.get(run.lang, 0.0) * held[run.lang], scores.get(page, 0.0) * held[page]
            if theirs > mine:
                run.lang, run.confidence, run.by = page, round(0.9 * theirs / (theirs + mine), 4), "page+model"

    def _tag_alone(self, run: Run, candidates: tuple[str, ...] | None, seen: dict[str, dict[str, int]]) -> bool:
        """Tag a run its alphabet or, when long enough, the backend can tell; False for one that must follow the page."""
        if candidates is not None and len(candidates) <= 1:
            run.lang = candidates[0] if candidates else UNDETERMINED
            run.confidence = 0.99 if candidates else 0.0
            run.by = "alphabet"
        elif run.letters >= self.config.long_min_letters:
            langs = seen.get(run.script)
            if langs is None:
                langs = seen[run.script] = {}  # a plain dict: a Counter is built in Python, each call
            run.lang, run.confidence = self._classify(run, candidates, self._settled(langs))
            run.by = "model"
            langs[run.lang] = langs.get(run.lang, 0) + 1
        else:
            return False
        return True

    def _page_languages(
        self, runs: list[Run], pending: list[tuple[Run, tuple[str, ...] | None]], evidence: PageEvidence
    ) -> tuple[dict[str, Counter[str]], set[tuple[str, str]]]:
        """Per script, the languages the page is in, weighed in letters of its short runs;
        and the (script, lang) pairs established by more than short runs' guesses.

        Long runs count their letters; a declared language, a phrase of the
        packs, each short run's own best guess among the common languages, and
        the short runs read together (an interface's labels tell their
        language together where one alone cannot) count too.
        """
        config = self.config
        page: dict[str, Counter[str]] = {}
        told: set[str] = set()  # scripts whose long runs' letters told their language: Han with kana
        for run in runs:
            if run.letters < config.long_min_letters or run.lang == UNDETERMINED:
                continue
            # A Japanese page's runs hold kana, and its lines of kanji alone ("編集委員 中沢克二")
            # look Chinese to n-grams: they follow the kana, not their own guesses.  (Elsewhere
            # a letter that names the article's language, Ukrainian ї, would only pull a
            # Russian interface's labels to it.)
            kana = run.by == "alphabet" and run.script == "Hani"
            if run.by == "model" or kana:
                # Present, but the article's length says nothing of what its labels are in.
                page.setdefault(run.script, Counter())[run.lang] = config.long_weight
            if kana:
                told.add(run.script)
        for lang, source in evidence.declared_languages().items():
            if self.languages is None or lang in self.languages:
                weight = config.tld_weight if source == "tld" else config.declared_weight
                page.setdefault(script_of(lang), Counter())[lang] += weight
        established = {(script, lang) for script, counter in page.items() for lang in counter}
        pooled: dict[str, list[Run]] = {}
        votes: dict[str, dict[str, float]] = {}
        voters: list[tuple[Run, tuple[str, ...] | None]] = []
        for run, candidates in pending:
            if not run.letters:
                continue
            phrase_langs = evidence.phrases(run.text)
            if phrase_langs:
                for lang in phrase_langs:
                    if script_of(lang) == run.script or (run.script == "Latn" and lang not in NON_LATIN):
                        page.setdefault(run.script, Counter())[lang] += run.letters
                        established.add((run.script, lang))
                continue
            if run.script in told:
                continue
            pooled.setdefault(run.script, []).append(run)
            if run.letters >= config.guess_min_letters:
                voters.append((run, candidates))
        for run, candidates in voters:
            # A single word votes only when it has no other short run to be read with: the pool reads it.
            if run.letters >= config.stat_min_letters or len(pooled[run.script]) == 1:
                guess, p = self._guess(run.script, run.text, candidates)
                if guess is not None:
                    votes.setdefault(run.script, {})
                    votes[run.script][guess] = votes[run.script].get(guess, 0.0) + run.letters * p
        for script, counter in votes.items():
            total = sum(counter.values())
            for lang, vote in counter.items():
                if vote >= config.vote_min_letters and vote >= config.vote_min_share * total:
                    page.setdefault(script, Counter())[lang] += round(vote)
        for script, short in pooled.items():
            if len(short) == 1:
                continue  # one run read together is the run read alone: its vote counted it
            text, letters = _pool(short, config.backend_max_chars)
            if letters < config.stat_min_letters:
                continue
            pooled_lang, p = self._guess(script, text, self._narrow(short[0], candidates_of(Run(text, script, 0, len(text)))))
            if pooled_lang is not None and p >= config.pool_min_confidence:
                page.setdefault(script, Counter())[pooled_lang] += letters
        return page, established

    def _tag_short(
        self, run: Run, candidates: tuple[str, ...] | None, page: Counter[str] | None, evidence: PageEvidence
    ) -> None:
        """A short run's language: one of its page's languages (for its script), chosen by its own scores."""
        allowed = (lambda lang: True) if candidates is None else set(candidates).__contains__
        options = [lang for lang, _ in page.most_common() if allowed(lang)] if page else []
        if not options:
            lang, confidence = self._guess(run.script, run.text, candidates) if run.letters >= self.config.guess_min_letters else (None, 0.0)
            if lang is not None:
                run.lang, run.confidence, run.by = lang, round(confidence * 0.5, 4), "model"
            else:
                run.lang, run.confidence, run.by = fallback_language(run.script, candidates), 0.2, "fallback"
            return
        phrases = evidence.phrases(run.text) if run.letters else frozenset()
        phrase_langs = [lang for lang in options if lang in phrases]
        if phrase_langs:
            run.lang, run.confidence, run.by = phrase_langs[0], 0.9, "phrase"
        elif len(options) == 1 or run.letters < self.config.guess_min_letters:
            confidence = 0.6
            if run.letters >= self.config.stat_min_letters:  # long enough for its own score to say how sure
                confidence = max(confidence, round(self._among(run.script, run.text, candidates).get(options[0], 0.0), 4))
            run.lang, run.confidence, run.by = options[0], confidence, "page"
        elif page is not None:
            lang, confidence = self._choose(run, tuple(options), page)
            run.lang, run.confidence, run.by = lang, confidence, "page+model"

    def _choose(self, run: Run, options: tuple[str, ...], page: Counter[str]) -> tuple[str, float]:
        """The backend's favourite among the page's languages, leaning to the page's main ones."""
        scores = self._among(run.script, run.text, options)
        floor = self.config.prior_floor * sum(page[lang] for lang in options) / len(options)
        mixed = {lang: scores.get(lang, 0.0) * (page[lang] + floor) for lang in options}
        total = sum(mixed.values())
        if total <= 0:
            return options[0], 0.5
        lang = max(options, key=mixed.__getitem__)  # options: the page's main one first
        return lang, round(0.9 * mixed[lang] / total, 4)

    def _among(self, script: str, text: str, options: tuple[str, ...] | None) -> dict[str, float]:
        """The backend's probabilities of ``options`` for ``text``, summing to 1 (empty if none scored)."""
        read = text[:self.config.backend_max_chars]
        among = getattr(self.backend, "rank_among", None)
        if among is not None:
            # A short run asks twice, among other languages (its vote, its own
            # tag): the text is scored once, and only the languages asked about ranked.
            ranked = among(self._decided(read), options)
        else:
            ranked = zip(*self._ranked(script, read))
        if options is None:
            scores = {lang: p for lang, p in ranked if lang not in NON_LATIN} if script == "Latn" else dict(ranked)
        else:
            wanted = set(options)
            scores = {lang: p for lang, p in ranked if lang in wanted}
        total = sum(scores.values())
        if total <= 0:
            return {}
        scores = {lang: p / total for lang, p in scores.items()}
        return self._with_lexicon(script, text, options, scores) if self.config.lexicon else scores

    def _with_lexicon(
        self, script: str, text: str, options: tuple[str, ...] | None, scores: dict[str, float]
    ) -> dict[str, float]:
        """Scores (best first) of a short text whose two best are close neighbours (ru/bg, es/pt ...),
        reweighed by how often each writes its words (`cleaner.detect.lexicon`): those of
        its family within ``lexicon_margin`` of the best."""
        config = self.config
        if len(scores) < 2 or len(text.split(None, config.lexicon_max_words)) > config.lexicon_max_words:
            return scores
        ordered = iter(scores.items())  # best first, as the backend ranked them
        first, second = next(ordered), next(ordered)
        group = neighbours(first[0], second[0])
        least = config.lexicon_margin * first[1]
        if group is None or second[1] < least:
            return scores
        close = tuple(sorted(lang for lang, p in scores.items() if p >= least and lang in group))
        # A short run asks for its vote, then for its own tag: the same scores twice.
        key = ("lexicon", script, text, options)  # what the scores are made from
        found: dict[str, float] | None = self._memo.get(key)
        if found is None:
            found = shared_lexicon().weigh(scores, text, close, floor=config.lexicon_floor)
            self._remember(key, found)
        return found

    def _ranked(self, script: str, text: str) -> tuple[tuple[str, ...], array[float]]:
        """The backend's ranking of ``text``: its languages, best first, and their probabilities
        (for a backend without ``rank_among``; py3langid's scores are kept unranked, `_decided`).

        Kept in the memo as a tuple and an array of doubles (the same floats):
        a list of (language, probability) pairs holds a tuple and a float
        object for each of ~140 languages, 12 KB a ranking against 2 KB, and
        a long crawl fills the memo with rankings of short labels.
        """
        key = ("ranked", text)
        found = self._memo.get(key)
        if found is None:
            ranked = self.backend.scores(text)
            found = (tuple(lang for lang, _ in ranked), array("d", [p for _, p in ranked]))
            self._remember(key, found)
        return found

    def _decided(self, text: str) -> Any:
        """The backend's scores of ``text`` before ranking (`rank_among`), asked once per text."""
        key = ("decided", text)
        found = self._memo.get(key)
        if found is None:
            found = self.backend.decided(text)  # type: ignore[attr-defined]  # with rank_among: optional
            self._remember(key, found)
        return found

    def _guess(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str | None, float]:
        """A short text's language on its own: the backend's scores among the common languages of its
        script, times how common each is.

        A word or two is not enough to bring a rare language into a page;
        long runs and declared languages are (a Tatar page's labels are Tatar).
        Short text leaves a backend's scores nearly flat between neighbours
        (ru, bg, mk), and then the likelier language is the more common one.
        """
        key = ("guess", script, text, candidates)
        found = self._memo.get(key)
        if found is None:
            found = self._guess_now(script, text, candidates)
            self._remember(key, found)
        return found

    def _guess_now(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str | None, float]:
        common = COMMON_LANGUAGES.get(script)
        if common is not None and self.languages is None:
            narrowed = common if candidates is None else tuple(lang for lang in candidates if lang in common)
            candidates = narrowed or candidates
        scores = self._among(script, text, candidates)
        if common is not None:
            decay, rank = self.config.common_prior_decay, COMMON_RANK[script]
            scores = {lang: p * decay ** rank.get(lang, len(rank)) for lang, p in scores.items()}
        total = sum(scores.values())
        lang, p = _best(scores)
        dominant = DOMINANT.get(script)
        if (
            dominant is not None and lang is not None and lang != dominant and scores.get(dominant, 0.0) > 0
            and self.config.lexicon and self._says_nothing(text, dominant, lang)
        ):
            # The two are as likely as the words can tell: their mass is shared.
            lang, p = dominant, (scores[dominant] + p) / 2
        return lang, (p / total if total > 0 else 0.0)

    def _says_nothing(self, text: str, dominant: str, lang: str) -> bool:
        """Whether the words of a short text tell ``lang`` from ``dominant`` (see ``DOMINANT``)."""
        lexicon = shared_lexicon()
        if len(lexicon.words(text)) < 2:
            return False
        odds = lexicon.log_odds(text, dominant, lang)
        return odds is not None and odds <= NEAR_FLAT_LOG_ODDS

    def _settled(self, langs: dict[str, int]) -> str | None:
        """The language the long runs of a script so far agree on, if they do."""
        if not langs:
            return None
        lang, count = max(langs.items(), key=itemgetter(1))  # the first met of equals, as Counter.most_common
        config = self.config
        return lang if count >= config.settle_runs and count >= config.settle_share * sum(langs.values()) else None

    def _narrow(self, run: Run, candidates: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if self.languages is None or candidates == ():
            return candidates
        if candidates is None:
            same_script: Callable[[str], bool] = (
                (lambda lang: lang not in NON_LATIN) if run.script == "Latn" else (lambda lang: True))
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
            self._remember(key, found)
        return found

    def _remember(self, key: tuple[Any, ...], found: Any) -> None:
        with self._lock:
            if len(self._memo) >= self.config.memo_size:
                self._memo.popitem(last=False)  # the oldest answer
            self._memo[key] = found

    def _ask_backend(self, script: str, text: str, candidates: tuple[str, ...] | None) -> tuple[str, float]:
        best = getattr(self.backend, "best", None)
        if candidates is None and script == "Latn" and best is not None:
            lang, p = best(text)  # one answer is cheaper than a ranking, and usually Latin already
            if lang not in NON_LATIN:
                return lang, round(p, 4)
        best_among = getattr(self.backend, "best_among", None)
        if candidates is not None and best_among is not None:
            found = best_among(text, candidates)
            if found is None or found[2] <= 0:
                return fallback_language(script, candidates), 0.2
            return found[0], round(found[1] / found[2], 4)
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


def _best(scores: dict[str, float]) -> tuple[str | None, float]:
    if not scores:
        return None, 0.0
    lang = max(scores, key=scores.__getitem__)
    return lang, scores[lang]


def _pool(runs: list[Run], max_chars: int) -> tuple[str, int]:
    """Short runs read together, up to ``max_chars`` of text: (text, letters)."""
    parts: list[str] = []
    size = letters = 0
    for run in runs:
        text = " ".join(run.text.split())
        if size + len(text) > max_chars and parts:
            break
        parts.append(text)
        size += len(text) + 1
        letters += run.letters
    return " ".join(parts), letters


def majority_language(runs: Iterable[Run]) -> tuple[str, float]:
    """The language most letters are in, with its share times its mean confidence."""
    if isinstance(runs, list) and len(runs) == 1:  # a one-run text, as most are: the same sums, unrolled
        run = runs[0]
        if run.letters and run.lang != UNDETERMINED:
            return run.lang, round(1.0 * (0.0 + run.letters * run.confidence) / run.letters, 4)
        return UNDETERMINED, 0.0
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
