"""Writing systems: where a text's script changes, and which languages each script allows.

A run's candidate languages come from its script and its letters: Cyrillic
ї є ґ mean Ukrainian, ў Belarusian, ы э rule Ukrainian and Bulgarian out, kana
means Japanese.  No statistics here: what is left is for a backend to choose.
"""

from __future__ import annotations

import string

import regex

from ..document import UNDETERMINED, Run

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
# The languages a short run may be given when the page has no other say:
# those most written on the web in each script.  A rarer one needs a long run
# or a declaration (py3langid alone tags «Реклама» Tatar and "Share" Hausa).
COMMON_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Cyrl": ("ru", "uk", "bg", "sr", "be", "kk", "mk"),
    "Latn": (
        "en", "de", "fr", "es", "pt", "it", "nl", "pl", "tr", "id", "vi", "sv", "da", "no", "nb", "fi", "cs",
        "sk", "hu", "ro", "hr", "sl", "bs", "sq", "lt", "lv", "et", "ca", "gl", "eu", "ms", "tl", "sw", "af",
        "az", "uz", "is", "ga", "cy",
    ),
}
COMMON_RANK = {script: {lang: i for i, lang in enumerate(langs)} for script, langs in COMMON_LANGUAGES.items()}
LATIN_FALLBACK = "en"
# Languages a backend may answer that are not written in Latin script.
NON_LATIN = {lang for langs in SCRIPT_LANGUAGES.values() for lang in langs} | {
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
_CYRILLIC_MARKERS = frozenset("".join(letters for letters, _ in _CYRILLIC_ONLY + _CYRILLIC_NOT))


_SCRIPT_OF = {lang: script for script, langs in SCRIPT_LANGUAGES.items() for lang in langs}


def script_of(lang: str) -> str:
    """The writing system a language is mostly written in (Latin unless listed).

    >>> script_of("uk"), script_of("ja"), script_of("pl")
    ('Cyrl', 'Hani', 'Latn')
    """
    return _SCRIPT_OF.get(lang, "Latn")


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
    # The scripts its distinct characters would start a segment in: with one (a
    # Russian sentence with digits, French with accents), or none, the text is
    # one run, as _segment_runs would cut it, found without reading it word by word.
    chars = set(text)
    starts = set(map(_START_SCRIPT.__getitem__, chars.difference(_ASCII)))  # ASCII letters are Latin
    starts.discard(None)
    if not chars.isdisjoint(_ASCII_LETTERS):
        starts.add("Latn")
    if len(starts) <= 1:
        only = starts.pop() if starts else None
        return [Run(text, only or "Zyyy", offset, offset + len(text))]
    return _segment_runs(text, offset)


class _StartScripts(dict[str, "str | None"]):
    """Character -> the `_SEGMENT` group a segment starting with it belongs to (None: it starts
    none), looked up once per character; the first 8192 characters met are kept (a
    page of random code points must not fill memory with them)."""

    def __missing__(self, char: str) -> str | None:
        found = _SEGMENT.match(char)
        script = found.lastgroup if found else None
        if len(self) < 8192:
            self[char] = script
        return script


_START_SCRIPT = _StartScripts()
_ASCII = frozenset(map(chr, range(128)))
_ASCII_LETTERS = frozenset(string.ascii_letters)


def _segment_runs(text: str, offset: int) -> list[Run]:
    found = [(m.lastgroup or "Zzzz", m.start(), m.end()) for m in _SEGMENT.finditer(text)]
    segments = [(script, start) for script, start, _ in _homoglyphs_joined(found)]
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


def _homoglyphs_joined(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A letter or two of another script inside a word take the word's script.

    Web text writes Latin i for Ukrainian і, Latin o, e, a, c for Cyrillic
    (typed on the wrong layout, or to dodge filters): "вiн" is one Cyrillic
    word, not three runs.
    """
    for i in range(len(found)):
        script, start, end = found[i]
        if end - start > 2:
            continue
        before = found[i - 1] if i and found[i - 1][2] == start else None
        after = found[i + 1] if i + 1 < len(found) and found[i + 1][1] == end else None
        if before and after and before[0] == after[0] != script:
            found[i] = (before[0], start, end)
        elif end - start == 1 and (before is None) != (after is None):
            word = before or after
            if word[2] - word[1] >= 3 and word[0] != script:  # type: ignore[index]
                found[i] = (word[0], start, end)  # type: ignore[index]
    return found


def candidates_of(run: Run) -> tuple[str, ...] | None:
    """The languages a run can be in; None for any language of its script.

    >>> candidates_of(Run("Їжак", "Cyrl", 0, 4)), candidates_of(Run("Prague", "Latn", 0, 6))
    (('uk',), None)
    """
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


def fallback_language(script: str, candidates: tuple[str, ...] | None) -> str:
    """The answer when nothing can be told: the script's most common language."""
    if candidates:
        return candidates[0]
    return LATIN_FALLBACK if script == "Latn" else UNDETERMINED


def _cyrillic_candidates(text: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    present = _CYRILLIC_MARKERS.intersection(text)  # one pass over the text, not one per letter
    if not present:
        return langs
    allowed = set(langs)
    for letters, only in _CYRILLIC_ONLY:
        if not present.isdisjoint(letters):
            allowed &= only
    for letters, never in _CYRILLIC_NOT:
        if not present.isdisjoint(letters):
            allowed -= never
    narrowed = tuple(lang for lang in langs if lang in allowed)
    return narrowed or langs  # contradicting letters (a mixed word): keep every choice
