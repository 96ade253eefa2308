"""Batches: JSON Lines and WARC in, one record out per record in, in order, nothing lost."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner import Cleaner
from cleaner.batch import Record, clean_records, read_inputs, read_jsonl, read_warc

from conftest import FIXTURES
from test_cli import run

SEED = (FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt").read_text(encoding="utf-8")
CLEAN_SEED = (FIXTURES / "seeds" / "002_9e5059d829b5ffdd.txt").read_text(encoding="utf-8")
HTML = (FIXTURES / "html" / "semantic_ru_ui_over_en.html").read_text(encoding="utf-8")


def jsonl_lines() -> list[bytes]:
    return [
        json.dumps({"id": "a", "html": HTML, "url": "https://example.org/a", "crawl": 7}).encode(),
        b'{"id": "broken", "html": "<p>unterminated',
        json.dumps({"id": "c", "text": SEED}).encode(),
        json.dumps({"id": "d", "title": "no page here"}).encode(),
        json.dumps({"id": "e", "html": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}).encode(),
        json.dumps({"id": "f", "text": CLEAN_SEED}).encode(),
    ]


def test_jsonl_batch_cleans_good_records_reports_bad_ones_and_keeps_order(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(b"\n".join(jsonl_lines()) + b"\n")
    done = run(str(path), "--jobs", "2")
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == ["a", None, "c", "d", "e", "f"]  # a broken line has no id to carry
    assert [r["position"] for r in out] == list(range(6))
    assert [r.get("error", {}).get("type") for r in out] == [
        None, "InputError", None, "InputError", "BinaryInputError", None]
    assert out[1]["input"] == f"{path}:2" and "not a JSON object" in out[1]["error"]["message"]
    assert out[3]["error"]["message"] == f"{path}:4: no 'html' or 'text' field"
    assert out[4]["provenance"]["input_sha256"]
    assert out[0]["title"] and out[0]["metadata"]["url"] and out[0]["fields"] == {"crawl": 7}
    assert out[2]["title"] == "China and Russia coordinate on Japan, vow to uphold WWII outcomes"
    assert out[5]["text"].count("\n\n") == 9


def test_error_records_can_go_to_their_own_file(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(b"\n".join(jsonl_lines()))
    errors = tmp_path / "errors.jsonl"
    done = run(str(path), "--jobs", "1", "--errors", str(errors))
    assert done.returncode == 1
    good = [json.loads(line)["id"] for line in done.stdout.decode().splitlines()]
    bad = [json.loads(line)["position"] for line in errors.read_text(encoding="utf-8").splitlines()]
    assert good == ["a", "c", "f"] and bad == [1, 3, 4]


def test_summary_on_request(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(b"\n".join(jsonl_lines()))
    quiet = run(str(path), "--jobs", "1")
    assert quiet.stderr == b""
    told = run(str(path), "--jobs", "1", "--progress")
    last = told.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("clean: 6 records, 3 cleaned, 3 failed; removed: ")
    assert "ai_image_label" in last


def warc_bytes(pages: list[tuple[str, bytes, str]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body, content_type in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


PAGES = [
    ("https://example.org/a", HTML.encode("utf-8"), "text/html; charset=utf-8"),
    ("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
    ("https://example.org/b", (FIXTURES / "html" / "cp1251_ru_no_declaration.html").read_bytes(), "text/html"),
]


def test_warc_responses_become_records():
    records = list(read_warc(io.BytesIO(warc_bytes(PAGES)), "crawl.warc.gz"))
    assert [r.url for r in records] == ["https://example.org/a", "https://example.org/b"]
    assert records[0].headers == {"Content-Type": "text/html; charset=utf-8"}
    results = [result for _, result in clean_records(Cleaner(), records)]
    assert [r.language for r in results] == ["en", "ru"]
    assert results[0].provenance["encoding_source"] == "http-header"


def second_record_offset(data: bytes) -> int:
    from warcio.archiveiterator import ArchiveIterator

    archive = ArchiveIterator(io.BytesIO(data))
    offsets = [archive.get_record_offset() for _ in archive]
    return offsets[1]


@pytest.mark.parametrize("damage", ["truncated", "gzip-corrupted"])
def test_a_damaged_warc_keeps_what_came_before_and_reports_the_rest(damage):
    data = warc_bytes(PAGES)
    first = second_record_offset(data)
    if damage == "truncated":
        data = data[: first + (len(data) - first) // 2]
    else:
        data = data[:first] + data[first:first + 40] + bytes(b ^ 0x5A for b in data[first + 40:])
    records = list(read_warc(io.BytesIO(data), "bad.warc.gz"))
    assert records[0].url == "https://example.org/a" and records[0].error is None
    assert records[-1].error and records[-1].error.startswith("bad.warc.gz: unreadable WARC")


def test_inputs_of_every_kind_in_one_batch(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(warc_bytes(PAGES))
    jsonl = tmp_path / "more.jsonl.gz"
    jsonl.write_bytes(gzip.compress(b"\n".join(jsonl_lines()[:1])))
    page = tmp_path / "page.txt"
    page.write_text(SEED, encoding="utf-8")
    records = list(read_inputs([str(page), str(warc), str(jsonl), str(tmp_path)]))
    assert [r.position for r in records] == [0, 1, 2, 3, 4]
    assert [r.id for r in records[:1] + records[3:4]] == [str(page), "a"]
    assert records[4].error == f"{tmp_path}: cannot read: Is a directory"


def test_reading_is_lazy():
    def endless():
        n = 0
        while True:
            n += 1
            yield json.dumps({"id": n, "text": f"Title {n}\n\nBody {n}."}).encode() + b"\n"

    stream = io.BufferedReader(_IterStream(endless()))
    first = next(iter(read_jsonl(stream, "endless")))
    assert isinstance(first, Record) and first.id == 1


class _IterStream(io.RawIOBase):
    def __init__(self, chunks):
        self._chunks, self._rest = chunks, b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._rest:
            self._rest = next(self._chunks)
        n = min(len(buffer), len(self._rest))
        buffer[:n], self._rest = self._rest[:n], self._rest[n:]
        return n


def test_a_warc_cut_anywhere_loses_no_record_silently():
    data = warc_bytes(PAGES[:1] + PAGES[2:])
    first = second_record_offset(data)
    for cut in range(first + 1, len(data), 97):
        records = list(read_warc(io.BytesIO(data[:cut]), "cut.warc.gz"))
        assert records[0].error is None
        assert len(records) == 2 and records[1].error, cut
