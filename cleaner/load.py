"""Stage 1, load: bytes or str in, decoded text and its kind (html or text) out.

Encoding, in order of trust: a byte-order mark, the caller's HTTP
``Content-Type`` header, a ``<meta charset>`` / ``http-equiv`` declaration
(each only when the bytes bear it out), strict UTF-8, UTF-8 with stray bytes
decoded run by run in the page's other encoding, then statistical detection
(charset-normalizer, already a dependency of trafilatura), and where no
single encoding fits, line by line.  Which one decided is recorded for provenance.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import regex

from .config import LoadConfig
from .document import Document, Loaded
from .errors import BinaryInputError, EmptyInputError, InputError, InputTooLargeError

if TYPE_CHECKING:
    from .core import Context

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = regex.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", regex.I)
_META_CHARSET = regex.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:-]+)""", regex.I
)
# Before a page's first tag may come a byte-order mark or invisible characters,
# an XML declaration and comments: still the page's start.
_PREAMBLE = r"\A[\s\ufeff\u200b\u200e\u200f]*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.*?-->\s*)*"
_INVISIBLE = " \t\r\n\f\v\ufeff\u200b\u200e\u200f"
_HTML_START = regex.compile(
    _PREAMBLE + r"<(?:!doctype\s*html|html|head|body|meta|title|div|p|article|section|main|h[1-6]|table|span|script"
    r"|style|link)[\s>/]",
    regex.I | regex.S,
)
# A document's own start after leading junk (a PHP warning, a stray line): a
# doctype or <html> at the start of a line, anywhere in the sniffed head.
_DOCUMENT_START = regex.compile(r"^[ \t]*(<(?:!doctype\s*html|html)[\s>])", regex.I | regex.M)
_HTML_TAGS = regex.compile(r"</?(?:p|div|span|a|br|h[1-6]|li|article|section|figure|img)\b[^>]*>", regex.I)
log = logging.getLogger(__name__)
_SNIFF = 4096  # how much of a page is read to tell HTML from text and binary data

# Magic numbers of formats a crawler drags in that are never pages.
_BINARY_MAGIC = (
    b"\x89PNG", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff",
    b"RIFF", b"\x00\x00\x01\x00", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"OggS", b"ID3",
)


def load(doc: Document, context: Context) -> Document:
    """Stage 1: decode ``doc.input`` into ``doc.loaded``.  Reads the input; writes ``loaded``."""
    given = doc.input
    doc.loaded = decode(given.data, headers=given.headers, name=given.name, kind=given.kind,
                        config=context.config.load)
    return doc


def decode(
    data: str | bytes,
    *,
    headers: Mapping[str, str] | None = None,
    name: str = "<input>",
    kind: str = "auto",
    config: LoadConfig = LoadConfig(),
) -> Loaded:
    """Decode ``data`` and tell whether it is HTML or text (``kind`` "auto"), or take ``kind`` as said.

    >>> decode("Hello\\n\\nWorld").kind
    'text'
    >>> decode(b"<html><body><p>Hi</p></body></html>").encoding_source
    'utf-8'
    """
    max_bytes = config.max_bytes
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")  # once: for the size limit and the digest
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise InputError(f"{name}: expected str or bytes, got {type(data).__name__}")
    if max_bytes and len(raw) > max_bytes:
        size = getattr(data, "size", len(raw))  # a reader's `Cut` page: only its head was read
        raise InputTooLargeError(f"{name}: input is {size:,} bytes, over the limit of {max_bytes:,} (max_bytes)")
    digest = hashlib.sha256(raw).hexdigest()
    if isinstance(data, str):
        text, encoding, source = data, None, "str"
    else:
        text, encoding, source = _decode(raw, headers, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise EmptyInputError(f"{name}: input is empty or whitespace only")
    if _looks_binary(text, config.binary_control_share):
        raise BinaryInputError(f"{name}: binary data (control characters), not a page")
    kind, kind_source = sniff(text) if kind == "auto" else (kind, "caller")
    return Loaded(text, kind, encoding, source, digest, name, kind_source)


_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def _looks_binary(text: str, share: float) -> bool:
    head = text[:_SNIFF]
    return len(_CONTROL.findall(head)) > len(head) * share


def sniff_kind(text: str) -> str:
    """'html' when the text starts like a page or is mostly tags, else 'text'."""
    return sniff(text)[0]


def sniff(text: str) -> tuple[str, str]:
    """The kind of ``text`` and how it was decided, for provenance.

    "start": it starts like a page (after a BOM, an XML declaration, comments);
    "document-after-junk": a doctype or <html> opens a later line (a PHP
    warning, a stray line before the page); "tag-share": mostly tags;
    "no-markup": none of these, text.

    >>> sniff('<?xml version="1.0"?>\\n<!doctypehtml><p>Hi')
    ('html', 'start')
    >>> sniff("<br />\\n<b>Warning</b>: Undefined variable $x on line 3<br />\\n<!DOCTYPE html><html><p>Hi")
    ('html', 'document-after-junk')
    >>> sniff("Use the <html> element first.\\n\\nThen the head.")
    ('text', 'no-markup')
    """
    head = text[:_SNIFF]
    if _HTML_START.match(head):
        return "html", "start"
    if _DOCUMENT_START.search(head):
        return "html", "document-after-junk"
    tags = _HTML_TAGS.findall(head)
    if len(tags) >= 3 and sum(map(len, tags)) * 10 >= len(head.strip()):
        return "html", "tag-share"
    return "text", "no-markup"


def document_start(text: str) -> int:
    """Where the page's own markup starts after leading junk (0 when it starts at once).

    >>> page = "Notice: session started\\n<!DOCTYPE html><html><body><p>Hi</p></body></html>"
    >>> page[document_start(page):][:15]
    '<!DOCTYPE html>'
    """
    head = text[:_SNIFF]
    if _HTML_START.match(head):
        return len(head) - len(head.lstrip(_INVISIBLE))  # a stray BOM or zero-width space goes too
    match = _DOCUMENT_START.search(head)
    return match.start(1) if match else 0


def _decode(raw: bytes, headers: Mapping[str, str] | None, name: str) -> tuple[str, str, str]:
    """The text of ``raw`` and how it was decided, trusting each clue only as far as the bytes agree.

    A byte-order mark; then a declared charset the bytes bear out (`_fits`);
    then strict UTF-8; then UTF-8 with its stray bytes decoded run by run in
    the page's other encoding (a UTF-8 page with one cp1252 byte, or a page
    glued from UTF-8 and cp1251 parts); only then a statistical guess, which
    on short or mixed input is often wrong (UTF-16 CJK out of Latin bytes).
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _strict(raw, encoding, name), encoding, "bom"
    if raw.startswith(_BINARY_MAGIC):
        raise BinaryInputError(f"{name}: binary data ({raw[:4]!r}...), not a page")
    utf8 = _utf8(raw)
    for encoding, source in _declared(raw, headers):
        if not _fits(raw, encoding, utf8):
            continue  # a wrong declaration is common; fall through to the next clue
        try:
            return raw.decode(encoding), _canonical(encoding), source
        except (LookupError, UnicodeDecodeError):
            continue
    if utf8 is not None:
        return utf8, "utf-8", "utf-8"
    if b"\x00" in raw[:_SNIFF]:
        raise BinaryInputError(f"{name}: binary data (NUL bytes), not a page")
    if repaired := _repair_utf8(raw) or _per_line(raw):
        log.info("%s: not valid UTF-8; decoded as %s (%s)", name, repaired[1], repaired[2])
        return repaired
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None and not _wide(best.encoding):
        return str(best), _canonical(best.encoding), "detected"
    # No one encoding fits: pages glued from parts in different encodings, or
    # UTF-8 with a few broken bytes.  Each line is decoded on its own.
    log.info("%s: no single encoding fits the bytes; decoded line by line", name)
    return "\n".join(_decode_line(line) for line in raw.split(b"\n")), "mixed", "per-line"


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _wide(encoding: str) -> bool:
    """UTF-16 or UTF-32: never right for bytes without NULs (and never without a BOM here)."""
    return _canonical(encoding).startswith(("utf-16", "utf-32", "utf_16", "utf_32"))


def _fits(raw: bytes, encoding: str, utf8: str | None) -> bool:
    """Whether the bytes bear out a declared encoding.

    UTF-16 and UTF-32 declared without a byte-order mark are not (HTML reads
    such a ``<meta>`` as UTF-8: ASCII markup decoded as UTF-16 is CJK
    garbage); nor is a single-byte encoding when the bytes are valid UTF-8
    with characters beyond ASCII (a template's stale declaration: decoded as
    declared, every letter would be mojibake).
    """
    if _wide(encoding):
        return False
    if utf8 is not None and not utf8.isascii():
        try:
            return codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            return False
    return True


_STRAY = regex.compile(r"[\udc80-\udcff]+")
_VALID_WIDE = regex.compile(r"[^\x00-\x7f\udc80-\udcff]")
# UTF-8 wins over a guess when at least this share of the non-ASCII text is
# valid UTF-8 characters: a legacy page makes a valid multibyte pair only by
# accident, a UTF-8 page with stray bytes makes them on every accented letter.
_UTF8_MIN_SHARE = 0.2


def _repair_utf8(raw: bytes) -> tuple[str, str, str] | None:
    """UTF-8 with its stray bytes decoded run by run in the page's other encoding, when UTF-8 is the page's own.

    The stray runs together name the other encoding (charset-normalizer on
    them alone, cp1252 when they are too few to tell): a UTF-8 page with one
    Latin-1 byte keeps its letter, a page with a cp1251 part keeps its Cyrillic.
    """
    text = raw.decode("utf-8", "surrogateescape")  # stray bytes become U+DC80..U+DCFF, one pass
    runs = [m.group().encode("utf-8", "surrogateescape") for m in _STRAY.finditer(text)]
    stray = sum(map(len, runs))
    valid = len(_VALID_WIDE.findall(text))
    if not valid or valid < _UTF8_MIN_SHARE * (valid + stray):
        return None
    other = _other_encoding(b" ".join(runs))
    repaired = _STRAY.sub(lambda m: m.group().encode("utf-8", "surrogateescape").decode(other, "replace"), text)
    return repaired, f"utf-8+{other}", "utf-8-repaired"


def _per_line(raw: bytes) -> tuple[str, str, str] | None:
    """A page glued from UTF-8 lines and lines in one other encoding: each line in its own, when both are there."""
    lines = raw.split(b"\n")
    decoded = [_utf8(line) for line in lines]
    if not any(text is not None and not text.isascii() for text in decoded):
        return None  # no UTF-8 part: a legacy page, for the guess
    other = _other_encoding(b"\n".join(line for line, text in zip(lines, decoded) if text is None))
    text = "\n".join(text if text is not None else line.decode(other, "replace") for line, text in zip(lines, decoded))
    return text, f"utf-8+{other}", "per-line"


def _other_encoding(sample: bytes) -> str:
    """The legacy encoding of a page's non-UTF-8 bytes: charset-normalizer's guess, cp1252 when they are too few."""
    if len(sample) >= 16:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        if best is not None and not _wide(best.encoding) and _canonical(best.encoding) != "utf-8":
            return _canonical(best.encoding)
    return "cp1252"


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(line).best() if len(line) >= 16 else None
    return str(best) if best is not None else line.decode("utf-8", "replace")


def _declared(raw: bytes, headers: Mapping[str, str] | None) -> list[tuple[str, str]]:
    found = []
    for key, value in (headers or {}).items():
        if key.lower() == "content-type" and (m := _HEADER_CHARSET.search(value.encode("latin-1", "replace"))):
            found.append((m.group(1).decode("ascii"), "http-header"))
    if m := _META_CHARSET.search(raw[:_SNIFF * 4]):
        found.append((m.group(1).decode("ascii"), "meta"))
    return found


def _strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: invalid {encoding} after its byte-order mark at byte {exc.start}") from None


def _canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()
