"""Telling a page from text survives what comes before the markup (cleaner.load.sniff)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.load import decode, sniff
from conftest import fixture_pages

def _utf8(page) -> bool:
    try:
        page.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False  # a junk prefix in UTF-8 before a cp1251 page is a decoding question, not sniffing's
    return True


HTML_PAGES = [p for p in fixture_pages() if p.suffix == ".html" and _utf8(p)]
PHP_WARNING = ("<br />\n<b>Warning</b>:  Undefined variable $user in <b>/var/www/html/index.php</b> on line "
               "<b>12</b><br />\n")
JUNK = st.one_of(
    st.just(PHP_WARNING),
    st.just('<?xml version="1.0" encoding="utf-8"?>\n'),
    st.just("<!-- cached 2025-11-14 07:45 -->\n"),
    st.just("\u200b"),
    # A stray line of any script before the page: no markup of its own.
    st.text(st.characters(exclude_characters="<>&\r\n", exclude_categories=("Cs", "Cc")), min_size=1,
            max_size=80).map(lambda line: line + "\n"),
)


@pytest.mark.parametrize(("start", "how"), [
    ("<!doctypehtml><html><body><p>Hi</p></body></html>", "start"),
    ("\ufeff<!DOCTYPE html><p>Hi</p>", "start"),
    ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">'
     "<html><body><p>Hi</p></body></html>", "start"),
    ("<!-- one --><!-- two -->\n<html lang='ja'><body><p>こんにちは</p></body></html>", "start"),
    (PHP_WARNING + "<!DOCTYPE html><html><body><p>Hi</p></body></html>", "document-after-junk"),
    ("Debug: cache warmed in 3 ms\n<html><body><p>Hi</p></body></html>", "document-after-junk"),
])
def test_a_page_is_html_whatever_comes_before_its_markup(start, how):
    assert sniff(start) == ("html", how)
    assert (decode(start.encode("utf-8")).kind, decode(start).kind_source) == ("html", how)


def test_text_that_mentions_tags_stays_text():
    assert sniff("Write <html> first, then <head> and <body>.\n\nThat is all.") == ("text", "no-markup")
    assert decode("Hello", kind="text").kind_source == "caller"


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda p: p.name)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=JUNK)
def test_a_junk_prefix_gives_the_same_article(page, junk, cleaner):
    source = page.read_text(encoding="utf-8")
    clean, dirty = cleaner.clean(source), cleaner.clean(junk + source)
    assert (dirty.title, dirty.text, dirty.metadata) == (clean.title, clean.text, clean.metadata)
