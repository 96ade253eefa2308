"""One page to clean and where it came from: `Record`, and `to_record`, which makes one of any input.

Every way in reads its input here, so a page is found the same way whatever
brings it: a JSON Lines object (`cleaner.batch`), a Spark row, a Scrapy item
or a mapping given to `Cleaner.clean_record`.  In a mapping the page is in
``html`` when that field is there and not None, else in ``text``; the address
is in ``url``, the id in ``id`` and HTTP headers in ``headers`` (other names
through `Fields`); every other field is passed through.  A mapping without a
page, or whose page is not text or bytes, gives a `Record` with ``error`` set:
it stands in the batch for what could not be read.

This module sits below `cleaner.core` and `cleaner.batch` and imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fields", "Record", "headers_of", "host_of", "page_field", "to_record"]


@dataclass(frozen=True)
class Fields:
    """Where a mapping (a JSON Lines object, a row, an item) keeps its page, address, id and headers."""

    html: str = "html"
    text: str = "text"  # the page when ``html`` is missing or None
    url: str = "url"
    id: str = "id"
    headers: str | None = "headers"  # None: the mapping carries no headers


@dataclass
class Record:
    """One page to clean, and where it came from."""

    position: int  # 0-based, over the whole batch
    data: str | bytes | None
    url: str | None = None
    id: Any = None
    headers: dict[str, str] | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # other input fields, passed through
    source: str = ""  # names the record in messages
    error: str | None = None  # why the record could not be read


def to_record(item: Any, *, position: int = 0, source: str = "", fields: Fields = Fields()) -> Record:
    """``item`` as a `Record`: a page (str or bytes), a mapping with the page in a field, or a Record (as is).

    ``source`` names the record in messages; for a mapping it defaults to its
    address.  A mapping without a page, or any other kind of item, gives a
    Record whose ``error`` says why.

    >>> record = to_record({"id": 7, "html": None, "text": "Title\\n\\nBody.", "url": "https://e.org/7", "lang": "en"})
    >>> record.data, record.url, record.id, record.fields, record.source, record.error
    ('Title\\n\\nBody.', 'https://e.org/7', 7, {'lang': 'en'}, 'https://e.org/7', None)
    >>> to_record({"title": "no page"}, source="crawl.jsonl:3").error
    "crawl.jsonl:3: no 'html' or 'text' field"
    """
    if isinstance(item, Record):
        return item
    if isinstance(item, (bytearray, memoryview)):
        item = bytes(item)
    if isinstance(item, (str, bytes)):
        return Record(position, item, source=source)
    if isinstance(item, Mapping):
        return _mapping_record(item, position, source, fields)
    return Record(position, None, source=source,
                  error=_named(source, f"{type(item).__name__} is not a page, a mapping or a Record"))


def page_field(obj: Mapping[str, Any], fields: Fields = Fields()) -> str:
    """The field that holds the page: ``fields.html`` when it is there and not None, else ``fields.text``."""
    return fields.html if obj.get(fields.html) is not None else fields.text


def headers_of(raw: Any) -> dict[str, str] | None:
    """HTTP headers as str to str, from a mapping with str, bytes or list values (Scrapy `Headers` too)."""
    if not raw or not isinstance(raw, Mapping):
        return None
    out = {}
    for key, value in raw.items():
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            value = value[0]
        out[_text(key)] = _text(value)
    return out or None


def _mapping_record(obj: Mapping[str, Any], position: int, source: str, fields: Fields) -> Record:
    name = page_field(obj, fields)
    data = obj.get(name)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    url = obj.get(fields.url)
    url = url if isinstance(url, str) else None
    raw_headers = obj.get(fields.headers) if fields.headers else None
    taken = {fields.html, fields.text, fields.url, fields.id}
    if fields.headers and isinstance(raw_headers, Mapping):
        taken.add(fields.headers)
    rest = {k: v for k, v in obj.items() if k not in taken}
    source = source or url or ""
    record = Record(position, data, url, obj.get(fields.id), headers_of(raw_headers), rest, source)
    if data is None:
        record.error = _named(source, f"no {fields.html!r} or {fields.text!r} field")
    elif not isinstance(data, (str, bytes)):
        record.error = _named(source, f"field {name!r} is {type(data).__name__}, not a string")
    return record


def _named(source: str, message: str) -> str:
    return f"{source}: {message}" if source else message


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def host_of(url: str | None) -> str | None:
    """The site a page belongs to: its host, lower-case, without port or a leading ``www.``.

    >>> host_of("https://WWW.Example.org:8443/news/1"), host_of("not a url")
    ('example.org', None)
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
