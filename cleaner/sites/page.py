"""What learning reads of one page: its host, its addresses, its headline and its blocks.

A block is what a reader sees as one box of text: the inline content of a
block-level element (its own text, its inline children's, the text after its
block children), with where it sits (the nearest landmark and its tag:
``footer/p``).  Text pages give their non-blank lines.  Nothing here runs
trafilatura or the language detector: learning must cost less than cleaning.

>>> page = read_page({"url": "https://www.example.org/a?utm_source=x",
...                   "html": "<html><body><h1>Budget passed</h1><footer><p>Tips: news@example.org</p></footer></body></html>"})
>>> page.host, page.addresses, page.headlines
('example.org', ('example.org/a',), ('budget passed',))
>>> page.blocks
[('Budget passed', 'h1'), ('Tips: news@example.org', 'footer/p')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import regex
from lxml import etree

from ..config import LoadConfig
from ..html.parse import _STRING, _parse, _strip_code
from ..load import decode
from ..records import Record, host_of
from ..rules import phrase_key

# Inline elements: their text belongs to the box around them (as a reader sees it).
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "br", "button", "cite", "code", "data", "dfn", "em", "font", "i", "img", "input",
    "kbd", "label", "mark", "option", "q", "s", "samp", "select", "small", "span", "strong", "sub", "sup",
    "textarea", "time", "u", "var", "wbr",
})
# Where on the page a block sits: the nearest of these around it.
LANDMARKS = frozenset({"header", "footer", "nav", "aside", "article", "main", "figure", "form"})
# Inline elements that may hold a line of the site's own inside a paragraph (never q or cite: quotes).
_INLINE_LINES = frozenset({"em", "i", "strong", "b", "small", "span", "a", "mark"})
_INLINE_LETTERS = 10  # shorter inline text is a word of the sentence (a link, a name)
_SKIP = frozenset({"head", "title", "script", "style", "noscript", "template", "math", "svg"})
# Query parameters that say who sent the reader or how the page is shown, not which page: the same article.
_TRACKING = ("utm_", "fbclid", "gclid", "yclid", "mc_", "ref", "from", "share", "print", "amp", "output", "view")
# lxml-stubs type an XPath result as a union of everything: attribute paths return strings, the others elements.
_SITE_NAME: Callable[[etree._Element], list[str]] = etree.XPath(  # type: ignore[assignment]
    "//meta[@property='og:site_name']/@content|//meta[@name='application-name']/@content")
_CANONICAL: Callable[[etree._Element], list[str]] = etree.XPath(  # type: ignore[assignment]
    "//link[@rel='canonical']/@href|//meta[@property='og:url']/@content")
# Where a page names its headline, most telling first (an XPath union would come in page order).
# "Headline | Site", "Headline - Site": a <title> names the site after the headline.
_SITE_SUFFIX = regex.compile(r"\s+[|\-–—·:]\s+")
_HEADLINES: tuple[Callable[[etree._Element], list[str | etree._Element]], ...] = (  # type: ignore[assignment]
    etree.XPath("//meta[@property='og:title']/@content"), etree.XPath("//h1"), etree.XPath("//title"))


@dataclass(frozen=True)
class Page:
    host: str | None  # None: no address, so no site to learn for
    addresses: tuple[str, ...]  # the page's own address and its canonical one, normalised
    headlines: tuple[str, ...]  # phrase keys of the ways it names its headline (og:title, h1, <title> and its first part)
    blocks: list[tuple[str, str]]  # (text, where), page order


def site_of(url: str | None, declared: str | None = None, name: str | None = None) -> str | None:
    """The site of a page: the host of its address, else of the address it declares (canonical,
    og:url), else its declared name (og:site_name) as a key: a saved page without its address.

    >>> site_of(None, None, " Der  Tagesblick "), site_of("https://e.org/1", None, "E")
    ('der-tagesblick', 'e.org')
    """
    found = host_of(url) or host_of(declared)
    if found is None and name and name.strip():
        found = "-".join(name.casefold().split())
    return found


def address_key(url: str) -> str | None:
    """An address as an article's identity: host and path, with the query less its tracking parameters.

    >>> address_key("https://www.e.org/a/?utm_medium=x&id=7#top")
    'e.org/a?id=7'
    """
    host = host_of(url)
    if host is None:
        return None
    parts = urlsplit(url.strip())
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING))
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def read_page(item: object, load: LoadConfig = LoadConfig()) -> Page:
    """A record (anything `cleaner.records.to_record` takes) as learning reads it.

    Raises `cleaner.errors.CleanerError` for a page that cannot be decoded.
    """
    from ..records import to_record

    record: Record = to_record(item)
    host = host_of(record.url)
    addresses = [address_key(record.url)] if record.url else []
    if record.error or record.data is None:
        return Page(host, tuple(a for a in addresses if a), (), [])
    loaded = decode(record.data, headers=record.headers, name=record.source or record.url or "<input>", config=load)
    if loaded.kind == "text":
        lines = [" ".join(line.split()) for line in loaded.text.splitlines()]
        blocks = [(line, "line") for line in lines if line]
        first = (phrase_key(blocks[0][0]),) if blocks else ()
        return Page(host, tuple(a for a in addresses if a), first, blocks)
    tree = _parse(loaded.text)
    if tree is None:
        return Page(host, tuple(a for a in addresses if a), (), [])
    declared = _CANONICAL(tree)
    if host is None:  # a saved page without its address: the one it declares, else its name
        names = _SITE_NAME(tree)
        host = site_of(None, declared[0] if declared else None, names[0] if names else None)
    for canonical in declared:
        if host_of(canonical) == host:  # a canonical address on another site names no copy here
            addresses.append(address_key(canonical))
    headlines: set[str] = set()
    for xpath in _HEADLINES:
        if found := xpath(tree):
            name = phrase_key(found[0] if isinstance(found[0], str) else _STRING(found[0]))
            headlines.update((name, _SITE_SUFFIX.split(name, 1)[0]))
    _strip_code(tree)
    body = tree.find("body")
    blocks = list(_blocks(body)) if body is not None else []
    return Page(host, tuple(sorted({a for a in addresses if a})), tuple(sorted(h for h in headlines if h)), blocks)


def _blocks(body: etree._Element) -> Iterator[tuple[str, str]]:
    """(text, where) of every box of text under ``body``, in page order."""
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _INLINE or tag in _SKIP:
            continue
        if any(a.tag in _SKIP or a.tag in _INLINE for a in element.iterancestors()):
            continue  # a box inside a link or a script: its text is its parent's
        where = _where(element)
        pieces = [element.text or ""]
        for child in element:
            child_tag = child.tag
            if isinstance(child_tag, str) and child_tag not in _INLINE and child_tag not in _SKIP:
                if text := " ".join("".join(pieces).split()):
                    yield text, where
                pieces = []
            elif isinstance(child_tag, str) and child_tag not in _SKIP:
                pieces.append(_STRING(child))
            pieces.append(child.tail or "")
        if text := " ".join("".join(pieces).split()):
            yield text, where
        for child in element:  # a line of its own inside a box: "<p>… <em>Editor's note: …</em></p>"
            if child.tag in _INLINE_LINES and (text := " ".join(_STRING(child).split())):
                if sum(map(str.isalpha, text)) >= _INLINE_LETTERS:
                    yield text, f"{where}/{child.tag}"


def _where(element: etree._Element) -> str:
    for ancestor in element.iterancestors():
        if ancestor.tag in LANDMARKS:
            return f"{ancestor.tag}/{element.tag}"
    return str(element.tag)
