"""Many pages in, one result per page out, in input order; nothing lost.

Readers turn a stream into `Record`s (`cleaner.records`): page files, JSON
Lines (each object read by `to_record`: the page in ``html``, else ``text``;
the address in ``url``; ``id`` carried through; ``headers`` used; other fields
passed through under ``fields``) and WARC (response records, read with
warcio).  A record that cannot be read (a line that is not JSON, a missing
field, a truncated WARC) is still a `Record`, with its ``error`` set: it
becomes an error result in its place, and the batch goes on.

Then each record is cleaned (`clean_one`), or cleaned and formatted in the
worker (`clean_and_render`, giving an `Output`: what to write, and what to
count); `format_record` writes one record as text, JSON or a JSON Lines line.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from .config import LoadConfig
from .core import Cleaner
from .records import Fields, Record, to_record
from .render import front_matter
from .result import CleanResult, error_result
from .safe_json import plain_id, plain_text, safe_json

__all__ = [
    "Fields", "Line", "Output", "Record", "clean_and_render", "clean_one", "clean_records", "failed_one",
    "failed_output", "format_record",
    "kind_of", "output_dict", "parse_jsonl_line", "parsed", "read_inputs", "read_jsonl", "read_warc", "to_output",
]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


@dataclass
class Line:
    """A JSON Lines record not parsed yet: workers parse it, the reader only splits lines."""

    position: int
    raw: bytes
    source: str
    fields: Fields = field(default_factory=lambda: Fields())

    def parse(self) -> Record:
        return parse_jsonl_line(self.raw, self.position, self.source, self.fields)


def parse_jsonl_line(line: str | bytes, position: int, source: str, fields: Fields = Fields()) -> Record:
    """One JSON Lines record; a broken line or a missing page field is an error record."""
    where = source if source.endswith(f":{position + 1}") else f"{source}:{position + 1}"
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return Record(position, None, source=where, error=f"{where}: not a JSON object: {exc}")
    except RecursionError:
        return Record(position, None, source=where, error=f"{where}: not a JSON object: nested too deeply")
    if not isinstance(obj, dict):
        return Record(position, None, source=where, error=f"{where}: not a JSON object")
    return to_record(obj, position=position, source=where, fields=fields)


def read_jsonl(
    stream: IO[bytes], source: str, start: int = 0, fields: Fields = Fields(), lazy: bool = False,
    max_bytes: int = LoadConfig.max_bytes,
) -> Iterator[Record | Line]:
    """Records from a JSON Lines stream, one line at a time (blank lines skipped).

    ``lazy`` leaves each line unparsed (a `Line`): with worker processes,
    parsing is theirs, and the reading process only splits lines.  A line
    longer than a page of ``max_bytes`` can be once escaped is an error
    record, read in bounded pieces and never held whole (a compression bomb).
    """
    position = start
    limit = max_bytes * _ESCAPED + _ESCAPED_SLACK if max_bytes else 0
    for raw in _bounded_lines(stream, limit):
        if isinstance(raw, int):
            where = f"{source}:{position + 1}"
            yield Record(position, None, source=where, error=f"{where}: record is {raw:,} bytes, over the "
                         f"limit of {limit:,} for pages of {max_bytes:,} bytes (max_bytes)")
            position += 1
        elif raw.strip():
            line = Line(position, raw, f"{source}:{position + 1}", fields)
            yield line if lazy else line.parse()
            position += 1


# A page of max_bytes takes up to this many times its size as a JSON string
# (a non-BMP character, 4 bytes, is escaped as 12), plus room for the other fields.
_ESCAPED = 3
_ESCAPED_SLACK = 1 << 20
_PIECE = 1 << 20  # what is read at a time of a line over the limit


def _bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | int]:
    """The stream's lines; a line over ``limit`` bytes is skipped in pieces and given as its size."""
    while raw := (stream.readline(limit + 1) if limit else stream.readline()):
        if not limit or len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        size = len(raw)
        while rest := stream.readline(_PIECE):
            size += len(rest)
            if rest.endswith(b"\n"):
                break
        yield size


def read_warc(stream: IO[bytes], source: str, start: int = 0, max_bytes: int = LoadConfig.max_bytes) -> Iterator[Record]:
    """HTML response records of a WARC file (plain or gzip), read with warcio.

    A truncated or corrupt archive ends with an error record where the damage
    begins; the records before it are kept, none after it is trusted.  A body
    over ``max_bytes`` is an error record: at most ``max_bytes + 1`` of it is
    read, and warcio skips the rest in pieces.
    """
    from warcio.archiveiterator import ArchiveIterator

    position = start

    def broken(problem: object) -> Record:
        return Record(position, None, source=source, error=f"{source}: unreadable WARC after {position - start} records: {problem}")

    damage = _gzip_damage(stream)
    try:
        archive = ArchiveIterator(stream)
        for warc_record in archive:
            http = warc_record.http_headers
            content_type = http.get_header("Content-Type") if http else None
            page = warc_record.rec_type == "response" and (
                not content_type or any(t in content_type.lower() for t in ("html", "text/plain", "xml"))
            )  # not images, scripts or feeds of other kinds
            body = warc_record.content_stream().read(max_bytes + 1 if max_bytes else -1) if page else b""
            # The offset is known once the record is read (warcio reads to its end to tell).
            if damage and archive.get_record_offset() >= damage[0]:
                break
            if not page:
                continue
            where = f"{source}@{warc_record.rec_headers.get_header('WARC-Record-ID') or position}"
            if max_bytes and len(body) > max_bytes:
                yield Record(position, None, url=warc_record.rec_headers.get_header("WARC-Target-URI"),
                             id=warc_record.rec_headers.get_header("WARC-Record-ID"), source=where, error=f"{where}: body is over the limit of {max_bytes:,} bytes (max_bytes)")
                position += 1
                continue
            if getattr(warc_record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
                raise EOFError(f"record {where} is cut short")
            yield Record(
                position,
                body,
                url=warc_record.rec_headers.get_header("WARC-Target-URI"),
                id=warc_record.rec_headers.get_header("WARC-Record-ID"),
                headers={"Content-Type": content_type} if content_type else None,
                source=where,
            )
            position += 1
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input; none may end the batch
        yield broken(exc)
        return
    if damage:
        yield broken(damage[1])


def _gzip_damage(stream: IO[bytes]) -> tuple[int, str] | None:
    """Where a gzip WARC's damage begins (the offset of the member it is in), and what it is.

    warcio reads a member cut short as if it ended there, so each member is
    checked to end properly first; then the stream is put back at its start.
    What is inflated is thrown away a bounded piece at a time: a member that
    inflates to gigabytes costs time, not memory.
    """
    if not stream.seekable():
        return None
    offset = 0
    try:
        if stream.read(2) != b"\x1f\x8b":
            return None
        stream.seek(0)
        member, fed, pos = zlib.decompressobj(31), False, 0
        while chunk := stream.read(_PIECE):
            while chunk:
                member.decompress(chunk, _PIECE)  # at most _PIECE bytes out; the rest waits in unconsumed_tail
                fed = True
                if member.eof:
                    pos += len(chunk) - len(member.unused_data)
                    offset, chunk = pos, member.unused_data
                    member, fed = zlib.decompressobj(31), False
                else:
                    pos += len(chunk) - len(member.unconsumed_tail)
                    chunk = member.unconsumed_tail
        if fed and not member.eof:
            return offset, "compressed data ends inside a record"
    except (OSError, zlib.error) as exc:
        return offset, str(exc)
    finally:
        stream.seek(0)
    return None


def read_inputs(
    paths: Iterable[str], kind: str = "auto", fields: Fields = Fields(), lazy: bool = False,
    max_bytes: int = LoadConfig.max_bytes,
) -> Iterator[Record | Line]:
    """Records from every input in turn; ``-`` is stdin; ``kind`` is page, jsonl, warc or auto.

    Nothing over ``max_bytes`` (a page, a WARC body, a JSON Lines record once
    unescaped) is ever read whole: it is refused as it streams in.
    """
    import sys

    position = 0
    for name in paths:
        label = "<stdin>" if name == "-" else name
        what = kind_of(name, kind)
        try:
            stream = sys.stdin.buffer if name == "-" else _open(name)
        except OSError as exc:
            yield Record(position, None, id=name, source=label, error=f"{label}: cannot read: {exc.strerror or exc}")
            position += 1
            continue
        with contextlib.nullcontext(stream) if name == "-" else stream:
            if what == "page":
                # Read to one byte past the limit at most: `load` refuses it with its size
                # (known for a file; for a pipe, what was read) and its error type.
                data = stream.read(max_bytes + 1) if max_bytes else stream.read()
                if max_bytes and len(data) > max_bytes:
                    data = Cut(data, _size(stream, len(data)))
                yield Record(position, data, id=label, source=label)
                position += 1
                continue
            if what == "jsonl":
                reader = read_jsonl(stream, label, position, fields, lazy, max_bytes)
            else:
                reader = read_warc(stream, label, position, max_bytes)
            for record in reader:
                position = record.position + 1
                yield record


def clean_records(cleaner: Cleaner, records: Iterable[Record | Line], jobs: int = 1) -> Iterator[tuple[Record, CleanResult]]:
    """Each record with its result, in order (the page itself is not sent back)."""
    return cleaner.map(clean_one, records, jobs, failed=failed_one)


def parsed(item: Record | Line) -> Record:
    """The record itself: a `Line` parsed, a `Record` as it is."""
    return item.parse() if isinstance(item, Line) else item


def clean_one(cleaner: Cleaner, item: Record | Line) -> tuple[Record, CleanResult]:
    """Worker side: parse if need be, clean, and return the record without its page."""
    record = parsed(item)
    return replace(record, data=None), cleaner.clean_record(record)  # the page need not travel back


def failed_one(cleaner: Cleaner, item: Record | Line, error: BaseException) -> tuple[Record, CleanResult]:
    """The record and its error result, for a record whose worker died or ran out of time."""
    record = parsed(item)
    return replace(record, data=None), error_result(error, record.data, record.url, record.source or None)


def failed_output(cleaner: Cleaner, item: Record | Line, error: BaseException, fmt: str = "jsonl",
                  keep: bool = False, with_metadata: bool = False) -> Output:
    """`failed_one`, formatted: what to write for a record whose worker died or ran out of time."""
    return to_output(*failed_one(cleaner, item, error), fmt, keep, with_metadata)


@dataclass
class Output:
    """A record's output, made in the worker: what to write, and what to count."""

    formatted: str  # `format_record`'s text: what to write
    error: str | None
    categories: tuple[str, ...]
    source: str
    result: CleanResult | None = None  # kept only when the caller asks (a report)


def clean_and_render(cleaner: Cleaner, item: Record | Line, fmt: str = "jsonl", keep: bool = False,
                     with_metadata: bool = False) -> Output:
    """Worker side: clean and format, so the reading process only reads and writes."""
    return to_output(*clean_one(cleaner, item), fmt, keep, with_metadata)


def to_output(record: Record, result: CleanResult, fmt: str, keep: bool = False,
              with_metadata: bool = False) -> Output:
    """What to write for a cleaned record and what to count of it; ``keep`` keeps the result too."""
    return Output(
        format_record(record, result, fmt, with_metadata),
        result.error["message"] if result.error else None,
        tuple(r.category for r in result.removed),
        record.source,
        result if keep else None,
    )


# The formats that hold the article alone: a record that failed writes nothing there (its message goes to stderr).
ARTICLE_FORMATS = ("text", "markdown", "html")


def format_record(record: Record, result: CleanResult, fmt: str, with_metadata: bool = False) -> str:
    """One record as text (title and article), Markdown, HTML or its JSON object, newline-terminated.

    ``with_metadata`` puts the page's metadata before the text or Markdown, as YAML front matter.
    """
    if fmt in ARTICLE_FORMATS:
        if result.error is not None or result.skipped:
            return ""
        if fmt == "markdown":
            text = result.to_markdown(with_metadata)
        elif fmt == "html":
            text = result.to_html()
        else:
            text = "\n\n".join(filter(None, [result.title, result.text])) + "\n"
            text = f"{front_matter(result)}\n\n{text}" if with_metadata else text
        return plain_text(text)
    return safe_json(output_dict(record, result), indent=2 if fmt == "json" else None) + "\n"


def output_dict(record: Record, result: CleanResult) -> dict[str, Any]:
    """The cleaner/1 object for a batch record: where it came from first, then the result."""
    result_dict = result.to_dict()
    out = {"schema": result_dict.pop("schema"), "id": plain_id(record.id), "position": record.position,
           "input": record.source}
    out.update(result_dict)
    if record.fields:
        out["fields"] = record.fields
    return out


def kind_of(name: str, kind: str = "auto") -> str:
    """page, jsonl or warc: as said, or by the file name when ``kind`` is auto."""
    if kind != "auto":
        return kind
    lower = name.lower()
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    return "page"


class Cut(bytes):
    """The first ``max_bytes + 1`` bytes of a page too large to read whole; ``size`` is all of it (when known)."""

    size: int

    def __new__(cls, data: bytes, size: int) -> Cut:
        cut = super().__new__(cls, data)
        cut.size = size
        return cut

    def __reduce__(self) -> tuple[Any, ...]:
        return Cut, (bytes(self), self.size)


def _size(stream: IO[bytes], read: int) -> int:
    """A file's size; for a pipe, what was read of it."""
    try:
        return max(read, os.fstat(stream.fileno()).st_size)
    except (OSError, ValueError, io.UnsupportedOperation):
        return read


def _open(name: str) -> IO[bytes]:
    path = Path(name)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    if name.endswith(".jsonl.gz"):
        import gzip

        return io.BufferedReader(gzip.open(path, "rb"))
    return path.open("rb")  # warcio reads gzip WARCs itself
