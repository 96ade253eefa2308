"""`to_record`: one way to read a page from any input, the same whichever integration brings it."""

from __future__ import annotations

import json

import pytest

from cleaner import batch
from cleaner.records import Fields, Record, to_record

ITEM = {
    "id": "a-1",
    "html": "<html><body><p>The article.</p></body></html>",
    "text": "not used: html wins",
    "url": "https://example.org/a-1",
    "headers": {"Content-Type": "text/html; charset=utf-8"},
    "crawl": "2025-11",
}
WHERE = "crawl.jsonl:1"


def via_jsonl(obj: dict, fields: Fields = Fields()) -> Record:
    return batch.parse_jsonl_line(json.dumps(obj), 0, WHERE, fields)


def via_scrapy(obj: dict, fields: Fields = Fields()) -> Record:
    itemadapter = pytest.importorskip("itemadapter")
    return to_record(itemadapter.ItemAdapter(dict(obj)), source=WHERE, fields=fields)


def via_spark(obj: dict, fields: Fields = Fields()) -> Record:
    pyspark = pytest.importorskip("pyspark")
    return to_record(pyspark.sql.Row(**obj).asDict(recursive=True), source=WHERE, fields=fields)


@pytest.mark.parametrize("via", [via_jsonl, via_scrapy, via_spark], ids=["jsonl", "scrapy", "spark"])
def test_the_same_dict_gives_the_same_record_whatever_brings_it(via):
    assert via(ITEM) == to_record(ITEM, source=WHERE) == Record(
        position=0,
        data=ITEM["html"],
        url="https://example.org/a-1",
        id="a-1",
        headers={"Content-Type": "text/html; charset=utf-8"},
        fields={"crawl": "2025-11"},
        source=WHERE,
    )


@pytest.mark.parametrize("via", [via_jsonl, via_scrapy, via_spark], ids=["jsonl", "scrapy", "spark"])
def test_other_field_names(via):
    fields = Fields(html="body", text="plain", url="link", id="key", headers="http")
    obj = {"key": 3, "body": None, "plain": "Title\n\nText.", "link": "https://e.org/3", "http": {"X": "1"}, "url": "u"}
    record = via(obj, fields)
    assert (record.data, record.url, record.id, record.headers, record.fields) == (
        "Title\n\nText.", "https://e.org/3", 3, {"X": "1"}, {"url": "u"})


def test_html_beats_text():
    assert to_record({"html": "<p>h</p>", "text": "t"}).data == "<p>h</p>"


def test_html_none_falls_back_to_text():
    record = to_record({"html": None, "text": "Title\n\nBody."})
    assert record.data == "Title\n\nBody." and record.error is None
    assert via_jsonl({"html": None, "text": "Title\n\nBody."}).data == "Title\n\nBody."


def test_a_missing_page_is_an_error_record_naming_the_source():
    record = to_record({"id": 1, "title": "no page"}, position=4, source="<spark>#partition-2:5")
    assert (record.position, record.data, record.id, record.fields) == (4, None, 1, {"title": "no page"})
    assert record.error == "<spark>#partition-2:5: no 'html' or 'text' field"
    assert to_record({"text": None, "url": "https://e.org/x"}).error == "https://e.org/x: no 'html' or 'text' field"
    assert to_record({}, fields=Fields(html="body")).error == "no 'body' or 'text' field"


@pytest.mark.parametrize(("page", "kind"), [(5, "int"), (["<p>"], "list"), ({"a": 1}, "dict")])
def test_a_page_that_is_not_text_is_an_error_naming_the_field(page, kind):
    assert to_record({"html": page}, source=WHERE).error == f"{WHERE}: field 'html' is {kind}, not a string"
    assert to_record({"text": page}, source=WHERE).error == f"{WHERE}: field 'text' is {kind}, not a string"


def test_a_record_passes_through_unchanged():
    record = Record(3, b"<p>x</p>", url="u", id=9, source="s", error="kept as it is")
    assert to_record(record, position=0, source="other", fields=Fields(html="body")) is record


def test_pages_and_byte_buffers():
    assert to_record("Title\n\nBody.", position=2, source="a.txt") == Record(2, "Title\n\nBody.", source="a.txt")
    assert to_record(bytearray(b"<p>x</p>")).data == b"<p>x</p>"
    assert to_record({"html": memoryview(b"<p>x</p>")}).data == b"<p>x</p>"


def test_the_url_names_a_mapping_without_a_source_and_must_be_text():
    assert to_record({"text": "t", "url": "https://e.org/1"}).source == "https://e.org/1"
    assert to_record({"text": "t", "url": 5}).url is None


def test_headers_become_text_and_only_a_mapping_is_taken_as_headers():
    raw = {b"Content-Type": [b"text/html; charset=windows-1251"], "X-Empty": []}
    assert to_record({"text": "t", "headers": raw}).headers == {"Content-Type": "text/html; charset=windows-1251"}
    record = to_record({"text": "t", "headers": "not a mapping"})
    assert record.headers is None and record.fields == {"headers": "not a mapping"}
    no_headers = Fields(headers=None)
    assert to_record({"text": "t", "headers": {"A": "1"}}, fields=no_headers).fields == {"headers": {"A": "1"}}


def test_anything_else_is_an_error_record():
    record = to_record(42, position=1, source="row")
    assert (record.position, record.data, record.error) == (1, None, "row: int is not a page, a mapping or a Record")


def test_batch_still_exports_the_record_types():
    assert batch.Record is Record and batch.Fields is Fields
