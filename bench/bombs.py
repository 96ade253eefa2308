"""Compression bombs and pathological pages, made as they are written: small on disk, nothing held whole.

Shared by `bench/chaos.py` and the chaos tests.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

PIECE = 1 << 20


def jsonl_gz_bomb(path: Path, inflated: int, good: int = 2) -> Path:
    """A .jsonl.gz whose middle line inflates to ``inflated`` bytes, with ``good`` ordinary records around it.

    Written as gzip members one after the other (a valid gzip stream): the
    bomb's body is one 64 MiB member compressed once and written again and again.
    """
    before = b"".join(json.dumps({"id": f"before-{i}", "text": f"Title\n\nBody {i} before the bomb."}).encode() + b"\n"
                      for i in range(good))
    after = b"".join(json.dumps({"id": f"after-{i}", "text": f"Title\n\nBody {i} after the bomb."}).encode() + b"\n"
                     for i in range(good))
    block = 64 * PIECE
    member = gzip.compress(b"a" * block, compresslevel=9, mtime=0)
    with path.open("wb") as out:
        out.write(gzip.compress(before + b'{"id": "bomb", "text": "', mtime=0))
        for _ in range(inflated // block):
            out.write(member)
        out.write(gzip.compress(b"a" * (inflated % block), mtime=0))
        out.write(gzip.compress(b'"}\n' + after, mtime=0))
    return path


def warc_gz_bomb(path: Path, inflated: int) -> Path:
    """A .warc.gz with an ordinary response, one whose body inflates to ``inflated`` bytes, and another ordinary one."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    class Zeros(io.RawIOBase):
        def __init__(self, size: int) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            n = min(len(buffer), self.left)
            buffer[:n] = b"a" * n
            self.left -= n
            return n

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)

        def response(url: str, body: io.RawIOBase | io.BytesIO, length: int) -> None:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(length))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=body, length=None,
                                                          http_headers=http))

        text = " ".join(f"Sentence {i} of an ordinary article beside the bomb, kept whole." for i in range(12))
        page = f"<html><body><h1>Title</h1><p>{text}</p></body></html>".encode()
        response("https://example.org/before", io.BytesIO(page), len(page))
        response("https://example.org/bomb", io.BufferedReader(Zeros(inflated), PIECE), inflated)
        response("https://example.org/after", io.BytesIO(page), len(page))
    return path


def attribute_page(count: int) -> str:
    return "<html><body><div " + " ".join(f"a{i}" for i in range(count)) + "><p>x</p></div></body></html>"


def paragraphs_page(count: int) -> str:
    return "<html><body>" + "".join(f"<p>Paragraph {i}.</p>" for i in range(count)) + "</body></html>"


def br_page(count: int) -> str:
    return "<html><body><p>" + "<br>" * count + "</p></body></html>"


def phrase_pack(path: Path, count: int) -> Path:
    """A user pack with ``count`` distinct phrases in one rule."""
    phrases = ", ".join(json.dumps(f"phrase number {i} of the pack") for i in range(count))
    path.write_text('[pack]\nid = "big"\nversion = "1.0.0"\n[[rules]]\nid = "many"\ncategory = "share"\n'
                    f'action = "drop_block"\nphrases = {{en = [{phrases}]}}\n', encoding="utf-8")
    return path
