"""Stage 2 for HTML pages: prune chrome elements by rule, then trafilatura.

Pruning runs on the parsed tree before extraction, where the markup still
says what belongs together:

- an element whose whole text is chrome phrases ("Сообщено ИИ", "Share",
  "Реклама") goes; an AI-image label takes the caption it is glued into, or
  the caption beside it inside a figure-like container;
- a chrome heading ("Связанные статьи") takes the smallest container around
  it that holds more than the heading, as long as that container is small
  next to the page (else the text stage drops the section after extraction);
- consent and newsletter boxes go by their markers (class, id, aria-label)
  in any language, again only when they are small next to the page.

Every pruned element becomes a dropped block, so the
result lists it like any other removal.  Then trafilatura extracts the main
content, keeping block structure (headings, paragraphs, list items, quotes,
table rows) and page metadata.  ``Document.source`` for an HTML page is the
block stream: every block's text, extracted first and pruned after, joined
by blank lines; spans point into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import regex
from lxml import etree

from typing import TYPE_CHECKING

from .document import Block, Document, Removal
from .errors import TooDeepError

if TYPE_CHECKING:
    from .core import Context

# trafilatura settings chosen by bench/scrapinghub.py (see bench/RESULTS.md).
TRAFILATURA_OPTIONS = {"fast": True, "include_comments": False, "include_tables": True}
# When fast extraction finds no structure (one block holding the page: its
# baseline fallback, typical of <div> soup), recall mode finds the paragraphs
# and our rules remove what it lets through.  Fast too: the comparison with
# readability and jusText changed no page of the benchmark or the fixtures.
FALLBACK_OPTIONS = {"fast": True, "favor_recall": True, "include_comments": False, "include_tables": True}
BLOB_MIN_CHARS = 400
SURE_FOUND_CHARS = 2000  # an extraction this long is taken as it is
PARAGRAPH_MIN_CHARS = 150  # a leaf <p> or <div> this long reads like an article paragraph
_LEAF = "[not(descendant::p or descendant::div)][string-length(.) >= $chars]"
_LONG_LEAF_BLOCKS = etree.XPath(f"//body//p{_LEAF}|//body//div{_LEAF}")  # by tag: a fifth faster than self::

SHORT_EXTRACTION_CHARS = 2000  # only extractions shorter than this are checked for being links and captions
NON_PROSE_SHARE = 0.8  # extracted text made this much of link texts and captions is no article
PARSER_MAX_DEPTH = 256  # libxml2 stops building the tree deeper than this
PRUNE_MAX_CHARS = 120  # an element longer than this is never a phrase
# A share or advertising label takes the small box it heads (its buttons, the ad slot).
BOX_CATEGORIES = {"share", "advertising", "newsletter"}
BOX_MAX_CHARS = 200
HEADLINE_SEARCH_BLOCKS = 8  # the headline repeated is looked for among the first blocks
HEADLINE_EXTRA_CHARS = 80  # room beside it for a section name and a date
FURNITURE_MAX_CHARS = 80  # a line above the headline longer than this is not furniture
CONTAINER_MAX_SHARE = 0.3  # a pruned container holds at most this share of the page's text
CAPTION_MAX_CHARS = 400

# Never a chrome phrase (styles, icons and templates are gone by then; JSON-LD scripts stay).
_SKIP = {"script", "noscript", "head", "title", "meta", "link", "math"}
# Consent and newsletter boxes by the words in their class, id or aria-label,
# read lowercased (a case-blind regex costs ten times as much per attribute).
_CONSENT = re.compile(r"cookie|consent|gdpr|onetrust|didomi|usercentrics|куки")
_MARKERS = re.compile(r"cookie|consent|gdpr|onetrust|didomi|usercentrics|куки|newsletter|рассылк")
_XML_SPACE = " \t\r\n"  # what XPath's normalize-space() strips
_HEADING = regex.compile(r"h([1-6])")
_HEADLINE = ".//h1|.//article|.//main|.//*[@itemprop='articleBody']"
_BLOCK_KINDS = {"p": "paragraph", "quote": "quote", "code": "paragraph"}


@dataclass
class _Pruned:
    text: str
    rule: str
    category: str
    lang: str
    action: str


def extract_html(doc: Document, context: Context) -> Document:
    """Blocks and metadata of an HTML page; the context's rules prune chrome first."""
    import trafilatura

    loaded, rules = doc.loaded, context.rules
    tree = _parse(loaded.text)
    if tree is not None:
        _strip_code(tree)
    pruned = _prune(tree, rules) if rules is not None and tree is not None else []
    source = tree if tree is not None else loaded.text
    settings, fallback = _extractors()
    extracted = trafilatura.bare_extraction(source, options=settings)
    if extracted is None or extracted.body is None or _missed_text(extracted.body, tree):
        extracted = trafilatura.bare_extraction(source, options=fallback) or extracted
    pieces: list[tuple[str, str, int]] = []  # (text, kind, heading level)
    metadata: dict[str, str] = {}
    title = None
    if tree is not None:
        metadata = page_metadata(tree)
        title = metadata.pop("title", None)
    if extracted is not None and extracted.body is not None:
        pieces = list(_body_blocks(extracted.body))
    if not pieces and (depth := nesting_depth(loaded.text)) > PARSER_MAX_DEPTH:
        raise TooDeepError(f"{loaded.name}: HTML nested {depth:,} levels deep; the parser reads {PARSER_MAX_DEPTH}")
    pieces, furniture = _headline_furniture(pieces, title)
    reason = None
    if pieces and tree is not None and _links_and_captions(pieces, tree):
        # A list of links or a gallery: recorded as removed, no article passed off.
        furniture += [_Pruned(text, "markup/not-an-article", "not_article", "und", "drop_block")
                      for text, _, _ in pieces]
        pieces, reason = [], "no article: the page is links and captions (a list of links, a gallery)"
    _document(doc, title, pieces, furniture + pruned, metadata)
    doc.reason = reason
    return doc


_TAG = regex.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, by its tags (asked only when extraction found nothing)."""
    depth = deepest = 0
    for closing, tag, self_closing in _TAG.findall(html):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and tag.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


_WORD_CHARS = regex.compile(r"\w")


def _links_and_captions(pieces: list, tree: etree._Element) -> bool:
    """Whether what was extracted is made of link texts and captions (asked of short extractions only)."""
    text = " ".join(t for t, _, _ in pieces)
    if len(text) > SHORT_EXTRACTION_CHARS:
        return False
    letters = len(_WORD_CHARS.findall(text))
    body = tree.find("body")
    for element in body.iter("a", "figcaption") if body is not None else ():
        if piece := _squash(element):
            text = text.replace(piece, " ")
    return len(_WORD_CHARS.findall(text)) < letters * (1 - NON_PROSE_SHARE)


def _headline_furniture(pieces: list, title: str | None) -> tuple[list, list[_Pruned]]:
    """The headline repeated in the body, and the short lines above it (kicker, breadcrumb, date).

    The title is kept apart; a block that repeats it, alone or with a section
    name and a date beside it, goes, and so do short lines before it: article
    text does not come before its own headline.
    """
    if not title:
        return pieces, []
    key = " ".join(title.casefold().split())
    for index, (text, _, _) in enumerate(pieces[:HEADLINE_SEARCH_BLOCKS]):
        folded = " ".join(text.casefold().split())
        if key in folded and len(folded) <= len(key) + HEADLINE_EXTRA_CHARS:
            above = pieces[:index]
            if all(len(t) <= FURNITURE_MAX_CHARS for t, _, _ in above):
                dropped = [
                    _Pruned(t, "markup/headline-furniture", "navigation", "und", "drop_block")
                    for t, _, _ in above + [pieces[index]] if not _same(t, title)
                ]
                return pieces[index + 1:], dropped
            break
    return pieces, []


@cache
def _extractors():
    """trafilatura's settings for the fast call and the recall fallback, built once (each build sets up a date parser)."""
    from trafilatura.settings import Extractor

    names = {"include_comments": "comments", "include_tables": "tables", "favor_recall": "recall"}
    return tuple(
        Extractor(**{names.get(key, key): value for key, value in options.items()})
        for options in (TRAFILATURA_OPTIONS, FALLBACK_OPTIONS)
    )


def _parser() -> etree.HTMLParser:
    """trafilatura's HTML parser settings, with elements made in C.

    lxml.html picks each element's Python class with a Python callback (forms
    and inputs get classes of their own), paid every time code touches an
    element: thousands of times a page inside trafilatura alone.  Neither
    trafilatura nor cleaner uses those form classes, so every element is a
    plain ``HtmlElement``, chosen by lxml's C default lookup.
    """
    from lxml import html

    parser = html.HTMLParser(**TRAFILATURA_PARSER)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction,
        entity=html.HtmlEntity,
    ))
    return parser


# As trafilatura.utils.HTML_PARSER.
TRAFILATURA_PARSER = {"collect_ids": False, "default_doctype": False, "encoding": "utf-8",
                      "remove_comments": True, "remove_pis": True}
_PARSER = _parser()


def _parse(text: str) -> etree._Element | None:
    """The page as trafilatura's loader would read it: its repairs, its parser settings."""
    from lxml import html
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


def _document(doc: Document, title: str | None, pieces, pruned: list[_Pruned], metadata: dict[str, str]) -> None:
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0

    def add(text: str) -> tuple[int, int]:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        start, pos = pos, pos + len(text)
        return start, pos

    doc_title = None
    if title:
        start, end = add(title)
        doc_title = Block(text=title, start=start, end=end, kind="title", level=1, group=0)
    for group, (text, kind, level) in enumerate(pieces, start=1):
        start, end = add(text)
        blocks.append(Block(text=text, start=start, end=end, kind=kind, level=level, group=group))
    for group, item in enumerate(pruned, start=len(pieces) + 1):
        start, end = add(item.text)
        block = Block(text=item.text, start=start, end=end, kind="paragraph", group=group)
        block.dropped = True
        block.removals = [Removal(item.text, item.rule, item.category, item.lang, start, end, item.action)]
        block.cuts = [(0, len(item.text))]
        blocks.append(block)
    doc.source, doc.input_kind, doc.blocks, doc.metadata, doc.title = "".join(parts), "html", blocks, metadata, doc_title


def _missed_text(body: etree._Element, tree: etree._Element | None) -> bool:
    """Fast extraction found no structure, or left out most of a box it took paragraphs from.

    trafilatura on <div> soup may return the whole page as one block (its
    baseline), or keep the <p> paragraphs of the article box and skip their
    <div> siblings.  Both call for recall mode.
    """
    if len(body) <= 1 and len(_STRING(body)) >= BLOB_MIN_CHARS:
        return True
    if tree is None or len(_STRING(body)) >= SURE_FOUND_CHARS:
        return False
    found = {_squash(element) for element in body}
    chars: dict[etree._Element, list[int]] = {}  # parent -> [found, missed]
    for leaf in _LONG_LEAF_BLOCKS(tree, chars=PARAGRAPH_MIN_CHARS):
        text = _squash(leaf)
        if len(text) >= PARAGRAPH_MIN_CHARS:
            chars.setdefault(leaf.getparent(), [0, 0])[text not in found] += len(text)
    return any(found_chars and missed > found_chars for found_chars, missed in chars.values())


def _body_blocks(body: etree._Element):
    for element in body:
        tag = element.tag
        if tag == "list":
            for item in element.iter("item"):
                if text := _squash(item):
                    yield text, "list_item", 0
        elif tag == "table":
            for row in element.iter("row"):
                if text := " | ".join(t for cell in row if (t := _squash(cell))):
                    yield text, "table", 0
        elif tag == "head":
            level = _HEADING.match(element.get("rend", "") or "")
            if text := _squash(element):
                yield text, "heading", int(level.group(1)) if level else 2
        elif tag != "graphic" and (text := _squash(element)):
            yield text, _BLOCK_KINDS.get(tag, "paragraph"), 0


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


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
    if canonical and canonical.strip():
        found["url"] = canonical.strip()
    if "date" in found:
        date = _ISO_DATE.search(found["date"])
        if date:
            found["date"] = date.group()
        else:
            del found["date"]
    return found


# --- pruning ------------------------------------------------------------------


def _prune(tree: etree._Element, rules) -> list[_Pruned]:
    body = tree.find("body")
    if body is None:
        return []
    page_chars = max(1, len(_STRING(body)))
    title_text = " ".join((tree.findtext(".//title") or "").split()).casefold()
    marked, short_texts = _walk(body, PRUNE_MAX_CHARS * 3)
    found = _marked_boxes(marked, page_chars) + _phrase_elements(short_texts, rules, page_chars, title_text)
    chosen = {element for element, *_ in found}
    pruned = []
    for element, rule, category, lang, action in found:
        if element.getparent() is None or any(ancestor in chosen for ancestor in element.iterancestors()):
            continue  # inside a box that goes as a whole (a badge in a teaser box)
        # Text nodes apart, as a reader sees them: "Связанные статьи Teaser…", not "статьиTeaser…".
        if text := " ".join(" ".join(_VISIBLE_TEXT(element)).split()):
            pruned.append(_Pruned(text, rule, category, lang, action))
        _drop_keep_tail(element)
    return pruned


# A box is a block, never a link or a word in a line: "Sign up for our
# <a class='newsletter-link'>newsletter</a> here" keeps its link.
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "br", "button", "cite", "code", "data", "dfn", "em", "i", "img", "input",
    "kbd", "label", "mark", "option", "q", "s", "samp", "select", "small", "span", "strong", "sub", "sup",
    "textarea", "time", "u", "var", "wbr",
})


def _walk(body, limit: int) -> tuple[list, list]:
    """One pass over the page: the elements whose class, id or aria-label
    carry a consent or newsletter marker (with it, lowercased), and every
    non-blank text node of at most ``limit`` characters with the element it
    sits in.  Python walks the tree faster here than libxml2's XPath does.
    """
    marked, short_texts = [], []
    for element in body.iter():
        tag = element.tag
        if isinstance(tag, str):  # not a comment: a comment's text is none of the page's
            if tag not in _INLINE:
                get = element.get
                cls, ident, label = get("class"), get("id"), get("aria-label")
            else:
                cls = ident = label = None
            if (cls or ident or label) and _MARKERS.search(marker := f"{cls or ''} {ident or ''} {label or ''}".lower()):
                marked.append((element, marker))
            text = element.text
            if text and len(text) <= limit and text.strip(_XML_SPACE):
                short_texts.append((element, text))
        text = element.tail  # the text after an element is its parent's
        if text and element is not body and len(text) <= limit and text.strip(_XML_SPACE):
            short_texts.append((element.getparent(), text))
    return marked, short_texts


def _marked_boxes(marked: list, page_chars: int) -> list:
    """Consent and newsletter boxes by their markers, when small next to the page."""
    found = []
    for element, marker in marked:
        if _small(element, page_chars):
            category = "cookie_consent" if _CONSENT.search(marker) else "newsletter"
            found.append((element, f"markup/{category.replace('_', '-')}", category, "und", "drop_block"))
    return found


def _phrase_elements(short_texts: list, rules, page_chars: int, title_text: str) -> list:
    """Elements whose whole text is one chrome phrase, and what goes with them.

    Candidates are the parents of short text nodes, widened to the outermost
    wrapper with the same text: ``<div><span>Реклама</span></div>`` goes whole.
    """
    found, seen = [], set()
    for element, node_text in short_texts:
        if not len(element) and not rules.may_be_phrase(node_text):
            continue  # the node is all the element's text, and starts like no phrase
        if element in seen or element.tag in _SKIP:
            continue
        seen.add(element)
        text = _squash(element)
        if not text or len(text) > PRUNE_MAX_CHARS or (match := rules.match_phrase(text)) is None:
            continue
        while (parent := element.getparent()) is not None and parent.tag != "body" and _squash(parent) == text:
            element = parent
        rule, lang = match
        if rule.action != "drop_caption" and element.tag in _INLINE and _in_a_sentence(element):
            continue  # "sign up for our <a>newsletter</a> here": a word of the text, not a box
        if rule.action in ("drop_section", "drop_rest"):
            # No small box around the heading: leave it, the text stage drops its section.
            if (box := _section_container(element, text, page_chars)) is not None:
                found.append((box, rule.name, rule.category, lang, rule.action))
        elif rule.action == "drop_caption" and (caption := _caption_of(element, title_text)) is not None:
            found.append((caption, rule.name, "ai_image_caption", lang, "drop_caption"))
        elif rule.category in BOX_CATEGORIES and (
            box := _section_container(element, text, page_chars, BOX_MAX_CHARS)
        ) is not None:
            found.append((box, rule.name, rule.category, lang, rule.action))  # "Teilen" and its buttons
        else:
            found.append((element, rule.name, rule.category, lang, rule.action))
    return found


def _small(element, page_chars: int) -> bool:
    return len(_STRING(element)) <= page_chars * CONTAINER_MAX_SHARE


def _section_container(heading, heading_text: str, page_chars: int, max_chars: int | None = None):
    """The box a chrome heading titles: the smallest ancestor that holds more than
    the heading and starts with it, if it is small next to the page (and within
    ``max_chars``) and holds no headline.  A box that merely contains the word
    somewhere is not its section."""
    node = heading
    while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
        text = _squash(parent)
        if len(text) > len(heading_text):
            small = _small(parent, page_chars) and (max_chars is None or len(text) <= max_chars)
            if text.startswith(heading_text) and small and not parent.xpath(_HEADLINE):
                return parent
            return None
        node = parent
    return None


def _caption_of(label, title_text: str):
    """The caption an AI-image label belongs to: the block it is glued into, or the one before it in a figure."""
    parent = label.getparent()
    if parent is None or parent.tag in ("body", "article", "main"):
        return None
    # "caption text<span>label</span>": the label is written into its caption.
    around = _squash(parent).replace(_squash(label), "").strip() if _has_own_text(parent) else ""
    if around:
        caption = parent
    elif parent.xpath(".//img|.//picture"):  # a label beside its caption in an image box
        caption = label.getprevious()
        while caption is not None and not _squash(caption):
            caption = caption.getprevious()
        if caption is None:
            return None
        around = _squash(caption)
    else:
        return None  # a label alone, under a headline or between paragraphs
    if len(around) > CAPTION_MAX_CHARS or around.casefold() == title_text or caption.xpath("self::h1|.//h1"):
        return None
    return caption


_STRING = etree.XPath("string()")
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::noscript)]")


def _in_a_sentence(element) -> bool:
    """Whether words stand beside the element in its parent (not just separators such as "|")."""
    parent = element.getparent()
    around = [parent.text] + [child.tail for child in parent]
    return any(_WORD_CHARS.search(piece) for piece in around if piece)


def _has_own_text(element) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)


def _squash(element) -> str:
    return " ".join(_STRING(element).split())


def _drop_keep_tail(element) -> None:
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
