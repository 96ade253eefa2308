"""Page metadata from what publishers write for search engines and readers.

Meta tags (OpenGraph, Twitter, Dublin Core, article:*, parsely), JSON-LD
(`cleaner.html.jsonld`), the <h1> and <title>, byline elements, <time>, and
htmldate (installed with trafilatura) where the page declares no date.

>>> from .parse import _parse
>>> page_metadata(_parse(
...     "<html><head><title>Budget passed | Daily</title><meta property='og:title' content=' Budget  passed '>"
...     "<link rel='canonical' href='https://example.org/a'></head><body><h1>Budget passed</h1><p>x</p></body></html>"))
{'title': 'Budget passed', 'canonical': 'https://example.org/a'}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import cast

import regex
from lxml import etree

from .jsonld import article_jsonld
from .titles import choose_title

_META_FIELDS = {  # field: the meta names that hold it, most trusted first
    "author": ("dc:creator", "dc.creator", "dcterms.creator", "author", "article:author", "parsely-author",
               "sailthru.author", "byl"),
    "published": ("article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
                  "dc.date.issued", "dcterms.issued", "dc.date", "dc:date", "dcterms.date", "date",
                  "publishdate", "pubdate", "sailthru.date"),
    "modified": ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified"),
    "site": ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site_name"),
    "url": ("og:url",),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
}
# Declared titles, most trusted first; <title> comes after them all.
_TITLE_KEYS = ("dc:title", "dc.title", "dcterms.title", "og:title", "twitter:title", "parsely-title", "title")
# (``<meta name="title">`` last: some CMSs fill it with the tab's title, site name and all.)
# lxml-stubs type an XPath result as a union of everything: these return elements, and attribute strings.
_HEADINGS: Callable[[etree._Element], list[etree._Element]] = etree.XPath(  # type: ignore[assignment]
    "(//body//h1)[position() <= 3]")
# Few predicates per element ("yline" finds byline and Byline at once; a translate()
# per class attribute costs a page ten times as much).
_BYLINE: Callable[[etree._Element], list[etree._Element]] = etree.XPath(  # type: ignore[assignment]
    "//body//*[@itemprop='author' or @rel='author' or contains(@class, 'yline')]")
_TIMES: Callable[[etree._Element], list[str]] = etree.XPath(  # type: ignore[assignment]
    "(//*[@itemprop='datePublished']/@datetime | //*[@itemprop='datePublished']/@content"
    " | //time[@pubdate]/@datetime | //time[@datetime]/@datetime)[position() <= 2]")
_ISO = regex.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d{1,6})?\d*)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
_URLISH = regex.compile(r"^(?:https?:|www\.|/)")
_BYLINE_MAX_CHARS = 120  # a byline is a name or a few; longer is a paragraph that mentions the author
_WEB_ADDRESS = regex.compile(r"https?://[^\s/?#]+", regex.I)


def page_metadata(tree: etree._Element, url: str | None = None,
                  shown: list[str] | None = None) -> dict[str, str]:
    """Title, author, date (YYYY-MM-DD), published and modified (ISO 8601), site, url and description.

    ``url`` (the caller's) names the host when the page declares no URL: the
    site's name in a title is recognised by it too.  ``shown``, when given, is
    filled with the page's <h1>s that repeat one of its declared titles: the
    headline as the reader sees it, wherever the chosen title came from.
    """
    declared = _declared_meta(tree)
    canonical = next((link.get("href", "").strip() for link in tree.iter("link")
                      if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").strip()), None)
    ld = article_jsonld(tree)
    found: dict[str, str] = {}
    for field, keys in _META_FIELDS.items():
        if value := next((declared[k] for k in keys if k in declared and not _skip(field, declared[k])), ""):
            found[field] = value
    # The page's own address for itself goes under its own key, and only a
    # web address: the crawl's url is the record's (`cleaner.extract`), and a
    # `javascript:` or relative href is no address.
    if canonical and _WEB_ADDRESS.match(canonical):
        found["canonical"] = canonical
    if "url" in found and not _WEB_ADDRESS.match(found["url"]):
        del found["url"]
    for field in ("author", "published", "modified"):
        if field in ld and (field != "author" or "author" not in found or _URLISH.match(found["author"])):
            found[field] = ld[field]
    if "site" not in found and ld.get("publisher"):
        found["site"] = ld["publisher"]
    if "author" not in found and (byline := _byline(tree)):
        found["author"] = byline
    shown_headings = headings(tree)
    title_element = tree.find(".//title")
    page_title = _text(title_element) if title_element is not None else ""
    titles = _ld_titles(ld, page_title) + [declared[k] for k in _TITLE_KEYS if k in declared]
    # The site's names, and the author's: a blog's tab reads "Post title | Author Name".
    sites = [s for s in (found.get("site"), ld.get("publisher"), declared.get("twitter:site"), found.get("author"))
             if s]
    if title := choose_title(titles, shown_headings, sites, url or found.get("url") or found.get("canonical") or "",
                              page_title):
        found["title"] = title
    if shown is not None:
        declared_titles = {" ".join(t.split()).casefold() for t in titles + [page_title] if t}
        shown.extend(h for h in shown_headings if any(" ".join(h.split()).casefold() in t for t in declared_titles))
    # The language the page declares (<html lang>, else og:locale): evidence for
    # the detect stage's short runs, and the publisher's claim beside ours.
    root = tree.getroottree().getroot()
    declared_lang = " ".join((root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").split())
    if declared_lang or (declared_lang := declared.get("og:locale", "")):
        found["lang"] = declared_lang
    _dates(found, tree)
    return {key: found[key] for key in ("title", "author", "date", "published", "modified", "site", "url",
                                        "canonical", "description", "lang") if found.get(key)}


def headings(tree: etree._Element) -> list[str]:
    """The texts of the page's first <h1>s: the headline as the reader sees it."""
    return [text for h in _HEADINGS(tree) if (text := _text(h))]


def _ld_titles(ld: dict[str, str], page_title: str) -> list[str]:
    """The JSON-LD article's headline, or its name where the tab's title holds the name and not the headline.

    Wikipedia's headline is a description ("Wikimedia list article"), its name the title.
    """
    headline, name = ld.get("headline", ""), ld.get("name", "")
    folded = " ".join(page_title.split()).casefold()
    if headline and name not in ("", headline, ld.get("publisher")) and " ".join(name.split()).casefold() in folded \
            and " ".join(headline.split()).casefold() not in folded:
        return [name]
    return [title for title in (headline or name,) if title]


def _declared_meta(tree: etree._Element) -> dict[str, str]:
    """Every <meta>'s content by its property, name or itemprop (each of several space-separated ones)."""
    declared: dict[str, str] = {}
    for element in tree.iter("meta"):  # one pass in C; an XPath per tag walks the page twice
        content = element.get("content")
        if content is None or not (value := " ".join(content.split())):
            continue
        for attribute in ("property", "name", "itemprop"):
            for key in (element.get(attribute) or "").lower().split():
                declared.setdefault(key, value)
    return declared


def _skip(field: str, value: str) -> bool:
    return field == "author" and bool(_URLISH.match(value))  # article:author is often a profile URL


def _byline(tree: etree._Element) -> str:
    """The first short byline element's text: an author's name in itemprop markup, a rel=author link, a .byline."""
    for element in _BYLINE(tree)[:6]:
        if element.get("itemprop") == "author":
            element = next(iter(cast("list[etree._Element]", element.xpath(".//*[@itemprop='name']"))), element)
        elif element.get("rel") != "author" and "byline" not in (element.get("class") or "").lower():
            continue  # "skyline", "polyline"
        elif element.find(".//p") is not None:
            continue  # a box of paragraphs that mentions its author, not a byline
        text = _text(element)
        if text and len(text) <= _BYLINE_MAX_CHARS:
            return text
    return ""


def _dates(found: dict[str, str], tree: etree._Element) -> None:
    """Published and modified times in ISO 8601 (with time and offset where the page gives them); the day as date."""
    for field in ("published", "modified"):
        if field in found:
            if when := iso_datetime(found[field]):
                found[field] = when
            else:
                del found[field]
    if "published" not in found:
        for value in _TIMES(tree):
            if when := iso_datetime(str(value)):
                found["published"] = when
                break
    if "published" not in found and (day := _htmldate(tree)):
        found["published"] = day
    if "published" in found:
        found["date"] = found["published"][:10]


def iso_datetime(value: str) -> str | None:
    """An ISO 8601 date or datetime as written in pages, checked and written one way.

    >>> iso_datetime("2021-11-01T10:52:50+0100"), iso_datetime("2019-01-03T07:00:02.096Z")
    ('2021-11-01T10:52:50+01:00', '2019-01-03T07:00:02.096+00:00')
    >>> iso_datetime("2024-06-25"), iso_datetime("2017-11-03 03:01:00.000000"), iso_datetime("June 2024")
    ('2024-06-25', '2017-11-03T03:01:00.000000', None)
    """
    match = _ISO.search(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    out = f"{year}-{month}-{day}"
    if hour is None:
        return out
    out += f"T{hour}:{minute}:{second or '00'}" + ("." + fraction[1:] if fraction else "")
    if offset == "Z":
        return out + "+00:00"
    if offset:
        digits = offset.replace(":", "")
        return out + f"{digits[:3]}:{digits[3:]}"
    return out


def _htmldate(tree: etree._Element) -> str | None:
    """The publication day htmldate finds in the page's text and markup (its fast search), if any."""
    try:
        from htmldate import find_date
    except ImportError:  # installed with trafilatura; a stripped-down install just finds fewer dates
        return None
    try:
        return find_date(tree, extensive_search=False, original_date=True)
    except (ValueError, TypeError, etree.LxmlError):
        return None


def _text(element: etree._Element) -> str:
    return " ".join(" ".join(cast("Iterator[str]", element.itertext())).split())  # an HTML tree's text is str
