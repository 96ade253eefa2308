"""Every `detect_language` answer on `bench/langid.py`'s lines, to compare two trees.

For each line of the three buckets (single words, word pairs, sentences) of
the 16 languages, it writes ``bucket, lang, line number, text, tag,
confidence, runs`` as JSON Lines: the tag ``detect_language`` gives, the
confidence the same runs give (``majority_language`` over ``language_runs``
with the same detector and evidence), and each run's text, tag, confidence
and what decided it.  A change meant to leave answers alone must leave the
file the same byte for byte:

    PYTHONPATH=. .venv/bin/python bench/detect_answers.py --out /tmp/head.jsonl
    PYTHONPATH=<base tree> .venv/bin/python <base tree>/bench/detect_answers.py --out /tmp/base.jsonl
    cmp /tmp/base.jsonl /tmp/head.jsonl

``--compare OTHER.jsonl`` prints the lines whose answers differ instead of
``cmp``'s first byte.  It also prints accuracy per bucket and per language on
half a (even lines), half b (odd lines) and all of them, as `bench/langid.py`
reads them.  This prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "bench" / "langid").resolve()
LANGS = ("ru", "en", "uk", "bg", "sr", "be", "kk", "de", "fr", "es", "it", "pt", "pl", "nl", "zh", "ja")
BUCKETS = ("single-words", "word-pairs", "sentences")


def answers(data_dir: Path, limit: int) -> list[dict[str, object]]:
    from cleaner.detect import _builtin_evidence, default_detector, detect_language, language_runs
    from cleaner.detect import majority_language

    detector, evidence = default_detector(), _builtin_evidence()
    found = []
    for bucket in BUCKETS:
        for lang in LANGS:
            path = data_dir / bucket / f"{lang}.txt"
            lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()][:limit]
            for number, text in enumerate(lines):
                tag = detect_language(text)
                runs = language_runs(text, detector=detector, evidence=evidence)
                run_tag, confidence = majority_language(runs)
                found.append({
                    "bucket": bucket, "lang": lang, "line": number, "text": text, "tag": tag,
                    "run_tag": run_tag, "confidence": confidence,
                    "runs": [[r.text, r.lang, r.confidence, r.by] for r in runs],
                })
    return found


def accuracy(found: list[dict[str, object]]) -> None:
    right: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in found:
        half = "a" if row["line"] % 2 == 0 else "b"  # type: ignore[operator]
        for which in (half, "all"):
            for lang in (row["lang"], "*"):
                cell = right[row["bucket"], which, lang]  # type: ignore[index]
                cell[0] += row["tag"] == row["lang"]
                cell[1] += 1
    print("| bucket | lines | all languages | " + " | ".join(LANGS) + " |")
    print("| --- " * (len(LANGS) + 3) + "|")
    for bucket in BUCKETS:
        for which in ("a", "b", "all"):
            cells = []
            for lang in ("*", *LANGS):
                good, total = right[bucket, which, lang]
                cells.append(f"{good / total:.4f}" if total else "")
            print(f"| {bucket} | {which} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--out", type=Path, help="write the answers here (JSON Lines)")
    parser.add_argument("--compare", type=Path, help="print the lines whose answers differ from this file's")
    args = parser.parse_args()
    found = answers(args.data_dir, args.limit)
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for row in found:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.compare:
        other = [json.loads(line) for line in args.compare.read_text(encoding="utf-8").splitlines()]
        differing = [(a, b) for a, b in zip(other, found) if a != b]
        for a, b in differing[:40]:
            print(f"{a['bucket']} {a['lang']} #{a['line']} {a['text']!r}: "
                  f"{a['tag']} {a['confidence']} -> {b['tag']} {b['confidence']}")
        print(f"lines differing: {len(differing)} of {len(found)}"
              + ("" if len(other) == len(found) else f" (other file has {len(other)} lines)"))
    accuracy(found)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
