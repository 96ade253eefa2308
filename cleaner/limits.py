"""What one page may cost: its wall-clock deadline, its rule-time budget, and its structure.

`page_clock` opens a page's clock (`Cleaner.clean` does, per call and per
thread: a context variable, so threads sharing a `Cleaner` keep their own);
`check_time` raises `PageTimeoutError` once the page is past its limit, and
`pattern_budget` tells a rule pattern how long it may still run.

`limit` is a stage, run before the parser: an HTML page with more elements or
attributes than `LimitsConfig` allows is refused with a clear error before
libxml2 and trafilatura spend minutes and gigabytes on it.

>>> from cleaner.config import LimitsConfig
>>> check_structure("<p a=1 b=2>x</p>" * 3, LimitsConfig(), "<input>")
>>> check_structure("<p>" * 5, LimitsConfig(max_elements=4), "page.html")
Traceback (most recent call last):
  ...
cleaner.errors.TooComplexError: page.html: HTML has more than 4 elements (max_elements)
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, cast

import regex

from .config import LimitsConfig
from .document import Document
from .errors import PageTimeoutError, TooComplexError

if TYPE_CHECKING:
    from .core import Context

__all__ = ["check_structure", "check_time", "limit", "page_clock", "pattern_budget", "spend_pattern_time"]


@dataclass
class _Clock:
    name: str
    timeout: float | None
    deadline: float | None
    pattern_left: float


_CLOCK: ContextVar[_Clock | None] = ContextVar("cleaner_page_clock", default=None)


@contextmanager
def page_clock(name: str, timeout: float | None, pattern_budget: float) -> Iterator[None]:
    """The time limits of one page, for the stages that run inside this block."""
    deadline = time.monotonic() + timeout if timeout else None
    token = _CLOCK.set(_Clock(name, timeout, deadline, pattern_budget))
    try:
        yield
    finally:
        _CLOCK.reset(token)


def check_time() -> None:
    """Raise `PageTimeoutError` when the current page is past its time limit."""
    clock = _CLOCK.get()
    if clock is not None and clock.deadline is not None and time.monotonic() > clock.deadline:
        raise PageTimeoutError(f"{clock.name}: cleaning took longer than the time limit of {clock.timeout:g}s (timeout)")


def pattern_budget(per_block: float) -> tuple[float, str]:
    """How long a user pattern may run on this block, and which limit that is ("block", "page", "timeout")."""
    clock = _CLOCK.get()
    if clock is None:
        return per_block, "block"
    check_time()
    budget, which = per_block, "block"
    if clock.pattern_left < budget:
        budget, which = clock.pattern_left, "page"
    if clock.deadline is not None and clock.deadline - time.monotonic() < budget:
        budget, which = clock.deadline - time.monotonic(), "timeout"
    if budget <= 0:
        raise_budget(which)
    return budget, which


def spend_pattern_time(seconds: float) -> None:
    """Count pattern time against the page's budget."""
    clock = _CLOCK.get()
    if clock is not None:
        clock.pattern_left -= seconds


def raise_budget(which: str) -> None:
    """The error for a pattern stopped by the page's budget or deadline (not by its own block limit)."""
    from .errors import RuleTimeoutError

    clock = _CLOCK.get()
    name = clock.name if clock else "<input>"
    if which == "timeout":
        check_time()
        raise PageTimeoutError(
            f"{name}: cleaning took longer than the time limit of {cast(_Clock, clock).timeout:g}s (timeout)")
    raise RuleTimeoutError(f"{name}: rule patterns ran past their budget for one page (pattern_page_budget); "
                           "make them linear (no nested quantifiers)")


# A start tag, or a script, style or comment taken whole: code in them is no
# markup (an unterminated one runs to the end, as it does for the parser, so
# the scan stays linear).
_START_TAG = regex.compile(
    r"(?P<tag><(?:script|style)\b[^>]*>)(?:.*?</(?:script|style)\s*>|.*)|<!--(?:.*?-->|.*)|(?P<tag><[A-Za-z][^>]*)",
    regex.I | regex.S,
)
# An attribute: a name, then maybe = and a value, quoted or not.
_ATTRIBUTE = regex.compile(r"""[\s/]+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
_TAG_NAME = regex.compile(r"<\w+")
_LONG_TAG = 64  # a tag shorter than this holds few attributes: not worth tokenising


def check_structure(html: str, config: LimitsConfig, name: str) -> None:
    """Refuse HTML with more elements or attributes than ``config`` allows, counted in one linear scan.

    The scan runs in C (one ``findall``); Python only looks at the few long
    tags, whose attributes are tokenised (a short tag's are its ``=`` signs).
    A page that `_surely_within` clears is not scanned: it cannot be refused.
    """
    if not _surely_within(html, config):
        _scan(html, config, name)


def _scan(html: str, config: LimitsConfig, name: str) -> None:
    """`check_structure`'s scan: every tag counted."""
    tags = [tag for (tag,) in _START_TAG.findall(html) if tag]  # comments, scripts and styles give ""
    if config.max_elements and len(tags) > config.max_elements:
        raise TooComplexError(f"{name}: HTML has more than {config.max_elements:,} elements (max_elements)")
    long_tags = [tag for tag in tags if len(tag) >= _LONG_TAG]
    attributes = "".join(tag for tag in tags if len(tag) < _LONG_TAG).count("=")
    for tag in long_tags:
        count = len(_ATTRIBUTE.findall(tag, len(cast("regex.Match[str]", _TAG_NAME.match(tag)).group())))
        attributes += count
        if config.max_element_attributes and count > config.max_element_attributes:
            at = html.find(tag)
            raise TooComplexError(f"{name}: an element at character {at:,} has {count:,} attributes, "
                                  f"over the limit of {config.max_element_attributes:,} (max_element_attributes)")
    if config.max_attributes and attributes > config.max_attributes:
        raise TooComplexError(f"{name}: HTML has {attributes:,} attributes, over the limit of "
                              f"{config.max_attributes:,} (max_attributes)")


@cache
def _long_stretch(max_element_attributes: int) -> re.Pattern[str]:
    """A stretch after a ``>`` long enough to hold a tag with more than ``max_element_attributes`` attributes.

    Each attribute the scan counts in a tag takes at least two characters (a
    space or slash, then a name), after at least ``<`` and a letter; a tag
    runs to a ``>`` and holds none before it.  Anchored on a ``>``, the
    search stays linear; ``re``: four times faster than ``regex`` here.
    """
    return re.compile(r">([^>]{%d,})" % (2 * max_element_attributes + 2))


_TAG_START = regex.compile(r"<[A-Za-z]", regex.I)  # as the scan's tags: case-blind, "<ſ" (long s) is one too


def _surely_within(html: str, config: LimitsConfig) -> bool:
    """Whether bounds cheaper than the scan already keep the page within every limit.

    Each element the scan counts starts with a ``<``; each attribute is a
    ``=`` of a short tag or two characters or more of a long one.  A tag with
    too many attributes lies in a long stretch between two ``>`` and starts at
    its first ``<`` and letter (one starting further on would be inside
    whatever starts there: a tag, a script or a comment, which all end at a
    ``>``); from there it is tokenised as the scan would.  Most pages pass
    all three in a fraction of the scan's time; one that fails a bound is
    scanned, which says which limit it is over, if any.
    """
    # Counted only when the page's length alone allows too many: an element takes two characters, an attribute one.
    if config.max_elements and len(html) // 2 > config.max_elements and html.count("<") > config.max_elements:
        return False
    if config.max_attributes and len(html) > config.max_attributes \
            and html.count("=") + len(html) // 2 > config.max_attributes:
        return False
    if most := config.max_element_attributes:
        first = html.find(">")
        stretches = [(0, len(html) if first < 0 else first)]  # the page's start, before any ">"
        stretches += ((found.start(1), found.end(1)) for found in _long_stretch(most).finditer(html))
        for begin, end in stretches:
            start = _TAG_START.search(html, begin, end)
            if start is not None:
                tag = html[start.start():end]
                attributes = _ATTRIBUTE.finditer(tag, len(cast("regex.Match[str]", _TAG_NAME.match(tag)).group()))
                if len(list(islice(attributes, most + 1))) > most:  # enough to know (script code counts words)
                    return False
    return True


def limit(doc: Document, context: Context) -> Document:
    """Stage: refuse an HTML page whose structure is over the limits, before it is parsed.  Reads ``loaded``."""
    loaded = doc.loaded
    if loaded is not None and loaded.kind == "html":
        check_structure(loaded.text, context.config.limits, loaded.name)
    check_time()
    return doc
