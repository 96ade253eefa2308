"""The `clean` command-line filter: parse arguments, hand over to `Cleaner`.

    clean page.txt                        article text on stdout
    cat page.html | clean --format json   one JSON object
    clean --format jsonl *.html           one line per input
    clean crawl.jsonl --jobs 2 > out.jsonl    JSON Lines records (html/text, url, id)
    clean crawl.warc.gz > out.jsonl       HTML responses of a WARC file

Exit status: 0 every input cleaned, 1 some failed (each still gets an error
record in JSON modes, a one-line message on stderr in text mode), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

from . import __name__ as _package
from .batch import (
    ARTICLE_FORMATS, Line, Output, clean_and_render, failed_output, kind_of, parsed, read_inputs, to_output,
)
from .core import Cleaner, versions
from .detect import BACKENDS
from .errors import CleanerError
from .outputs import atomic_file, same_file
from .config import LimitsConfig, LoadConfig
from .records import Fields, Record
from .result import CleanResult

log = logging.getLogger("cleaner")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean",
        description="Clean scraped news pages (HTML or text): article text with provenance.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="pages, JSON Lines or WARC files; none or '-' reads stdin")
    parser.add_argument("--format", "--output-format", choices=("text", "markdown", "html", "json", "jsonl"),
                        help="text: the article; markdown: the article with its headings, lists, tables; html: a "
                             "minimal article page; json: one object per input; jsonl: one line per input "
                             "(default: jsonl for JSON Lines and WARC input, else text)")
    parser.add_argument("--with-metadata", action="store_true",
                        help="text and markdown: the title, author, date, site, url and language first, as YAML "
                             "front matter")
    parser.add_argument("--links", action="store_true",
                        help="markdown, html and json: keep link targets (absolute http(s) addresses) on the kept "
                             "text (as trafilatura's --links); text output is unchanged")
    parser.add_argument("--images", action="store_true",
                        help="markdown, html and json: keep pictures (source, alt text, caption) where they stand "
                             "in the kept text (as trafilatura's --images); text output is unchanged")
    parser.add_argument("--input-dir", metavar="DIR",
                        help="also every file under DIR, in name order (as trafilatura's --input-dir)")
    parser.add_argument("--input", choices=("auto", "page", "jsonl", "warc"), default="auto",
                        help="what the inputs are (default: by file name: .jsonl, .warc[.gz], else a page)")
    add_field_arguments(parser)
    add_cleaner_arguments(parser)
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes (default: the number of cores for batches, 1 for a single page)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the output to FILE instead of stdout (it replaces FILE when the run ends, "
                             "interrupted or not, with whole records only; an input is never overwritten)")
    parser.add_argument("--errors", metavar="FILE", help="write error records to FILE instead of the output")
    parser.add_argument("--report", metavar="FILE",
                        help="also write an HTML report to FILE: each page's kept text and removed pieces with "
                             "the rule, category and language of each (kept in memory: for hundreds of pages)")
    parser.add_argument("--progress", action="store_true",
                        help="progress bar and summary on stderr even when it is not a terminal")
    parser.add_argument("--max-bytes", type=int, default=LoadConfig.max_bytes, metavar="N",
                        help=f"refuse inputs larger than N bytes (default {LoadConfig.max_bytes:,}; 0: no limit)")
    parser.add_argument("--timeout", type=float, default=LimitsConfig.timeout, metavar="SECONDS",
                        help=f"stop cleaning a page after SECONDS; it becomes an error record "
                             f"(default {LimitsConfig.timeout:g}; 0: no limit)")
    parser.add_argument("--url", help="the page's address, recorded in metadata (single pages)")
    add_site_arguments(parser)
    parser.add_argument("--debug", action="store_true", help="stop at the first failure with a traceback")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="say more on stderr: -v what was decided per page (encodings, fallbacks), -vv details")
    parser.add_argument("-q", "--quiet", action="count", default=0,
                        help="only failures on stderr: no progress bar or summary")
    parser.add_argument("--version", action="version", version=f"{_package} {versions()['cleaner']}")
    return parser


def add_cleaner_arguments(parser: argparse.ArgumentParser) -> None:
    """Rule packs and language options, shared with the Spark job."""
    parser.add_argument("--rules", action="append", default=[], metavar="FILE",
                        help="an extra rule pack (TOML); repeat for several")
    parser.add_argument("--no-builtin-rules", action="store_true", help="use only the packs given by --rules")
    parser.add_argument("--detector", choices=sorted(BACKENDS), default=None,
                        help="statistical language backend (default: py3langid)")
    parser.add_argument("--languages", type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
                        metavar="xx,yy", help="only these languages (ISO 639-1) are answered where a script allows")
    parser.add_argument("--target-language", "--target-languages", dest="target_languages",
                        type=lambda v: [x.strip() for x in v.split(",") if x.strip()], metavar="xx,yy",
                        help="pages in other languages come out with no text and a 'skipped' reason "
                             "(as trafilatura's --target-language)")


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """Learned site packs (`cleaner.sites`): apply a folder of them, or learn from the inputs first."""
    parser.add_argument("--site-packs", metavar="DIR",
                        help="apply the learned pack of each page's host from DIR (see `clean learn`); "
                             "with --learn-sites, write the learned packs there")
    parser.add_argument("--learn-sites", action="store_true",
                        help="learn each site's own chrome from the input files, then clean them (two passes: "
                             "files only, not stdin)")


def add_field_arguments(parser: argparse.ArgumentParser) -> None:
    """Where JSON Lines records keep their page, address and id; shared with the Spark job."""
    parser.add_argument("--html-field", default="html", help="JSON Lines field with the HTML (default: html)")
    parser.add_argument("--text-field", default="text", help="field with plain text, used when the HTML field is absent")
    parser.add_argument("--url-field", default="url", help="field with the page's address (default: url)")
    parser.add_argument("--id-field", default="id", help="field carried through as the record's id (default: id)")


def fields_of(args: argparse.Namespace) -> Fields:
    return Fields(args.html_field, args.text_field, args.url_field, args.id_field)


def configure_logging(verbosity: int) -> None:
    """The library logs to the ``cleaner`` logger; the command shows it on stderr as ``clean: message``.

    0 shows warnings and failures (and the summary, when shown), -1 failures only,
    1 what was decided per page, 2 and more everything.
    """
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    if verbosity < -1:
        level = logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("clean: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["learn"]:
            from .learn_cli import learn_main

            return learn_main(argv[1:])
        return _run(build_parser().parse_args(argv))
    except BrokenPipeError:
        # The reader went away (`clean … | head`): stop quietly, as filters do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Every record written so far is whole: keep them, say so, exit as interrupted programs do.
        with contextlib.suppress(OSError):
            sys.stdout.flush()
        print("clean: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a failing device: one line, no traceback
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more can be written there
        what = "cannot write " if exc.errno in _FULL else ""
        where = f"{exc.filename}: " if exc.filename else ("the output: " if what else "")
        print(f"clean: {what}{where}{exc.strerror or exc}", file=sys.stderr)
        return 1


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _run(args: argparse.Namespace) -> int:
    configure_logging(args.verbose - args.quiet)
    if args.jobs is not None and args.jobs < 1:
        log.error("--jobs must be 1 or more")
        return 2
    names = args.files + _files_under(args.input_dir) if args.input_dir else args.files or ["-"]
    if not names:
        log.error("%s: no files", args.input_dir)
        return 2
    try:
        site_packs = _site_packs(args, names)
        cleaner = Cleaner(rules=args.rules, builtin_rules=not args.no_builtin_rules, detector=args.detector,
                          languages=args.languages, target_languages=args.target_languages, max_bytes=args.max_bytes,
                          site_packs=site_packs, timeout=args.timeout or None, links=args.links,
                          images=args.images)
    except (CleanerError, ValueError, OSError) as exc:
        log.error("%s", exc)
        return 2
    if problem := _overwrites_input(args, names):
        log.error("%s", problem)
        return 2
    collections = any(kind_of(name, args.input) != "page" for name in names)  # JSON Lines or WARC
    fmt = args.format or ("jsonl" if collections else "text")
    batch = collections or len(names) > 1
    jobs = args.jobs or ((os.cpu_count() or 1) if batch and not args.debug else 1)
    inputs = read_inputs(names, args.input, fields_of(args), lazy=jobs > 1, max_bytes=args.max_bytes)
    records = _with_url(inputs, args.url)
    show = (args.progress or sys.stderr.isatty()) and not args.quiet
    report: list[tuple[str, CleanResult]] | None = None
    if args.report:
        if problem := _unwritable(args.report):  # a report that cannot be written fails before any work
            log.error("%s: cannot write the report: %s", args.report, problem)
            return 2
        report = []
    if args.errors and (problem := _unwritable(args.errors)):
        log.error("%s: cannot write the errors: %s", args.errors, problem)
        return 2
    if args.output and (problem := _unwritable(args.output)):
        log.error("%s: cannot write the output: %s", args.output, problem)
        return 2
    tally = Tally()
    # The output and errors files replace the old ones when the run ends, even
    # interrupted: what they hold then are whole records, like stdout.
    with contextlib.ExitStack() as files:
        out = files.enter_context(atomic_file(args.output)) if args.output else sys.stdout
        errors = files.enter_context(atomic_file(args.errors)) if args.errors else None
        try:
            outputs = _outputs(cleaner, records, jobs, fmt, report is not None, args.debug, args.with_metadata)
            for item in _progress(outputs, show):
                tally.add(item)
                if report is not None:
                    report.append((item.source, cast(CleanResult, item.result)))  # kept for the report
                if item.error and fmt in ARTICLE_FORMATS:
                    log.error("%s", item.error)
                else:
                    (errors if item.error and errors else out).write(item.formatted)
        except KeyboardInterrupt:
            if errors is None and out is sys.stdout:
                raise
            interrupted = True
        else:
            interrupted = False
    if interrupted:
        raise KeyboardInterrupt
    if report is not None:
        from .report import write_report

        write_report(args.report, report)
    if show:
        print(f"clean: {tally}", file=sys.stderr)
    return 1 if tally.failed else 0


def _site_packs(args: argparse.Namespace, names: list[str]) -> Any:  # a folder, or the packs learned
    """The site packs to apply: a folder, or (``--learn-sites``) what the input files teach, learned first."""
    if not args.learn_sites:
        return args.site_packs
    if "-" in names:
        raise CleanerError("--learn-sites reads the inputs twice (learn, then clean) and cannot read stdin twice: "
                           "give the crawl as files, or run `clean learn FILES --out DIR` and `--site-packs DIR`")
    from .learn_cli import learn_from

    packs = learn_from(names, args.input, fields_of(args), max_bytes=args.max_bytes, languages=args.languages)
    if args.site_packs:
        from .sites import write_packs

        write_packs(packs, args.site_packs)
    return packs


def _overwrites_input(args: argparse.Namespace, names: list[str]) -> str | None:
    """Why the run would write over one of its inputs, if it would: refused before anything is opened."""
    for option, path in (("--output", args.output), ("--report", args.report), ("--errors", args.errors)):
        if path and (found := same_file(path, names)):
            return f"{option} {path} is the input {found}; refusing to overwrite it"
    if found := same_file(sys.stdout.fileno(), names):
        return f"the output is the input {found}; refusing to overwrite it"
    return None


def _unwritable(path: str) -> str | None:
    """Why a file cannot be written in ``path``'s place (its folder must take a temporary file), if so."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        return "is a directory"
    if not os.path.isdir(folder):
        return "no such directory"
    if not os.access(folder, os.W_OK):
        return "permission denied"
    return None


def _outputs(cleaner: Cleaner, records: Iterator[Record | Line], jobs: int, fmt: str, keep: bool, debug: bool,
             with_metadata: bool) -> Iterator[Output]:
    """What to write for each record, made by the workers (cleaning and formatting)."""
    if debug:
        # No safety net: the first failure stops with its traceback.
        for item in records:
            record = parsed(item)
            if record.error:
                raise CleanerError(record.error)
            # (No error: the record has its data.)
            result = cleaner.clean(cast("str | bytes", record.data), record.url, headers=record.headers,
                                   name=record.source)
            yield to_output(record, result, fmt, keep, with_metadata)
        return
    yield from cleaner.map(partial(clean_and_render, fmt=fmt, keep=keep, with_metadata=with_metadata), records, jobs,
                           failed=partial(failed_output, fmt=fmt, keep=keep, with_metadata=with_metadata))


def _files_under(folder: str) -> list[str]:
    """Every file below ``folder``, in name order (hidden ones too: a crawl names files as it likes)."""
    return sorted(str(path) for path in Path(folder).rglob("*") if path.is_file())


def _with_url(records: Iterator[Record | Line], url: str | None) -> Iterator[Record | Line]:
    for record in records:
        if url and isinstance(record, Record) and record.url is None:
            record.url = url
        yield record


def _progress(pairs: Iterator[Output], show: bool) -> Iterable[Output]:
    if not show:
        return pairs
    from tqdm import tqdm

    return tqdm(pairs, unit=" records", file=sys.stderr, dynamic_ncols=True, leave=False)


class Tally:
    """Counts for the closing summary line."""

    def __init__(self) -> None:
        self.records = self.failed = 0
        self.removed: Counter[str] = Counter()

    def add(self, item: Output) -> None:
        self.records += 1
        self.failed += item.error is not None
        self.removed.update(item.categories)

    def __str__(self) -> str:
        removed = ", ".join(f"{category} {n}" for category, n in sorted(self.removed.items())) or "nothing"
        return (f"{self.records} records, {self.records - self.failed} cleaned, {self.failed} failed; "
                f"removed: {removed}")


if __name__ == "__main__":
    sys.exit(main())
