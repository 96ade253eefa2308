"""Stage 2, extract: a loaded page becomes blocks with spans back into the source.

Text pages: every non-blank line is a block, and lines not separated by a blank
line share a ``group`` (an AI-image label sits in the same group as its
caption).  A group that looks hard-wrapped (several long lines of similar
width) is one block instead: it is one paragraph broken for display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from .config import TextConfig
from .document import Block, Document

if TYPE_CHECKING:
    from .core import Context

# A line is blank when it holds only white space, including no-break and
# zero-width characters that pages use as spacers.
# U+0085 (NEL) is no line break here: in scraped text it is cp1252's "…" read
# as Latin-1, which ftfy repairs; splitting there would cut the repair in two.
_LINE = regex.compile(r"[^\n\r\u2028\u2029\x0b\x0c]*(?:\r\n|[\n\r\u2028\u2029\x0b\x0c]|\Z)")
# What trims a line: spaces, not every character str.strip() takes (U+0085 is mojibake here).
_SPACES = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u200b\ufeff"
_BLANK = regex.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*", regex.V1)

_SENTENCE_END = regex.compile(r"[.!?…。！？»\"”:;)\]]\s*\Z")


def extract(doc: Document, context: Context) -> Document:
    """Stage 2: split the loaded page into blocks.  Reads ``loaded``; writes
    ``source``, ``input_kind``, ``blocks`` and, for HTML, ``title``, ``metadata`` and ``reason``.

    HTML pages are pruned by the rule packs and extracted by trafilatura
    (`cleaner.html`); text pages are split into lines.  The caller's url (the
    crawl's: a JSON Lines url, a WARC-Target-URI) is the metadata's ``url``;
    without one, the page's own ``og:url``, else its canonical link.
    """
    assert doc.loaded is not None, "extract runs after load"
    if doc.loaded.kind == "html":
        from .html import extract_html

        extract_html(doc, context)
    else:
        doc.source, doc.input_kind = doc.loaded.text, "text"
        doc.blocks = text_blocks(doc.loaded.text, context.config.text)
    if doc.input.url:
        doc.metadata["url"] = doc.input.url
    elif "url" not in doc.metadata and "canonical" in doc.metadata:
        doc.metadata["url"] = doc.metadata["canonical"]
    return doc


def text_blocks(text: str, config: TextConfig = TextConfig()) -> list[Block]:
    """Every non-blank line a block, hard-wrapped paragraphs one block; offsets into ``text``."""
    blocks: list[Block] = []
    group: list[tuple[int, int]] = []
    group_id = 0

    def flush() -> None:
        nonlocal group_id
        if group:
            group_id += 1
            blocks.extend(_group_blocks(text, group, group_id, config))
            group.clear()

    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        line = m.group()
        body = line.rstrip("\r\n\u2028\u2029\x0b\x0c")
        if _BLANK.fullmatch(body):
            flush()
            continue
        start = m.start() + (len(body) - len(body.lstrip(_SPACES)))
        end = m.start() + len(body.rstrip(_SPACES))
        group.append((start, end))
    flush()
    return blocks


def _group_blocks(text: str, spans: list[tuple[int, int]], group_id: int, config: TextConfig) -> list[Block]:
    if _hard_wrapped(text, spans, config):
        start, end = spans[0][0], spans[-1][1]
        return [Block(text=text[start:end], start=start, end=end, group=group_id)]
    return [Block(text=text[s:e], start=s, end=e, group=group_id) for s, e in spans]


def _hard_wrapped(text: str, spans: list[tuple[int, int]], config: TextConfig) -> bool:
    """Lines broken at a fixed width (mail, terminals, some feeds)."""
    if len(spans) < config.wrap_min_lines:
        return False
    widths = [e - s for s, e in spans[:-1]]
    widest = max(widths)
    if not config.wrap_min_width <= widest <= config.wrap_max_width or min(widths) < widest * config.wrap_shortest_share:
        return False
    # Display wrapping cuts mid-sentence; one-paragraph-per-line text ends lines with punctuation.
    open_ends = sum(not _SENTENCE_END.search(text[s:e]) for s, e in spans[:-1])
    return open_ends * 2 > len(spans) - 1
