"""``clean learn FILES... --out DIR``: learn each site's own chrome from a crawl, one pack per host.

    clean learn crawl.jsonl --out site-packs/      then   clean --site-packs site-packs/ crawl.jsonl
    clean learn crawl.warc.gz other.jsonl --out site-packs/

Pages are grouped by host (their ``url``, else the canonical address they
declare); each host with something to learn gets ``DIR/<host>.toml``, an
ordinary rule pack to review, trim and commit.  A record that cannot be read
is reported on stderr and left out.  Exit status: 0 every record read, 1 some
could not be, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from .batch import parsed, read_inputs
from .config import CleanerConfig, LoadConfig
from .errors import CleanerError
from .records import Fields, Record
from .sites import SitePack, learn_sites, write_packs


def build_learn_parser() -> argparse.ArgumentParser:
    from .cli import add_field_arguments

    parser = argparse.ArgumentParser(
        prog="clean learn",
        description="Learn each site's own chrome (blocks repeated across its articles) from a crawl: "
                    "one rule pack per host, with evidence, to review and apply with --site-packs.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="pages, JSON Lines or WARC files; none or '-' reads stdin")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the packs (made if missing)")
    parser.add_argument("--input", choices=("auto", "page", "jsonl", "warc"), default="auto",
                        help="what the inputs are (default: by file name)")
    add_field_arguments(parser)
    parser.add_argument("--max-bytes", type=int, default=LoadConfig.max_bytes, metavar="N",
                        help=f"skip inputs larger than N bytes (default {LoadConfig.max_bytes:,}; 0: no limit)")
    parser.add_argument("--languages", type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
                        metavar="xx,yy", help="only these languages are answered for the learned phrases")
    return parser


def learn_main(argv: Sequence[str]) -> int:
    args = build_learn_parser().parse_args(argv)
    from .cli import fields_of

    errors: list[str] = []
    try:
        packs = learn_from(args.files or ["-"], args.input, fields_of(args), max_bytes=args.max_bytes,
                           languages=args.languages, errors=errors)
        written = write_packs(packs, args.out)
    except (CleanerError, ValueError, OSError) as exc:
        print(f"clean learn: {exc}", file=sys.stderr)
        return 2
    for message in errors:
        print(f"clean learn: {message}", file=sys.stderr)
    rules = sum(pack.toml.count("[[rules]]") for pack in packs)
    print(f"clean learn: {len(written)} site packs, {rules} rules, in {args.out}", file=sys.stderr)
    return 1 if errors else 0


def learn_from(names: Sequence[str], kind: str = "auto", fields: Fields = Fields(), *, max_bytes: int | None = None,
               languages: Sequence[str] | None = None, errors: list[str] | None = None) -> list[SitePack]:
    """Site packs learned from input files (as the `clean` command reads them)."""
    options: dict[str, Any] = {"languages": languages}
    if max_bytes is not None:
        options["max_bytes"] = max_bytes
    config = CleanerConfig().replace(**options)

    def records() -> Iterator[Record]:
        for item in read_inputs(names, kind, fields):
            record = parsed(item)
            if record.error:
                if errors is not None:
                    errors.append(record.error)
                continue
            yield record

    return learn_sites(records(), config, errors)
