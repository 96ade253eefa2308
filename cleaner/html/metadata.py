"""Page metadata from the tags publishers write for search engines and social networks.

>>> from .parse import _parse
>>> page_metadata(_parse(
...     "<html><head><title>Tab title</title><meta property='og:title' content=' Budget  passed '>"
...     "<link rel='canonical' href='https://example.org/a'></head><body><p>x</p></body></html>"))
{'title': 'Budget passed', 'canonical': 'https://example.org/a'}
"""

from __future__ import annotations

import regex
from lxml import etree

_META_FIELDS = {  # field: the meta names that hold it, most trusted first
    "title": ("og:title", "twitter:title"),
    "author": ("author", "article:author", "dc.creator"),
    "date": ("article:published_time", "datepublished", "date", "dc.date", "og:published_time"),
    "site": ("og:site_name", "application-name"),
    "url": ("og:url",),
    "description": ("og:description", "description", "twitter:description"),
}
_FALLBACKS = {
    "title": etree.XPath("//h1[1]//text()|//title//text()"),
    "author": etree.XPath("//*[@itemprop='author']//*[@itemprop='name']//text()"),
    "date": etree.XPath("//*[@itemprop='datePublished']/@datetime|//time[@datetime][1]/@datetime"),
}
_ISO_DATE = regex.compile(r"\d{4}-\d{2}-\d{2}")
_WEB_ADDRESS = regex.compile(r"https?://[^\s/?#]+", regex.I)


def page_metadata(tree: etree._Element) -> dict[str, str]:
    """Title, author, date (YYYY-MM-DD), site, url and description where the page declares them.

    Read from the tags publishers write for search engines and social networks
    (OpenGraph, article:*, itemprop, canonical link); trafilatura's own metadata
    pass reads more, at half the cost of an extraction.
    """
    declared: dict[str, str] = {}
    canonical = None
    for element in tree.iter("meta", "link"):  # one pass in C; an XPath per tag walks the page twice
        if element.tag == "link":
            if canonical is None and element.get("rel") == "canonical":
                canonical = element.get("href")
            continue
        content = element.get("content")
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if content is not None and key and key not in declared and (value := " ".join(content.split())):
            declared[key] = value
    found = {}
    for field, keys in _META_FIELDS.items():
        value = next((declared[k] for k in keys if k in declared), "")
        if not value and field in _FALLBACKS:
            value = " ".join(" ".join(map(str, _FALLBACKS[field](tree)[:1])).split())
        if value:
            found[field] = value
    # The page's own address for itself goes under its own key, and only a
    # web address: the crawl's url is the record's (`cleaner.extract`), and a
    # `javascript:` or relative href is no address.
    if canonical and _WEB_ADDRESS.match(canonical.strip()):
        found["canonical"] = canonical.strip()
    if "url" in found and not _WEB_ADDRESS.match(found["url"]):
        del found["url"]
    if "date" in found:
        date = _ISO_DATE.search(found["date"])
        if date:
            found["date"] = date.group()
        else:
            del found["date"]
    return found
