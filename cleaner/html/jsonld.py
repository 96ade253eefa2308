"""What a page's JSON-LD (schema.org) says about its article: headline, authors, dates, publisher.

>>> from .parse import _parse
>>> article_jsonld(_parse('''<html><head><script type="application/ld+json">
... {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Tageblatt"},
...  {"@type": "NewsArticle", "headline": "Der Rhein  führt Niedrigwasser",
...   "author": [{"@type": "Person", "name": "Anna Berg"}, {"name": "Jan Roth"}],
...   "datePublished": "2025-08-02T06:30:00+02:00", "publisher": {"name": "Tageblatt"}}]}
... </script></head><body><p>x</p></body></html>'''))
{'headline': 'Der Rhein führt Niedrigwasser', 'author': 'Anna Berg, Jan Roth', 'published': '2025-08-02T06:30:00+02:00', 'publisher': 'Tageblatt'}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import regex
from lxml import etree

# lxml-stubs type an XPath result as a union of everything; an element path returns elements.
_SCRIPTS: Callable[[etree._Element], list[etree._Element]] = etree.XPath(  # type: ignore[assignment]
    "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
# Types whose headline and dates are the page's article (schema.org's CreativeWork kinds a news page uses).
_ARTICLE_TYPES = ("article", "posting", "report", "blogposting", "webpage", "creativework", "review", "recipe")
_CDATA = regex.compile(r"\A\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*\Z")
_FIELDS = {"headline": ("headline",), "name": ("name",), "author": ("author", "creator"), "published": ("datePublished",
           "dateCreated", "uploadDate"), "modified": ("dateModified",), "publisher": ("publisher",)}


def article_jsonld(tree: etree._Element) -> dict[str, str]:
    """Headline, author(s), published and modified dates and publisher of the page's article, where declared.

    The most article-like object wins (a NewsArticle before a WebPage); broken
    JSON, which pages ship often, is skipped.
    """
    best: dict[str, Any] | None = None
    best_rank = len(_ARTICLE_TYPES)
    site = ""
    for script in _SCRIPTS(tree):
        text = _CDATA.sub("", script.text or "")  # "<![CDATA[ {...} ]]>", as XHTML-minded CMSs write it
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for item in _objects(data):
            kinds = item.get("@type", "")
            kinds = " ".join(kinds if isinstance(kinds, list) else [str(kinds)]).lower()
            if "website" in kinds or "organization" in kinds:
                site = site or _name(item.get("name"))
            rank = next((i for i, kind in enumerate(_ARTICLE_TYPES) if kind in kinds), None)
            if rank is not None and rank < best_rank:
                best, best_rank = item, rank
    found: dict[str, str] = {}
    if best is not None:
        for field, keys in _FIELDS.items():
            if field == "name" and best_rank >= _ARTICLE_TYPES.index("webpage"):
                continue  # a WebPage's name is often the site's
            value = next((v for key in keys if (v := _name(best.get(key)))), "")
            if value:
                found[field] = value
    if site and "publisher" not in found:
        found["publisher"] = site
    return found


def _objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, through @graph and lists (a few levels: never a deep walk)."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"], depth + 1)
        if isinstance(data.get("mainEntity"), (dict, list)):
            yield from _objects(data["mainEntity"], depth + 1)


def _name(value: Any) -> str:
    """A person, organisation or text as one line: names of a list joined by commas."""
    if isinstance(value, list):
        names = [name for item in value if (name := _name(item))]
        return ", ".join(dict.fromkeys(names))
    if isinstance(value, dict):
        value = value.get("name") or ""
    return " ".join(value.split()) if isinstance(value, str) else ""
