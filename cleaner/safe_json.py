"""JSON that cannot fail on content: only valid JSON is written, whatever a record held.

Scraped data carries lone surrogates (``"\\ud800"`` in a JSON Lines field),
and Python's JSON reader turns ``NaN`` and ``1e400`` into floats that JSON
cannot hold.  Written as they are, the first raises UnicodeEncodeError at the
output and the second writes ``NaN``, which no JSON reader accepts.  Here a
lone surrogate is written as its JSON escape (``\\ud800``, which reads back
as it was) and a value JSON has no number for as a string (``"NaN"``,
``"Infinity"``).

>>> safe_json({"id": float("nan"), "title": "a\\ud800b"})
'{"id": "NaN", "title": "a\\\\ud800b"}'
>>> plain_id({"a": 1}), plain_id(7), plain_id(float("inf"))
('{"a": 1}', 7, 'Infinity')
"""

from __future__ import annotations

import json
import math
from typing import Any

import regex

__all__ = ["plain_id", "plain_text", "safe_json"]

_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def safe_json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON text, UTF-8 encodable: odd numbers as strings, lone surrogates escaped."""
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:  # NaN or an infinity somewhere in the passed-through fields
        text = json.dumps(_finite(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _SURROGATE.search(text) else text


def plain_text(text: str) -> str:
    """Text that encodes to UTF-8: a lone surrogate (half a character) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def plain_id(value: Any) -> Any:
    """A record's id as the schema has it (a string, a number or null); anything else as its JSON text."""
    if value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _number_name(value)
    return json.dumps(_finite(value), ensure_ascii=False, sort_keys=True, default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return _number_name(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _number_name(value: float) -> str:
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
