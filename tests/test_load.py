from __future__ import annotations

import codecs

import pytest

from cleaner.errors import BinaryInputError, EmptyInputError
from cleaner.load import decode

RUSSIAN = "Москва. Правительство объявило о новых мерах поддержки экономики и малого бизнеса в регионах страны."


def test_str_is_taken_as_given():
    loaded = decode("Заголовок\n\nТекст.")
    assert (loaded.kind, loaded.encoding, loaded.encoding_source) == ("text", None, "str")


@pytest.mark.parametrize(
    "bom, codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_byte_order_mark_decides_the_encoding(bom, codec):
    loaded = decode(bom + RUSSIAN.encode(codec))
    assert loaded.text == RUSSIAN
    assert loaded.encoding_source == "bom"


def test_undeclared_windows_1251_is_detected():
    loaded = decode((RUSSIAN + "\n\n" + RUSSIAN).encode("cp1251"))
    assert loaded.text.startswith("Москва. Правительство")
    assert (loaded.encoding, loaded.encoding_source) == ("cp1251", "detected")


def test_http_header_charset_beats_detection():
    loaded = decode(RUSSIAN.encode("koi8-r"), headers={"Content-Type": "text/plain; charset=KOI8-R"})
    assert loaded.text == RUSSIAN
    assert (loaded.encoding, loaded.encoding_source) == ("koi8-r", "http-header")


def test_meta_charset_is_read_from_html():
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p></body></html>'
    loaded = decode(html.encode("cp1251"))
    assert RUSSIAN in loaded.text
    assert (loaded.kind, loaded.encoding_source) == ("html", "meta")


@pytest.mark.parametrize("data", ["", "  \n\t\u00a0\n", b"", b"\n\n"])
def test_empty_input_is_refused_with_its_name(data):
    with pytest.raises(EmptyInputError, match=r"^page\.txt: input is empty"):
        decode(data, name="page.txt")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", b"%PDF-1.7\n", b"\x1f\x8b\x08\x00abc"])
def test_binary_formats_are_refused(data):
    with pytest.raises(BinaryInputError, match=r"^blob: binary data"):
        decode(data, name="blob")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("<!DOCTYPE html><html><body><p>Hi</p></body></html>", "html"),
        ("  <div class='x'><p>Hi</p></div>", "html"),
        ("Headline\n\nA paragraph that mentions <b>bold</b> markup.", "text"),
        ("Заголовок\n\nАбзац.", "text"),
    ],
)
def test_html_is_sniffed(text, kind):
    assert decode(text).kind == kind


def test_binary_bytes_that_arrived_as_text_are_refused():
    with pytest.raises(BinaryInputError, match=r"^rec: binary data \(control characters\)"):
        decode("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", name="rec")


def test_an_input_over_the_size_limit_is_refused_before_any_work():
    from cleaner.config import LoadConfig
    from cleaner.errors import InputTooLargeError

    with pytest.raises(InputTooLargeError, match=r"^big\.html: input is 2,000,001 bytes, over the limit of 2,000,000"):
        decode(b"<p>" + b"x" * 1_999_998, name="big.html", config=LoadConfig(max_bytes=2_000_000))


FRENCH = "Le café est très bon, à la française : un article sur les cafés de Paris et leurs habitués."


def test_a_utf8_page_with_one_stray_byte_keeps_its_letters():
    raw = f"<html><body><h1>Café</h1><p>{FRENCH}</p></body></html>".encode().replace("très".encode(), b"tr\xe8s")
    loaded = decode(raw)
    assert FRENCH in loaded.text  # not UTF-16 CJK, not a replacement character
    assert (loaded.encoding, loaded.encoding_source) == ("utf-8+cp1252", "utf-8-repaired")


@pytest.mark.parametrize("where", ["meta", "header"])
def test_a_lying_utf16_declaration_is_checked_against_the_bytes(where):
    meta = '<meta charset="utf-16">' if where == "meta" else ""
    headers = {"Content-Type": "text/html; charset=utf-16"} if where == "header" else None
    loaded = decode(f"<html><head>{meta}</head><body><p>{FRENCH}</p></body></html>".encode(), headers=headers)
    assert FRENCH in loaded.text
    assert (loaded.encoding, loaded.encoding_source) == ("utf-8", "utf-8")


def test_a_stale_single_byte_declaration_loses_to_valid_utf8():
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p></body></html>'
    loaded = decode(html.encode("utf-8"))
    assert RUSSIAN in loaded.text
    assert loaded.encoding_source == "utf-8"


def test_a_page_glued_from_utf8_and_cp1251_is_decoded_line_by_line():
    raw = f"<html><body><p>{FRENCH}</p>\n<p>".encode() + RUSSIAN.encode("cp1251") + b"</p></body></html>"
    loaded = decode(raw)
    assert FRENCH in loaded.text and RUSSIAN in loaded.text
    assert (loaded.encoding, loaded.encoding_source) == ("utf-8+cp1251", "per-line")
