"""Word frequencies that tell close neighbours apart on a word or two.

py3langid reads byte n-grams of up to 4 bytes: two Cyrillic letters.  On a
word pair, Russian, Bulgarian and Serbian (or Spanish and Portuguese, Dutch
and German) leave it nearly equal, and what tells them apart is vocabulary:
«според» is a Bulgarian word, «вот» a Russian one.  This lexicon holds how
often each word is written in each language (wordfreq's "small" lists:
words down to one in a million, CC-BY-SA 4.0 data) and reweighs the
backend's scores of a short text's neighbours by them
(`cleaner.detect.tagger`).

The lists ship inside the wordfreq wheel; nothing is downloaded.  Each is
converted once into a sorted array of 64-bit keys (a 54-bit hash of the word,
its frequency in centibels in the low 10 bits) under the user's cache
(`cleaner.detect.models.cache_root`), and mapped read-only from there: a
list maps in well under a millisecond, holds 0.2-0.5 MiB, and forked workers
share it.  A list is loaded the first time a text needs it.  Serbian
Cyrillic is looked up in wordfreq's Serbo-Croatian list, which is Latin, by
transliteration; Belarusian and Kazakh have no list and keep their scores.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
from bisect import bisect_left
from collections.abc import Iterable
from hashlib import blake2b
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import regex

# Language -> wordfreq list.  Serbian, Croatian and Bosnian share one list:
# between them the lexicon is neutral.
LISTS: dict[str, str] = {
    "ru": "ru", "uk": "uk", "bg": "bg", "mk": "mk", "sr": "sh",
    "hr": "sh", "bs": "sh", "sl": "sl", "cs": "cs", "sk": "sk", "pl": "pl",
    "es": "es", "pt": "pt", "ca": "ca", "it": "it", "fr": "fr", "ro": "ro",
    "nl": "nl", "de": "de", "en": "en", "da": "da", "nb": "nb", "no": "nb", "sv": "sv", "is": "is",
    "fi": "fi", "hu": "hu", "lt": "lt", "lv": "lv", "tr": "tr", "id": "id", "ms": "ms", "tl": "fil", "vi": "vi",
}
# Families whose members a short text's n-grams may not tell apart: the
# lexicon is consulted only when the backend's two best are in one of them.
# Measured on half a of bench/langid.py's word pairs: the Latin languages as
# one family (0.954) beat close groups alone (es/pt/gl/ca, nl/de/en/af, ...:
# 0.932), as a short Latin text's runner-up is often no close relative
# (es/en, fr/en) and the lists tell those apart as well.
NEIGHBOURS: tuple[frozenset[str], ...] = (
    frozenset({"ru", "uk", "bg", "sr", "mk", "be", "kk"}),
    frozenset(lang for lang in LISTS if lang not in ("ru", "uk", "bg", "mk")) | {"gl", "af"},
)

_LAYOUT = 1
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*")
_SERBIAN_LATIN = dict(zip(
    "абвгдђежзијклљмнњопрстћуфхцчџш",
    ("a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š").split(),
))
# Serbian Cyrillic to Latin in one str.translate; other Cyrillic letters become NUL (no Serbian word).
_TO_SERBIAN_LATIN = {code: _SERBIAN_LATIN.get(chr(code), "\0") for code in range(0x400, 0x530) if chr(code).islower()}


# Addresses are no language's words: ".co.kr" is not the Polish «co».
_ADDRESS = regex.compile(r"\S*(?:@|://|www\.|\p{L}\.\p{L}{2})\S*")


def words_of(text: str) -> list[str]:
    """The words of a text as wordfreq lists them (case-folded, apostrophes kept inside),
    e-mail and web addresses left out."""
    text = _ADDRESS.sub(" ", text) if "." in text or "@" in text else text
    return [word.replace("’", "'") for word in _WORD.findall(text.casefold())]


def name_positions(text: str) -> list[int]:
    """Which of ``words_of(text)`` look like names: capitalised, and not the text's first word.

    >>> name_positions("А Мерилин Монро?"), name_positions("Работа на Петър")
    ([1, 2], [2])
    """
    text = _ADDRESS.sub(" ", text) if "." in text or "@" in text else text
    return [i for i, word in enumerate(_WORD.findall(text)) if i and word[0].isupper()]


def neighbours(first: str, second: str) -> frozenset[str] | None:
    """The family two languages share, if they are close neighbours."""
    for group in NEIGHBOURS:
        if first in group and second in group:
            return group
    return None


class Lexicon:
    """Word frequencies per language, each list mapped on first use.  Thread-safe: a
    list is loaded under a lock and read-only afterwards."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._lists: dict[str, Any] = {}
        self._lock = threading.Lock()
        # (text, words, their hashes, {(list, spelled, floor): their log-likelihood}) of the
        # last text read; replaced whole, so threads never see a mix of two texts.
        self._last: tuple[str, list[str], list[int | None], dict[tuple[str, bool, float], float]] = (
            "", [], [], {})

    def log_frequency(self, lang: str, word: str) -> float | None:
        """log10 of how often ``word`` (case-folded) is written in ``lang``; None when it is not listed."""
        source = LISTS.get(lang)
        if source is None:
            return None
        key = _key_in(lang, word)
        return None if key is None else _lookup(self._keys(source), key)

    def log_odds(self, text: str, lang: str, other: str) -> float | None:
        """log10 of how much likelier ``other`` makes the words of ``text`` than ``lang`` does
        (the product of their frequencies); None unless both lists hold every word.

        A name is written alike by neighbours (Мерилин Монро, in Russian text as
        in Bulgarian); whether a list of a language's commonest words holds it
        depends on how often that language's texts mention the person, not on
        the language.  A name one of the lists lacks is left out.
        """
        words, hashed, _ = self._read(text)
        names: set[int] | None = None
        total = 0.0
        for i, word in enumerate(words):
            mine, theirs = self._listed(lang, word, hashed[i]), self._listed(other, word, hashed[i])
            if mine is not None and theirs is not None:
                total += theirs - mine
                continue
            if names is None:
                names = set(name_positions(text)) if len(words) > 1 else set()
            if i not in names:
                return None
        return total

    def weigh(
        self, scores: dict[str, float], text: str, langs: Iterable[str], *, floor: float
    ) -> dict[str, float]:
        """``scores`` with those of ``langs`` (the ones with a list) reweighed by how likely each
        makes the words of ``text``; their sum is kept, so other languages' scores stand.

        Each language's score becomes its probability times the product of
        its words' frequencies (a naive Bayes step over words), an unlisted
        word counting ``10 ** floor``.
        """
        chosen = [lang for lang in langs if lang in LISTS and scores.get(lang, 0.0) > 0]
        if len(chosen) < 2:
            return scores
        words, hashed, by_list = self._read(text)  # sr, hr and bs share a list
        if not words:
            return scores
        logs = {}
        for lang in chosen:
            source, spelled = LISTS[lang], lang == "sr"
            words_log = by_list.get((source, spelled, floor))
            if words_log is None:
                keys = [_key_in(lang, word) for word in words] if spelled else hashed
                words_log = by_list[source, spelled, floor] = _log_likelihood(self._keys(source), keys, floor)
            logs[lang] = math.log10(scores[lang]) + words_log
        top = max(logs.values())
        mass = sum(scores[lang] for lang in chosen)
        odds = {lang: 10 ** (value - top) for lang, value in logs.items()}
        norm = sum(odds.values())
        reweighed = dict(scores)
        for lang in chosen:
            reweighed[lang] = mass * odds[lang] / norm
        return reweighed

    def words(self, text: str) -> list[str]:
        """`words_of` ``text``, kept with the last text's (see `_read`)."""
        return self._read(text)[0]

    def _read(self, text: str) -> tuple[list[str], list[int | None], dict[tuple[str, bool, float], float]]:
        """The words of ``text``, their hashes, and what they weigh in each list so far.

        A short run is read three times (its vote, its own tag, whether its words
        tell Russian from a neighbour), with other scores but the same words: the
        last text's are kept.
        """
        last = self._last
        if last[0] == text:
            return last[1], last[2], last[3]
        words = words_of(text)
        hashed: list[int | None] = [_hash(word) for word in words]  # once, not once per language
        weighed: dict[tuple[str, bool, float], float] = {}
        self._last = (text, words, hashed, weighed)
        return words, hashed, weighed

    def _listed(self, lang: str, word: str, hashed: int | None) -> float | None:
        """`log_frequency` of a word whose hash is known."""
        source = LISTS.get(lang)
        if source is None:
            return None
        key = _key_in(lang, word) if lang == "sr" else hashed
        return None if key is None else _lookup(self._keys(source), key)

    def _keys(self, source: str) -> Any:
        found = self._lists.get(source)
        if found is None:
            with self._lock:
                found = self._lists.get(source)
                if found is None:
                    found = self._lists[source] = _load(source, self._folder)
        return found


def _hash(word: str) -> int:
    """A 54-bit hash of a word, the same in every process (str's own hash is salted)."""
    return int.from_bytes(blake2b(word.encode("utf-8"), digest_size=8).digest(), "little") >> 10


def _key_in(lang: str, word: str) -> int | None:
    """The hash a word is listed under for ``lang``: Serbian Cyrillic is looked up in Latin."""
    if lang == "sr" and word[:1] in _SERBIAN_LATIN:
        word = word.translate(_TO_SERBIAN_LATIN)
        if "\0" in word:
            return None  # a letter Serbian does not write (ы, я, щ ...)
    return _hash(word)


def _log_likelihood(keys: Any, hashes: list[int | None], floor: float) -> float:
    """The sum of the words' log10 frequencies in one list, ``floor`` for each it lacks."""
    total = 0.0
    for key in hashes:
        found = None if key is None else _lookup(keys, key)
        total += floor if found is None else max(floor, found)
    return total


def _lookup(keys: Any, key: int) -> float | None:
    """log10 frequency of the word hashed to ``key`` in one list's sorted keys; None if absent."""
    at = bisect_left(keys, key << 10)
    found: int = keys[at] if at < len(keys) else -1
    return -(found & 1023) / 100 if found >= 0 and found >> 10 == key else None


def _data_dir() -> Path:
    spec = find_spec("wordfreq")  # its folder, without importing it (langcodes and more: 0.1 s)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the lexicon needs wordfreq: pip install wordfreq")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load(source: str, folder: Path | None) -> Any:
    """The sorted keys of one wordfreq list, mapped from the cache (converted there first if missing)."""
    import numpy as np

    shipped = _data_dir() / f"small_{source}.msgpack.gz"
    stat = shipped.stat()
    if folder is None:
        from .models import cache_root

        folder = cache_root() / "lexicon"
    path = folder / f"wordfreq-small_{source}-{stat.st_size}-{stat.st_mtime_ns}-v{_LAYOUT}.npy"
    try:
        return memoryview(np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray))
    except (OSError, ValueError):
        pass
    keys = _convert(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(handle, "wb") as out:
            np.save(out, keys, allow_pickle=False)
        os.chmod(staging, 0o644)
        os.replace(staging, path)  # whole or not at all; a concurrent writer's copy is the same
    except OSError:
        return memoryview(keys)  # a cache we may not write: this process keeps what it converted
    return memoryview(np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray))


def _convert(source: str) -> Any:
    import numpy as np
    from wordfreq import get_frequency_dict

    keys: dict[int, int] = {}
    for word, frequency in get_frequency_dict(source, wordlist="small").items():
        centibels = min(1023, round(-100 * math.log10(frequency)))
        key = _hash(word)
        keys[key] = min(keys.get(key, 1023), centibels)  # a collision keeps the more frequent word
    return np.array(sorted(key << 10 | cb for key, cb in keys.items()), dtype=np.uint64)


_SHARED: Lexicon | None = None
_SHARED_LOCK = threading.Lock()


def shared_lexicon() -> Lexicon:
    """One lexicon per process: its lists are read-only, so every detector shares them."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = Lexicon()
    return _SHARED
