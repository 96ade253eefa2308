"""The `clean` command-line filter: parse arguments, hand over to `Cleaner`.

    clean page.txt                      article text on stdout
    cat page.html | clean --format json one JSON object
    clean --format jsonl *.html         one line per input

Exit status: 0 all inputs cleaned, 1 some failed (each still gets an error
record in JSON modes, a one-line message on stderr in text mode), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __name__ as _package
from .core import Cleaner, error_result, versions
from .detect import BACKENDS
from .errors import CleanerError
from .result import CleanResult


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean",
        description="Clean scraped news pages (HTML or text): article text with provenance.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="input pages; none or '-' reads stdin")
    parser.add_argument("--format", choices=("text", "json", "jsonl"), default="text",
                        help="text: the article; json: one object per input; jsonl: one line per input")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="an extra rule pack (TOML); repeat for several")
    parser.add_argument("--no-builtin-rules", action="store_true", help="use only the packs given by --rules")
    parser.add_argument("--detector", choices=sorted(BACKENDS), default=None,
                        help="statistical language backend (default: py3langid)")
    parser.add_argument("--languages", type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
                        metavar="xx,yy", help="only these languages (ISO 639-1) are answered where a script allows")
    parser.add_argument("--url", help="the page's address, recorded in metadata")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"{_package} {versions()['cleaner']}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(build_parser().parse_args(argv))
    except BrokenPipeError:
        # The reader went away (`clean … | head`): stop quietly, as filters do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace) -> int:
    try:
        cleaner = Cleaner(rules=args.rules, builtin_rules=not args.no_builtin_rules, detector=args.detector,
                          languages=args.languages)
    except CleanerError as exc:
        print(f"clean: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for name in args.files or ["-"]:
        result = _clean_one(cleaner, name, args)
        failed += result.error is not None
        _emit(result, name, args.format, sys.stdout)
    return 1 if failed else 0


def _clean_one(cleaner: Cleaner, name: str, args: argparse.Namespace) -> CleanResult:
    label = "<stdin>" if name == "-" else name
    data: bytes | None = None
    try:
        data = sys.stdin.buffer.read() if name == "-" else _read(name)
        return cleaner.clean(data, args.url, name=label)
    except (CleanerError, OSError) as exc:
        if args.debug:
            raise
        result = error_result(exc, data, args.url)
        if isinstance(exc, OSError):
            result.error["message"] = f"{label}: cannot read: {exc.strerror or exc}"
        result.error["input"] = label
        return result


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _emit(result: CleanResult, name: str, fmt: str, out: TextIO) -> None:
    if result.error is not None and fmt == "text":
        print(f"clean: {result.error['message']}", file=sys.stderr)
        return
    if fmt == "json":
        out.write(result.to_json(indent=2) + "\n")
    elif fmt == "jsonl":
        out.write(result.to_json() + "\n")
    else:
        parts = [result.title] if result.title else []
        if result.text:
            parts.append(result.text)
        out.write("\n\n".join(parts) + "\n")


if __name__ == "__main__":
    sys.exit(main())
