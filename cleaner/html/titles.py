"""The article's title: chosen among the page's declared titles and its <h1>, without the site's name.

>>> choose_title(["Ливни затопили Сочи | Новости Кубани"], ["Ливни затопили Сочи"], ["Новости Кубани"], "")
'Ливни затопили Сочи'
>>> choose_title([], ["Ливни затопили Сочи"], [], "", page_title="Ливни затопили Сочи - Регион - Новости")
'Ливни затопили Сочи'
>>> strip_site("「円安」が加速 ｜ 日経新聞", ["日経新聞"], "")
'「円安」が加速'
>>> strip_site("Hermitian matrix - Wikipedia", [], "https://en.wikipedia.org/wiki/Hermitian_matrix")
'Hermitian matrix'
>>> strip_site("Uncork the mystery of Germany's Frühburgunder | DW | 10.06.2013", [], "https://www.dw.com/en/a-16872966")
"Uncork the mystery of Germany's Frühburgunder"
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import regex

# Where a title's parts meet, in any script: " | ", " - ", " — ", "｜", " :: ", " « ", "_" between CJK words ...
_SEPARATOR = regex.compile(
    r"\s+[|\-–—·•/»«~]\s+|\s*[｜│︱]\s*|\s+::\s+|\s+_\s*|(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])_"
    r"|_(?=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}])"
)
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# A date the tab title ends with ("Headline | DW | 10.06.2013"): the page's stamp, not its headline.
_DATE = regex.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}")
# Host labels that name no site: the web's own and the usual subdomains.
_HOST_NOISE = {"www", "m", "en", "mobile", "amp", "news", "com", "org", "net", "co", "gov", "edu", "html"}


def choose_title(declared: list[str], headings: list[str], sites: list[str], url: str,
                 page_title: str = "") -> str | None:
    """The article's title: of ``declared`` (JSON-LD, meta tags, most trusted first) the one an <h1>
    repeats, else the most trusted; else ``<title>``; else an <h1>.

    The site's name is cut off each.  ``<title>`` comes last because it is the
    browser tab's: "Headline - Section - Site" where the page's <h1> says
    which leading part is the headline.
    """
    others = declared + headings + [page_title]
    stripped = [strip_site(title, sites, url, others) for title in declared if title]
    folded_headings = {_fold(h) for h in headings if h}
    # The one the reader sees as the headline first: JSON-LD often holds an SEO variant.
    for title in stripped:
        if _fold(title) in folded_headings:
            return title
    if stripped:
        return stripped[0]
    if page_title:
        for part in _parts(page_title):
            if _fold(part) in folded_headings:
                return part
        return strip_site(page_title, sites, url, others)
    return next((h for h in headings if h), None)


def strip_site(title: str, sites: list[str], url: str, others: Sequence[str] = ()) -> str:
    """``title`` without the site's name at its end or start.

    A part at either end is the site's when it is one of ``sites`` (og:site_name,
    publisher), spells the host's name (``BBC`` on bbc.co.uk), or is what the
    title adds to another title of the same page (``others``).  What is left
    must still say something: a title is never cut to nothing.
    """
    if not _SEPARATOR.search(title):
        return title  # most declared titles: nothing to cut, nothing to compare
    keys = {_squash(site) for site in sites if _squash(site)}
    hosts = _host_names(url)
    bare = {_fold(other) for other in others if other}
    changed = True
    while changed:
        changed = False
        matches = list(_SEPARATOR.finditer(title))
        if not matches:
            break
        # The end first ("Headline | Site"); a leading part only when it is the site's very name
        # ("Site :: Headline"): "Google fined - The Keyword" on google.com keeps its headline.
        for keep, part, leading in ((title[:matches[-1].start()], title[matches[-1].end():], False),
                                    (title[matches[0].end():], title[:matches[0].start()], True)):
            keep, part = keep.strip(), part.strip()
            if len(_squash(keep)) < 2 or len(keep) < len(part) // 3:
                continue
            if (_is_site(part, keys, hosts, exact=leading) or (_fold(keep) in bare and _fold(title) != _fold(keep))
                    or (not leading and _DATE.fullmatch(part))):
                title, changed = keep, True
                break
    return title


def _is_site(part: str, keys: set[str], hosts: set[str], exact: bool = False) -> bool:
    squashed = _squash(part)
    if not squashed:
        return False
    if exact:
        return squashed in keys or squashed in hosts
    if any(squashed == key or (len(key) >= 4 and (key in squashed or squashed in key)) for key in keys):
        return True
    return any(squashed == host or (len(host) >= 4 and (host in squashed or (len(squashed) >= 4 and
               squashed in host))) for host in hosts)


def _host_names(url: str) -> set[str]:
    """The labels of the URL's host that may name the site: "wikipedia" for en.wikipedia.org."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return set()
    labels = host.split(".")
    labels = labels[:-1] if len(labels) > 1 else labels  # the top-level domain names no site
    return {label for label in labels if label and label not in _HOST_NOISE}


def _parts(title: str) -> list[str]:
    """The title's leading parts: "A - B - C" gives "A" and "A - B"."""
    return [title[:m.start()].strip() for m in _SEPARATOR.finditer(title)]


def title_parts(title: str) -> list[str]:
    """The title's leading and trailing parts at its separators, the longest first.

    >>> title_parts("Singapore opens a solar farm_环球快讯网")
    ['Singapore opens a solar farm', '环球快讯网']
    """
    cuts = list(_SEPARATOR.finditer(title))
    parts = [title[:m.start()].strip() for m in cuts] + [title[m.end():].strip() for m in cuts]
    return sorted((p for p in parts if p), key=len, reverse=True)


def _squash(text: str) -> str:
    return _NOT_WORD.sub("", text).casefold()


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
