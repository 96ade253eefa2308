"""Pruning by rule on the parsed tree, before extraction, in one walk of the page.

- an element whose whole text is chrome phrases ("Сообщено ИИ", "Share",
  "Реклама") goes; an AI-image label takes the caption it is glued into, or
  the caption beside it inside a figure-like container;
- a chrome heading ("Связанные статьи") takes the smallest container around
  it that holds more than the heading, as long as that container is small
  next to the page (else the text stage drops the section after extraction);
- boxes go by the markers of the markup rules (words in their class, id or
  aria-label: consent, newsletter, or a user pack's), again only when small.

What the rule's action means for an element is `Action.element`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from lxml import etree

from ..config import CleanerConfig, HtmlConfig
from ..document import UNDETERMINED, Removal
from ..rules import Action, Rule, RuleSet
from ..rules.actions import CAPTION_CATEGORY
from .captions import IMAGE_TAGS, LABEL_ATTRIBUTES, caption_of, caption_of_picture
from .parse import _STRING, _WORD_CHARS, _drop_keep_tail, _squash

# A share, advertising or newsletter label takes the small box it heads (its buttons, the ad slot).
BOX_CATEGORIES = {"share", "advertising", "newsletter"}
# Never a chrome phrase (styles, icons and templates are gone by then; JSON-LD scripts stay).
_SKIP = {"script", "noscript", "head", "title", "meta", "link", "math"}
# A box is a block, never a link or a word in a line: "Sign up for our
# <a class='newsletter-link'>newsletter</a> here" keeps its link.
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "br", "button", "cite", "code", "data", "dfn", "em", "i", "img", "input",
    "kbd", "label", "mark", "option", "q", "s", "samp", "select", "small", "span", "strong", "sub", "sup",
    "textarea", "time", "u", "var", "wbr",
})
_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips
_HEADLINE = ".//h1|.//article|.//main|.//*[@itemprop='articleBody']"
# (lxml-stubs type an XPath result as a union of everything: text nodes are strings.)
_VISIBLE_TEXT: Callable[[etree._Element], list[str]] = etree.XPath(  # type: ignore[assignment]
    ".//text()[not(ancestor::script or ancestor::noscript)]")

# What the walk collects, as plain tuples (one per hit, no object per element):
Marked = list[tuple[etree._Element, str]]  # (element, its class, id and aria-label lowercased)
ShortTexts = list[tuple[etree._Element, str]]  # (element, a short text node in it)


@dataclass(slots=True)
class Pruned:
    """A piece of chrome the markup shows, and the rule that takes it.

    Found as an ``element`` (pruning) and recorded by its ``text``; the
    removal's name, category and action are the rule's, unless given here:
    the caption an AI-image label takes is ``ai_image_caption`` and ``drop_caption``.
    """

    rule: Rule
    lang: str = UNDETERMINED
    element: etree._Element | None = None
    text: str = ""
    category: str | None = None  # None: the rule's
    action: Action | None = None  # None: the rule's

    def removal(self, start: int, end: int) -> Removal:
        return Removal(self.text, self.rule.name, self.category or self.rule.category, self.lang, start, end,
                       self.action or self.rule.action)


@dataclass(frozen=True)
class _Markers:
    """The markup rules' markers: one regex for the walk, then each rule's own in pack order."""

    any: re.Pattern[str]
    each: tuple[tuple[re.Pattern[str], Rule], ...]
    # Read on inline elements too: text only screen readers are given sits in a
    # link or a line ("report<span class='sr-only'> (opens in a new window)</span>").
    inline: re.Pattern[str]

    def rule(self, marker: str) -> Rule:
        """The first rule, in pack order, whose markers ``marker`` holds (consent before newsletter)."""
        return next(rule for pattern, rule in self.each if pattern.search(marker))


_SCREEN_READER = "markup/screen-reader-text"
_MARKERS: dict[tuple[Rule, ...], _Markers] = {}  # by the rule set's marked rules; a few rule sets a process
_NEVER = "(?!)"


def _markers(rules: RuleSet) -> _Markers:
    """The markers of ``rules``, compiled once per set of rules.

    Python's `re` over the lowercased attributes: a case-blind regex costs ten
    times as much per attribute.
    """
    key = tuple(rules.marked)
    markers = _MARKERS.get(key)
    if markers is None:
        each = tuple((re.compile("|".join(map(re.escape, rule.markers))), rule) for rule in key)
        words = "|".join(re.escape(word) for rule in key for word in rule.markers)
        if len(_MARKERS) >= 16:
            _MARKERS.clear()
        hidden = "|".join(re.escape(word) for rule in key if rule.name == _SCREEN_READER for word in rule.markers)
        markers = _MARKERS[key] = _Markers(re.compile(words or _NEVER), each, re.compile(hidden or _NEVER))
    return markers


def prune(tree: etree._Element, rules: RuleSet, config: CleanerConfig) -> list[Pruned]:
    """Take chrome elements out of ``tree``; what they held, with its rule, in page order of finding."""
    body = tree.find("body")
    if body is None:
        return []
    html = config.html
    markers = _markers(rules)
    page_chars = max(1, len(_STRING(body)))
    title_text = " ".join((tree.findtext(".//title") or "").split()).casefold()
    # Text nodes are measured before their white space is squashed: three times the phrase limit.
    marked, short_texts = _walk(body, html.prune_max_chars * 3, markers.any, markers.inline)
    found = _marked_boxes(marked, markers, page_chars, html) + _phrase_elements(
        short_texts, rules, page_chars, title_text, config) + _labelled_pictures(body, rules, title_text, config)
    chosen = {item.element for item in found}
    pruned = []
    for item in found:
        element = cast(etree._Element, item.element)  # pruning finds elements
        if element.getparent() is None or any(ancestor in chosen for ancestor in element.iterancestors()):
            continue  # inside a box that goes as a whole (a badge in a teaser box)
        # Text nodes apart, as a reader sees them: "Связанные статьи Teaser…", not "статьиTeaser…".
        # (A label in a picture's alt text comes with its text: the picture has none.)
        if text := item.text or " ".join(" ".join(_VISIBLE_TEXT(element)).split()):
            item.text = text
            pruned.append(item)
        _drop_keep_tail(element)
    return pruned


def _walk(body: etree._Element, limit: int, markers: re.Pattern[str],
          inline: re.Pattern[str]) -> tuple[Marked, ShortTexts]:
    """One pass over the page: the elements whose class, id or aria-label
    carry a marker (with it, lowercased; an inline element only by its class
    and an ``inline`` marker), and every non-blank text node of at most
    ``limit`` characters with the element it sits in.  Python walks the tree
    faster here than libxml2's XPath does.
    """
    marked: Marked = []
    short_texts: ShortTexts = []
    search = markers.search
    for element in body.iter():
        tag = element.tag
        if isinstance(tag, str):  # not a comment: a comment's text is none of the page's
            if tag not in _INLINE:
                get = element.get
                cls, ident, label = get("class"), get("id"), get("aria-label")
                if (cls or ident or label) and search(marker := f"{cls or ''} {ident or ''} {label or ''}".lower()):
                    marked.append((element, marker))
            elif (cls := element.get("class")) and inline.search(marker := cls.lower()):
                marked.append((element, marker))
            text = element.text
            if text and len(text) <= limit and text.strip(_XML_SPACE):
                short_texts.append((element, text))
        text = element.tail  # the text after an element is its parent's
        if text and element is not body and len(text) <= limit and text.strip(_XML_SPACE):
            short_texts.append((cast(etree._Element, element.getparent()), text))  # below body: a parent
    return marked, short_texts


def _marked_boxes(marked: Marked, markers: _Markers, page_chars: int, html: HtmlConfig) -> list[Pruned]:
    """Boxes by their markers (consent, newsletter), when small next to the page."""
    return [Pruned(markers.rule(marker), UNDETERMINED, element)
            for element, marker in marked if _small(element, page_chars, html)]


def _phrase_elements(short_texts: ShortTexts, rules: RuleSet, page_chars: int, title_text: str,
                     config: CleanerConfig) -> list[Pruned]:
    """Elements whose whole text is one chrome phrase, and what goes with them.

    Candidates are the parents of short text nodes, widened to the outermost
    wrapper with the same text: ``<div><span>Реклама</span></div>`` goes whole.
    """
    html = config.html
    found: list[Pruned] = []
    seen: set[etree._Element] = set()
    for element, node_text in short_texts:
        if not len(element) and not rules.may_be_phrase(node_text):
            continue  # the node is all the element's text, and starts like no phrase
        if element in seen or element.tag in _SKIP:
            continue
        seen.add(element)
        text = _squash(element)
        if not text or len(text) > html.prune_max_chars or (match := rules.match_phrase(text)) is None:
            continue
        while (parent := element.getparent()) is not None and parent.tag != "body" and _squash(parent) == text:
            element = parent
        rule, lang = match
        takes = rule.action.element
        if not rule.action.takes_caption and element.tag in _INLINE and _in_a_sentence(element):
            continue  # "sign up for our <a>newsletter</a> here": a word of the text, not a box
        if takes == "section":
            # No small box around the heading: leave it, the text stage drops its section.
            if (box := _section_container(element, text, page_chars, html)) is not None:
                found.append(Pruned(rule, lang, box))
        elif takes == "caption" and (
            caption := caption_of(element, title_text, config.rules.caption_max_chars, html.caption_box_extra_chars)
        ) is not None:
            # Both go, both recorded: the caption, and the label where it is an element of its own.
            found.append(Pruned(rule, lang, caption, category=CAPTION_CATEGORY, action=Action.DROP_CAPTION))
            if caption not in element.iterancestors():
                found.append(Pruned(rule, lang, element))
        elif rule.category in BOX_CATEGORIES and (
            box := _section_container(element, text, page_chars, html, html.box_max_chars)
        ) is not None:
            found.append(Pruned(rule, lang, box))  # "Teilen" and its buttons
        else:
            found.append(Pruned(rule, lang, element))
    return found


def _labelled_pictures(body: etree._Element, rules: RuleSet, title_text: str,
                       config: CleanerConfig) -> list[Pruned]:
    """Pictures whose alt, title or aria-label is an AI-image label: the caption beside them goes, and the label
    is recorded (the picture itself adds no text)."""
    found = []
    for picture in body.iter(*IMAGE_TAGS):
        for attribute in LABEL_ATTRIBUTES:
            value = " ".join((picture.get(attribute) or "").split())
            if not value or len(value) > config.html.prune_max_chars or not rules.may_be_phrase(value):
                continue
            match = rules.match_phrase(value)
            if match is None or not match[0].action.takes_caption:
                continue
            rule, lang = match
            caption = caption_of_picture(picture, title_text, config.rules.caption_max_chars,
                                         config.html.caption_box_extra_chars)
            if caption is not None:
                found.append(Pruned(rule, lang, caption, category=CAPTION_CATEGORY, action=Action.DROP_CAPTION))
                found.append(Pruned(rule, lang, picture, text=value))
            break
    return found


def _small(element: etree._Element, page_chars: int, html: HtmlConfig) -> bool:
    return len(_STRING(element)) <= page_chars * html.container_max_share


def _section_container(heading: etree._Element, heading_text: str, page_chars: int, html: HtmlConfig,
                       max_chars: int | None = None) -> etree._Element | None:
    """The box a chrome heading titles: the smallest ancestor that holds more than
    the heading and starts with it, if it is small next to the page (and within
    ``max_chars``) and holds no headline.  A box that merely contains the word
    somewhere is not its section."""
    node = heading
    while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
        text = _squash(parent)
        if len(text) > len(heading_text):
            small = _small(parent, page_chars, html) and (max_chars is None or len(text) <= max_chars)
            if text.startswith(heading_text) and small and not parent.xpath(_HEADLINE):
                return parent
            return None
        node = parent
    return None


def _in_a_sentence(element: etree._Element) -> bool:
    """Whether words stand beside the element in its parent (not just separators such as "|")."""
    parent = cast(etree._Element, element.getparent())  # a found box, inside the body
    around = [parent.text] + [child.tail for child in parent]
    return any(_WORD_CHARS.search(piece) for piece in around if piece)


