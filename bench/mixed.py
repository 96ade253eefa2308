"""Benchmark of language tagging on mixed documents built from the langid test data.

The documents are made only from ``../shared/bench/langid/`` (lingua's test
data, see its ATTRIBUTION.md), of five kinds:

* ``ui ru/en``: a Russian interface (short lines: single words and word
  pairs) over an English article (sentences, one or two to a paragraph line);
* ``ui en/X``: an English interface over a ru, de, fr, es or zh article;
* ``ui ru/uk``: a Russian interface over a Ukrainian article;
* ``alternate``: lines alternating uk/ru, de/nl or es/pt sentences;
* ``inline``: a word pair of another script inside a sentence (ru in en,
  en in ru, en in zh).

The data is cut in two halves by line number (even lines ``a``, odd lines
``b``), and every figure is printed for each half: one half can be looked at
while working, the other is held out.  For each tagger and kind it prints:

* letters: the share of letters tagged with their true language;
* lines: the share of lines whose letters are mostly tagged right
  (the language most of a line's letters are tagged with is its true one);
* UI: the same over the short interface lines only;
* boundary F1: the places where the language changes (between letters),
  a found change matching a true one within 3 characters, one to one;
* µs/doc: the mean time of one call per document (``time.perf_counter``).

Taggers: the cleaner's ``cleaner.language_runs``; lingua (all languages,
high accuracy) run line by line; lingua's ``detect_multiple_languages_of``
on the whole document.  The macro row averages the five kinds.

Run from the repository root:

    .venv/bin/python bench/mixed.py
    .venv/bin/python bench/mixed.py --docs 10 --taggers cleaner

This is a benchmark that prints figures, not a test: it checks nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "bench" / "langid").resolve()
KINDS = {
    "ui ru/en": [("ui", "ru", "en")],
    "ui en/X": [("ui", "en", lang) for lang in ("ru", "de", "fr", "es", "zh")],
    "ui ru/uk": [("ui", "ru", "uk")],
    "alternate": [("alt", "uk", "ru"), ("alt", "de", "nl"), ("alt", "es", "pt")],
    "inline": [("inline", "ru", "en"), ("inline", "en", "ru"), ("inline", "en", "zh")],
}
NEAR = 3  # a found boundary matches a true one this many characters away or closer

# (start, end, lang) in a document; ``Tagger`` returns such spans
Span = tuple[int, int, str]
Tagger = Callable[[str], list[Span]]


@dataclass
class Doc:
    text: str
    spans: list[Span]  # every piece that has letters, with its true language
    lines: list[tuple[int, int, bool]] = field(default_factory=list)  # start, end, is an interface line


class Pool:
    """Lines of one half of the data, drawn without repeats until used up."""

    def __init__(self, data_dir: Path, half: str, rng: random.Random) -> None:
        self.data_dir, self.half, self.rng = data_dir, half, rng
        self._lines: dict[tuple[str, str], list[str]] = {}

    def draw(self, bucket: str, lang: str) -> str:
        key = (bucket, lang)
        if not self._lines.get(key):
            lines = (self.data_dir / bucket / f"{lang}.txt").read_text(encoding="utf-8").split("\n")
            start = 0 if self.half == "a" else 1
            kept = [line.strip() for line in lines[start::2] if line.strip()]
            self.rng.shuffle(kept)
            self._lines[key] = kept
        return self._lines[key].pop()

    def ui(self, lang: str) -> str:
        return self.draw(self.rng.choice(("single-words", "word-pairs")), lang)


class Builder:
    def __init__(self) -> None:
        self.text = ""
        self.doc = Doc("", [])

    def line(self, pieces: list[tuple[str, str]], ui: bool = False) -> None:
        """One line of (text, lang) pieces, joined by spaces."""
        if self.text:
            self.text += "\n"
        start = len(self.text)
        for i, (text, lang) in enumerate(pieces):
            if i:
                self.text += " "
            self.doc.spans.append((len(self.text), len(self.text) + len(text), lang))
            self.text += text
        self.doc.lines.append((start, len(self.text), ui))

    def build(self) -> Doc:
        self.doc.text = self.text
        return self.doc


def build_ui(pool: Pool, rng: random.Random, ui: str, article: str) -> Doc:
    b = Builder()
    for _ in range(rng.randint(2, 4)):
        b.line([(pool.ui(ui), ui)], ui=True)
    for paragraph in range(rng.randint(3, 5)):
        sentences = " ".join(pool.draw("sentences", article) for _ in range(rng.randint(1, 2)))
        b.line([(sentences, article)])
        if paragraph == 1 or rng.random() < 0.3:
            b.line([(pool.ui(ui), ui)], ui=True)
    for _ in range(rng.randint(1, 3)):
        b.line([(pool.ui(ui), ui)], ui=True)
    return b.build()


def build_alternate(pool: Pool, rng: random.Random, one: str, other: str) -> Doc:
    b = Builder()
    langs = [one, other] if rng.random() < 0.5 else [other, one]
    for i in range(rng.randint(4, 8)):
        lang = langs[i % 2]
        b.line([(pool.draw("sentences", lang), lang)])
    return b.build()


def build_inline(pool: Pool, rng: random.Random, phrase: str, sentence: str) -> Doc:
    b = Builder()
    for _ in range(rng.randint(2, 4)):
        words = pool.draw("sentences", sentence).split(" ")
        inserted = pool.draw("word-pairs", phrase)
        if len(words) < 3:  # a sentence of unspaced script (zh): cut it in the middle
            text = words[0]
            cut = len(text) // 2
            b.line([(text[:cut], sentence), (inserted, phrase), (text[cut:], sentence)])
            continue
        cut = rng.randint(1, len(words) - 1)
        b.line([(" ".join(words[:cut]), sentence), (inserted, phrase), (" ".join(words[cut:]), sentence)])
    return b.build()


BUILDERS = {"ui": build_ui, "alt": build_alternate, "inline": build_inline}


def build_docs(data_dir: Path, half: str, per_pair: int, seed: int) -> dict[str, list[Doc]]:
    rng = random.Random(f"{seed}-{half}")
    pool = Pool(data_dir, half, rng)
    return {
        kind: [BUILDERS[shape](pool, rng, one, other) for shape, one, other in pairs for _ in range(per_pair)]
        for kind, pairs in KINDS.items()
    }


# ---- scoring ----------------------------------------------------------------


def letter_langs(text: str, spans: list[Span]) -> list[str]:
    """The language of every character (``""`` where no span covers it)."""
    langs = [""] * len(text)
    for start, end, lang in spans:
        for i in range(max(start, 0), min(end, len(text))):
            langs[i] = lang
    return langs


def boundaries(text: str, langs: list[str]) -> list[int]:
    """Positions of the letters whose language differs from the letter before."""
    found, previous = [], None
    for i, ch in enumerate(text):
        if ch.isalpha():
            if previous is not None and langs[i] != previous:
                found.append(i)
            previous = langs[i]
    return found


def matched(true: list[int], found: list[int]) -> int:
    """Found boundaries within NEAR of a true one, each true one used once."""
    free, hits = sorted(true), 0
    for position in found:
        near = [t for t in free if abs(t - position) <= NEAR]
        if near:
            free.remove(min(near, key=lambda t: abs(t - position)))
            hits += 1
    return hits


def majority(text: str, langs: list[str], start: int, end: int) -> str | None:
    counts = Counter(langs[i] for i in range(start, end) if text[i].isalpha())
    return counts.most_common(1)[0][0] if counts else None


@dataclass
class Score:
    letters: list[int] = field(default_factory=lambda: [0, 0])
    lines: list[int] = field(default_factory=lambda: [0, 0])
    ui: list[int] = field(default_factory=lambda: [0, 0])
    bounds: list[int] = field(default_factory=lambda: [0, 0, 0])  # hits, found, true
    seconds: float = 0.0
    docs: int = 0

    def add(self, doc: Doc, found: list[Span], seconds: float) -> None:
        text = doc.text
        true, guessed = letter_langs(text, doc.spans), letter_langs(text, found)
        for i, ch in enumerate(text):
            if ch.isalpha():
                self.letters[0] += true[i] == guessed[i]
                self.letters[1] += 1
        for start, end, ui in doc.lines:
            right = majority(text, true, start, end)
            if right is None:
                continue
            ok = majority(text, guessed, start, end) == right
            self.lines[0] += ok
            self.lines[1] += 1
            if ui:
                self.ui[0] += ok
                self.ui[1] += 1
        true_b, found_b = boundaries(text, true), boundaries(text, guessed)
        self.bounds[0] += matched(true_b, found_b)
        self.bounds[1] += len(found_b)
        self.bounds[2] += len(true_b)
        self.seconds += seconds
        self.docs += 1

    def figures(self) -> dict[str, float | None]:
        hits, found, true = self.bounds
        precision = hits / found if found else (1.0 if not true else 0.0)
        recall = hits / true if true else None
        f1 = None
        if recall is not None:
            f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return {
            "letters": _share(self.letters),
            "lines": _share(self.lines),
            "UI": _share(self.ui),
            "boundary F1": f1,
            "µs/doc": self.seconds / self.docs * 1e6 if self.docs else None,
        }


def _share(pair: list[int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


# ---- taggers ----------------------------------------------------------------


def load_cleaner() -> Tagger:
    from cleaner import language_runs

    return lambda text: [(run.start, run.end, run.lang) for run in language_runs(text)]


def _lingua_detector():  # type: ignore[no-untyped-def]
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().build()


def _code(language) -> str:  # type: ignore[no-untyped-def]
    return "und" if language is None else language.iso_code_639_1.name.lower()


def load_lingua_lines() -> Tagger:
    detector = _lingua_detector()

    def tag(text: str) -> list[Span]:
        spans, start = [], 0
        for line in text.split("\n"):
            spans.append((start, start + len(line), _code(detector.detect_language_of(line))))
            start += len(line) + 1
        return spans

    return tag


def load_lingua_multiple() -> Tagger:
    detector = _lingua_detector()

    def tag(text: str) -> list[Span]:
        return [
            (found.start_index, found.end_index, _code(found.language))
            for found in detector.detect_multiple_languages_of(text)
        ]

    return tag


TAGGERS: dict[str, Callable[[], Tagger]] = {
    "cleaner": load_cleaner,
    "lingua per line": load_lingua_lines,
    "lingua multiple": load_lingua_multiple,
}
COLUMNS = ("letters", "lines", "UI", "boundary F1", "µs/doc")


def run(tagger: Tagger, docs: dict[str, list[Doc]]) -> dict[str, Score]:
    scores = {}
    for kind, kind_docs in docs.items():
        score = Score()
        for doc in kind_docs:
            start = time.perf_counter()
            found = tagger(doc.text)
            score.add(doc, found, time.perf_counter() - start)
        scores[kind] = score
    return scores


def cell(value: float | None, column: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if column == "µs/doc" else f"{value:.3f}"


def table(name: str, half: str, scores: dict[str, Score]) -> list[str]:
    rows = []
    figures = {kind: score.figures() for kind, score in scores.items()}
    for kind, values in figures.items():
        rows.append([name, half, kind, *(cell(values[c], c) for c in COLUMNS)])
    macro = []
    for column in COLUMNS:
        values = [f[column] for f in figures.values() if f[column] is not None]
        macro.append(cell(statistics.fmean(values) if values else None, column))
    rows.append([f"**{name}**", half, "**macro**", *macro])
    return ["| " + " | ".join(row) + " |" for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="default: %(default)s")
    parser.add_argument("--docs", type=int, default=30, help="documents per language pair and half (default: 30)")
    parser.add_argument("--halves", default="a,b", help="a (even lines), b (odd lines), or both (default)")
    parser.add_argument("--taggers", default=",".join(TAGGERS), help=f"comma-separated subset of: {', '.join(TAGGERS)}")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset of the kinds")
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        parser.error(f"data dir not found: {args.data_dir}")
    kinds = [k.strip() for k in args.kinds.split(",")]
    halves = [h.strip() for h in args.halves.split(",")]
    docs = {half: build_docs(args.data_dir, half, args.docs, args.seed) for half in halves}
    for half_docs in docs.values():
        for kind in list(half_docs):
            if kind not in kinds:
                del half_docs[kind]
    counts = {kind: len(d) for kind, d in next(iter(docs.values())).items()}
    print(f"Documents per half: {counts}; halves {', '.join(halves)}; seed {args.seed}.")
    print()
    print("| tagger | half | kind | " + " | ".join(COLUMNS) + " |")
    print("|" + " --- |" * (3 + len(COLUMNS)))
    for name in (t.strip() for t in args.taggers.split(",")):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        tagger = TAGGERS[name]()
        tagger("Warm-up: Это короткий текст. This is a short text.")
        for half in halves:
            print("\n".join(table(name, half, run(tagger, docs[half]))), flush=True)


if __name__ == "__main__":
    main()
