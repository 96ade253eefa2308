"""The page parsed as trafilatura parses it, and the element helpers every HTML step shares.

The tree is built once, by `_parse`, with trafilatura's repairs and parser
settings, so trafilatura takes it as it is instead of parsing the page again.

>>> tree = _parse("<html><body><p>One <b>two</b></p><script>x()</script></body></html>")
>>> _strip_code(tree); _squash(tree.find("body"))
'One two'
>>> nesting_depth("<div><p>text<br></p></div>")
2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import regex
from lxml import etree, html

# As trafilatura.utils.HTML_PARSER.
TRAFILATURA_PARSER: dict[str, Any] = {"collect_ids": False, "default_doctype": False, "encoding": "utf-8",
                      "remove_comments": True, "remove_pis": True}


def _parser() -> etree.HTMLParser:
    """trafilatura's HTML parser settings, with elements made in C.

    lxml.html picks each element's Python class with a Python callback (forms
    and inputs get classes of their own), paid every time code touches an
    element: thousands of times a page inside trafilatura alone.  Neither
    trafilatura nor cleaner uses those form classes, so every element is a
    plain ``HtmlElement``, chosen by lxml's C default lookup.
    """
    parser = html.HTMLParser(**TRAFILATURA_PARSER)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction,
        entity=html.HtmlEntity,
    ))
    return parser


_PARSER = _parser()


def _parse(text: str) -> etree._Element | None:
    """The page as trafilatura's loader would read it: its repairs, its parser settings."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    try:
        try:
            tree = html.fromstring(text, parser=_PARSER)
        except ValueError:  # a str with an encoding declaration: lxml wants bytes
            tree = None
        if tree is None or len(tree) < 1:
            tree = html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    if is_dubious_html(beginning) and len(tree) < 2:
        return None  # trafilatura's test: no html tag and a single block is not a page
    return tree


_CODE = ("style", "svg", "template")  # besides scripts: markup no reader sees as text


def _strip_code(tree: etree._Element) -> None:
    """Scripts, styles, icons and templates out before anything reads or copies the tree.

    trafilatura drops scripts, styles and icons in each of its passes, after
    copying the tree up to four times with them, and our pruning would measure
    a page by its code.  They hold no text of the page, so nothing is recorded
    as removed.  JSON-LD stays: trafilatura's baseline reads articleBody there.
    """
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            _drop_keep_tail(script)
    etree.strip_elements(tree, *_CODE, with_tail=False)


_TAG = regex.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def nesting_depth(page: str) -> int:
    """How deep the page's elements nest, by its tags (asked only when extraction found nothing)."""
    depth = deepest = 0
    for closing, tag, self_closing in _TAG.findall(page):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and tag.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# --- element helpers ------------------------------------------------------------

# An element's whole text, in C (an XPath string result is a str).
_STRING: Callable[[etree._Element], str] = etree.XPath("string()")  # type: ignore[assignment]
_WORD_CHARS = regex.compile(r"\w")


def _squash(element: etree._Element) -> str:
    """The element's text with white space runs made single spaces."""
    return " ".join(_STRING(element).split())


def _drop_keep_tail(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it (lxml stores it on the element)."""
    parent = element.getparent()
    if parent is None:
        return  # already out of the tree
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
