"""trafilatura on the pruned tree, and the Document built from what it found and what was pruned."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import regex
from lxml import etree

from ..config import HtmlConfig
from ..document import NO_LAYOUT, Block, Document, Layout
from ..errors import TooDeepError
from ..load import document_start
from ..rules import Rule, RuleSet
from . import inline
from .metadata import page_metadata
from .parse import _STRING, _WORD_CHARS, _parse, _squash, _strip_code, nesting_depth
from .prune import Pruned, prune
from .titles import title_parts

if TYPE_CHECKING:
    from trafilatura.settings import Document as Extracted
    from trafilatura.settings import Extractor

    from ..core import Context

# trafilatura settings chosen by bench/scrapinghub.py (see bench/RESULTS.md).
# Recall mode: the cleaner's own rules remove the chrome it lets through, and
# its balanced mode would spend a page's text and, on short extractions, a
# second extraction in recall mode anyway (its "recall escalation"; 0.18 of
# clean()'s time on the benchmark).  Fast: the comparison with readability and
# jusText changed no page of the benchmark or the fixtures.
TRAFILATURA_OPTIONS: dict[str, Any] = {"fast": True, "favor_recall": True, "include_comments": False,
                                       "include_tables": True}
# When recall mode leaves out most of a box it took paragraphs from (a page
# whose paragraphs repeat one another, plain <p>s between <hr>s and <h2>s),
# trafilatura's full run, which compares its result with readability's and
# jusText's, has the last word.
THOROUGH_OPTIONS: dict[str, Any] = {"fast": False, "include_comments": False, "include_tables": True}
_LEAF = "[not(descendant::p or descendant::div)][string-length(.) >= $chars]"
# By tag: a fifth faster than self::.  (lxml-stubs type XPath results as a union of everything: these are elements.)
_LONG_LEAF_BLOCKS: Callable[..., list[etree._Element]] = etree.XPath(  # type: ignore[assignment]
    f"//body//p{_LEAF}|//body//div{_LEAF}")
_HEADING = regex.compile(r"h([1-6])")
_BLOCK_KINDS = {"p": "paragraph", "quote": "quote"}

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Piece:
    """One block trafilatura extracted: its text, kind (`Block.kind`) and heading level."""

    text: str
    kind: str = "paragraph"
    level: int = 0
    layout: Layout = NO_LAYOUT


def extract_html(doc: Document, context: Context) -> Document:
    """Blocks and metadata of an HTML page; the context's rules prune chrome first."""
    import trafilatura

    loaded, rules, html = doc.loaded, context.rules, context.config.html
    assert loaded is not None  # the load stage ran
    # Leading junk (a PHP warning, a stray line) is no part of the page: parse from the page's own start.
    tree = _parse(loaded.text[document_start(loaded.text):])
    if tree is not None:
        _strip_code(tree)
    labelled: set[str] = set()  # pictures whose AI-image caption goes (and go with it): with the images option
    pruned: list[Pruned] = []
    if tree is not None and html.images:
        pruned, labelled = inline.prune_pictures(tree, rules, context.config)
    elif tree is not None:
        pruned = prune(tree, rules, context.config)
    source = tree if tree is not None else loaded.text
    settings, thorough = _extractors()
    # A Document, as_dict being False (trafilatura types the call for every option).
    extracted = cast("Extracted | None", trafilatura.bare_extraction(source, options=settings))
    ran_full = False
    if extracted is not None and extracted.body is not None and _missed_leaves(extracted.body, tree, html):
        log.info("%s: recall mode missed paragraphs; trafilatura's full run", loaded.name)
        ran_full = True
        full = cast("Extracted | None", trafilatura.bare_extraction(source, options=thorough))
        if full is not None and full.body is not None and len(_STRING(full.body)) > len(_STRING(extracted.body)):
            extracted = full
    metadata: dict[str, str] = {}
    declared = None
    shown: list[str] = []  # the <h1>s that repeat a declared title
    if tree is not None:
        metadata = page_metadata(tree, doc.input.url, shown)
        declared = metadata.pop("title", None)
    pieces = list(_body_blocks(extracted.body)) if extracted is not None and extracted.body is not None else []
    if not pieces and (depth := nesting_depth(loaded.text)) > html.parser_max_depth:
        raise TooDeepError(
            f"{loaded.name}: HTML nested {depth:,} levels deep; the parser reads {html.parser_max_depth}")
    title, pieces, furniture = _article(pieces, declared, tree, rules, html, shown)
    reason = None
    verdict = _no_article(pieces, tree, html, context) if pieces and tree is not None else None
    if verdict in ("links", "short") and not ran_full and tree is not None:
        # Before a page is called no article: trafilatura's full run, which compares its
        # result with readability's and jusText's, may find the story recall mode missed
        # (an article inside an <aside>, where fast mode took the menu).
        full = cast("Extracted | None", trafilatura.bare_extraction(source, options=thorough))
        if full is not None and full.body is not None:
            found = _article(list(_body_blocks(full.body)), declared, tree, rules, html, shown)
            if _reads_as_story(found[1], html) and _no_article(found[1], tree, html, context) is None:
                log.info("%s: no article in recall mode; trafilatura's full run found one", loaded.name)
                (title, pieces, furniture), verdict = found, None
    if verdict:
        # A list of links, a gallery or a login wall: recorded as removed, no article passed off.
        not_article = rules.markup("not-an-article")
        furniture += [Pruned(not_article, text=piece.text) for piece in pieces]
        pieces, reason = [], not_article.reason(verdict)
    if html.links or html.images:
        page = doc.input.url or metadata.get("url") or metadata.get("canonical")  # as `cleaner.extract` chooses
        inline.attach(pieces, source, tree, labelled, _body_blocks, page, rules, html.links, html.images)
    _document(doc, title, pieces, furniture + pruned, metadata)
    doc.reason = reason
    return doc


def _reads_as_story(pieces: list[Piece], html: HtmlConfig) -> bool:
    """A story, not a section page's blurbs: a paragraph twice article length.  (Teasers
    run 150-220 characters, several in a row; a story's paragraphs are longer, some of them.)"""
    return any(piece.kind == "paragraph" and len(piece.text) >= 2 * html.paragraph_min_chars for piece in pieces)


def _article(pieces: list[Piece], declared: str | None, tree: etree._Element | None, rules: RuleSet,
             html: HtmlConfig, shown: list[str]) -> tuple[str | None, list[Piece], list[Pruned]]:
    """The title and the article's blocks of an extraction, and the furniture taken from around
    them: the headline repeated over the story, teaser lists and address lines at its edges."""
    title = _shown_title(declared, pieces, html)
    pieces, furniture = _headline_furniture(pieces, title, rules.markup("headline-furniture"), html, shown)
    if tree is not None:
        pieces, teasers = _edge_link_lists(pieces, tree, rules.markup("link-list"), html)
        furniture += teasers
    pieces, addresses = _edge_addresses(pieces, rules.markup("address-line"), html)
    return title, pieces, furniture + addresses


@cache
def _extractors(links: bool = False, images: bool = False) -> tuple[Extractor, Extractor]:
    """trafilatura's settings for the first call and the full run, built once (each build sets up a date parser).

    With ``links`` or ``images``, trafilatura keeps ``<ref>`` and ``<graphic>`` for `cleaner.html.inline`.
    """
    from trafilatura.settings import Extractor

    names = {"include_comments": "comments", "include_tables": "tables", "favor_recall": "recall"}
    return cast("tuple[Extractor, Extractor]", tuple(
        Extractor(**{names.get(key, key): value for key, value in options.items()}, links=links, images=images)
        for options in (TRAFILATURA_OPTIONS, THOROUGH_OPTIONS)
    ))


def _missed_leaves(body: etree._Element, tree: etree._Element | None, html: HtmlConfig) -> bool:
    """Most of a box the extraction took paragraphs from was left out (paragraphs counted: one may repeat another).

    trafilatura may keep the <p> paragraphs of the article box and skip their
    <div> siblings.
    """
    if tree is None or len(_STRING(body)) >= html.sure_found_chars:
        return False
    found = Counter(_squash(element) for element in body)  # counted: a paragraph may repeat another
    chars: dict[etree._Element | None, list[int]] = {}  # parent -> [found, missed]
    for leaf in _LONG_LEAF_BLOCKS(tree, chars=html.paragraph_min_chars):
        text = _squash(leaf)
        if len(text) >= html.paragraph_min_chars:
            missed = found[text] <= 0
            found[text] -= 1
            chars.setdefault(leaf.getparent(), [0, 0])[missed] += len(text)
    return any(found_chars and missed > found_chars for found_chars, missed in chars.values())


def _body_blocks(body: etree._Element) -> Iterator[Piece]:
    """The blocks of trafilatura's output tree, in order, loose text between them too.

    ``<p>abc</p>ghi``: text after a block (its tail) is the page's as much as the block's.
    Line breaks and blocks inside blocks are spaced first (`_space_breaks`).
    """
    _space_breaks(body)
    if text := " ".join((body.text or "").split()):
        yield Piece(text)
    for element in body:
        yield from _element_blocks(element)
        if text := " ".join((element.tail or "").split()):
            yield Piece(text)


# Where trafilatura's output breaks a line, or starts a block inside another block (paragraphs
# in a table cell, a list item or a quote), the text of the whole runs the words together:
# "vorheizen.<lb/>Ein Backblech" reads "vorheizen.Ein Backblech".  Inline elements (<hi>, <ref>)
# stay as they are: "<hi>W</hi>ort" is one word.
_BREAKS = ("lb", "p", "head", "quote", "list", "item", "table", "row", "cell")


def _space_breaks(body: etree._Element) -> None:
    """A space at each line break of ``body`` and around each block nested in another (not in code:
    its lines are laid out as written)."""
    in_code = set(body.iterfind(".//code//*"))
    for element in body.iter(*_BREAKS):
        parent = element.getparent()
        if parent is body or element in in_code:
            continue
        if element.tag != "lb":
            element.text = " " + (element.text or "")
        element.tail = " " + (element.tail or "")


def _element_blocks(element: etree._Element) -> Iterator[Piece]:
    """The blocks of one element of trafilatura's output: a list's items, a table's rows, code, a heading, a paragraph."""
    tag = element.tag
    if tag == "list":
        yield from _list_items(element, 1)
    elif tag == "table":
        for row in element.iter("row"):
            cells = tuple(_squash(cell) for cell in row if cell.tag == "cell")
            if text := " | ".join(filter(None, cells)):
                header = bool(cells) and all(cell.get("role") == "head" for cell in row if cell.tag == "cell")
                yield Piece(text, "table", layout=Layout(cells=cells, header=header))
    elif tag == "code":
        # Code keeps its lines and indentation: it is read as laid out.
        if text := "".join(cast("Iterator[str]", element.itertext())).strip("\n").rstrip():  # HTML text: str
            yield Piece(text, "code")
    elif tag == "head":
        level = _HEADING.match(element.get("rend", "") or "")
        if text := _squash(element):
            yield Piece(text, "heading", int(level.group(1)) if level else 2)
    elif tag != "graphic" and (text := _squash(element)):
        yield Piece(text, _BLOCK_KINDS.get(tag, "paragraph"))


def _list_items(element: etree._Element, depth: int) -> Iterator[Piece]:
    """A list's items with their nesting depth; an item's own text leaves out the lists inside it."""
    ordered = element.get("rend") == "ol"
    for item in element.iterchildren("item"):
        nested = list(item.iterchildren("list"))
        own = " ".join(_text_outside(item, nested).split())
        if own:
            yield Piece(own, "list_item", layout=Layout(depth=depth, ordered=ordered))
        for inner in nested:
            yield from _list_items(inner, depth + 1)


def _text_outside(element: etree._Element, skipped: list[etree._Element]) -> str:
    """``element``'s text without the text of the ``skipped`` children (their tails are kept)."""
    if not skipped:
        return _STRING(element)
    parts = [element.text or ""]
    for child in element:
        if child not in skipped:
            parts.append(_STRING(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _shown_title(title: str | None, pieces: list[Piece], html: HtmlConfig) -> str | None:
    """The part of ``title`` the body shows as its headline, when the body does not show all of it.

    A page that declares nothing but ``<title>`` and marks its headline with a
    <div> ("Headline_站名" over a "Headline" block): the part the body repeats
    is the title, the rest is the site's name, in whatever script.
    """
    if not title:
        return title
    head = {" ".join(p.text.casefold().split()) for p in pieces[:html.headline_search_blocks]}
    if " ".join(title.casefold().split()) in head:
        return title
    return next((part for part in title_parts(title) if " ".join(part.casefold().split()) in head), title)


def _headline_furniture(pieces: list[Piece], title: str | None, rule: Rule, html: HtmlConfig,
                        headings: Sequence[str] = ()) -> tuple[list[Piece], list[Pruned]]:
    """The headline repeated in the body, and the short lines above it (kicker, breadcrumb, date).

    The title is kept apart; a block that repeats it, alone or with a section
    name and a date beside it, goes (recorded, so the result says where the
    headline went), and so do short lines before it: article text does not
    come before its own headline.  Never the only text: a page whose one
    paragraph holds its title keeps it.  ``headings``: the page's <h1>s, the
    headline as shown where the title was declared otherwise.
    """
    if not title:
        return pieces, []
    keys = [" ".join(t.casefold().split()) for t in (title, *headings) if t.strip()]
    for index, piece in enumerate(pieces[:html.headline_search_blocks]):
        folded = " ".join(piece.text.casefold().split())
        if any(key in folded and len(folded) <= len(key) + html.headline_extra_chars for key in keys):
            above = pieces[:index]
            if index + 1 < len(pieces) and all(len(p.text) <= html.furniture_max_chars for p in above):
                return pieces[index + 1:], [Pruned(rule, text=p.text) for p in above + [piece]]
            break
    return pieces, []


_LINKISH = ("paragraph", "list_item", "heading")


def _edge_link_lists(pieces: list[Piece], tree: etree._Element, rule: Rule,
                     html: HtmlConfig) -> tuple[list[Piece], list[Pruned]]:
    """Teaser lists at the article's edges, and the short heading over each.

    A box of linked headlines ("More from Billboard", four <h3><a>s) passes
    trafilatura's link-density tests one element at a time: each headline is
    all link, but alone.  Before the first article-length paragraph or after
    the last one, ``link_list_min_items`` or more blocks in a row that are each
    the whole text of one link are such a box, in any language.  In the
    middle of an article a run of links may be content (a reading list, a
    product round-up) and stays, unless it is a line in capitals: the way
    some sites set a teaser between paragraphs.
    """
    edges = _edges(pieces, html)
    runs = [run for edge in edges for run in _runs(pieces, edge, html, None) if len(run) >= html.link_list_min_items]
    middle = range(edges[0].stop, edges[1].start) if edges else range(0)
    shouted = [i for i in middle if _shouted(pieces[i].text, html)]
    if not runs and not shouted:
        return pieces, []
    body = tree.find("body")
    links = {_squash(a) for a in (body if body is not None else tree).iter("a")}
    # Between paragraphs, a line in capitals that is all one link is a teaser
    # for another story ("SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'").
    dropped: set[int] = {i for i in shouted if pieces[i].text in links}
    for edge in edges:
        for run in _runs(pieces, edge, html, links):
            if len(run) >= html.link_list_min_items:
                dropped.update(run)
                before = run[0] - 1
                if before in edge and pieces[before].kind == "heading" and len(pieces[before].text) <= html.furniture_max_chars:
                    dropped.add(before)  # the box's own title
    return _without(pieces, dropped, rule)


# A web or e-mail address, with or without its scheme ("twitter.com/name").
_ADDRESS = r"(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:[\w-]+\.)+\p{Ll}{2,}/\S*)"
_ADDRESSES_ONLY = regex.compile(rf"{_ADDRESS}(?:\s*[,;|·]?\s*{_ADDRESS})*")
# A profile on a social network or a payment page, or a handle, each maybe after a label of up
# to three words: "Facebook https://fb.me/x", "LINE ไอดี = @prachatai", "PayPal https://paypal.me/x".
# (A labelled address elsewhere may be the story's: "Ticketing www.theatre.example".)
_PROFILE = (r"(?:@[\w.]{2,}|(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.me|twitter\.com|x\.com|instagram\.com"
            r"|t\.me|line\.me|youtube\.com|youtu\.be|tiktok\.com|linkedin\.com|vk\.com|ok\.ru|weibo\.com"
            r"|paypal\.me|patreon\.com|wa\.me|threads\.net|bsky\.app)/\S*)")
_LABEL = r"(?:[\p{L}\p{M}][\p{L}\p{M}'’.&-]*(?:\s+[\p{L}\p{M}][\p{L}\p{M}'’.&-]*){0,2}\s*[:：=-]?\s*)?"
_PROFILES_ONLY = regex.compile(rf"{_LABEL}{_PROFILE}(?:\s*[,;|·]?\s*{_LABEL}{_PROFILE})*")


def _edge_addresses(pieces: list[Piece], rule: Rule, html: HtmlConfig) -> tuple[list[Piece], list[Pruned]]:
    """Blocks at the article's edges that are nothing but web or e-mail addresses, or social profiles (maybe labelled).

    A print version's URL above the story, the author's address and profile
    under it: no language's text, and no reader's.  In the middle of an
    article an address on its own line may be what the story points to, and
    stays.
    """
    dropped = {i for edge in _edges(pieces, html) for i in edge
               if len(pieces[i].text) <= html.link_list_item_max_chars
               and (_ADDRESSES_ONLY.fullmatch(pieces[i].text) or _PROFILES_ONLY.fullmatch(pieces[i].text))}
    return _without(pieces, dropped, rule)


def _edges(pieces: list[Piece], html: HtmlConfig) -> list[range]:
    """The blocks before the first article-length paragraph and after the last (none without one)."""
    paragraphs = [i for i, p in enumerate(pieces) if p.kind == "paragraph" and len(p.text) >= html.paragraph_min_chars]
    if not paragraphs:
        return []
    return [range(0, paragraphs[0]), range(paragraphs[-1] + 1, len(pieces))]


def _without(pieces: list[Piece], dropped: set[int], rule: Rule) -> tuple[list[Piece], list[Pruned]]:
    """``pieces`` but those at ``dropped``, and those as removed by ``rule``, in page order."""
    if not dropped:
        return pieces, []
    return [piece for i, piece in enumerate(pieces) if i not in dropped], [Pruned(rule, text=pieces[i].text)
                                                                          for i in sorted(dropped)]


def _shouted(text: str, html: HtmlConfig) -> bool:
    """A headline-length line of several words, all in capitals (in a script with case)."""
    return len(text) <= html.link_list_item_max_chars and len(text.split()) >= 3 and text == text.upper() != text.lower()


def _runs(pieces: list[Piece], indices: range, html: HtmlConfig, links: set[str] | None) -> list[list[int]]:
    """Runs of consecutive blocks short enough to be a headline (and, given ``links``, each a link's whole text)."""
    runs: list[list[int]] = [[]]
    for i in indices:
        piece = pieces[i]
        if piece.kind in _LINKISH and len(piece.text) <= html.link_list_item_max_chars and (
                links is None or piece.text in links):
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _no_article(pieces: list[Piece], tree: etree._Element, html: HtmlConfig, context: Context) -> str | None:
    """The not-an-article reason the page's shape gives: "template" (unrendered template code), "links"
    (links and captions), "short" (a login wall)."""
    if _template_share(pieces) >= html.template_min_share:
        return "template"
    if _links_and_captions(pieces, tree, html, context.config.rules.not_article_min_blocks):
        return "links"
    return "short" if _login_wall(pieces, tree, html) else None


# Expressions of Angular, Vue, Mustache, Handlebars, Jinja, Liquid, Twig and Django templates.
_TEMPLATE_CODE = regex.compile(r"\{\{.*?\}\}|\{%.*?%\}", regex.DOTALL)


def _template_share(pieces: list[Piece]) -> float:
    """How much of the text (white space aside) is template expressions: a page its scripts render
    in the browser holds "{{article.title}}" where the article will be, and no article in its HTML."""
    inside = total = 0
    for piece in pieces:
        if piece.kind != "code":  # a tutorial's code shows templates as they are written
            total += len(piece.text) - piece.text.count(" ")
            if "{" in piece.text:
                inside += sum(len(m.group()) - m.group().count(" ") for m in _TEMPLATE_CODE.finditer(piece.text))
    return inside / total if total else 0.0


_FORM_FIELDS = etree.XPath("//body//form//input[not(@type) or not(contains('hidden search submit button image "
                           "checkbox radio', translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                           "'abcdefghijklmnopqrstuvwxyz')))]")


def _login_wall(pieces: list[Piece], tree: etree._Element, html: HtmlConfig) -> bool:
    """A short page built around a form to fill in (a name, a password): a login or subscription wall."""
    return sum(len(piece.text) for piece in pieces) <= html.login_wall_max_chars and bool(_FORM_FIELDS(tree))


def _links_and_captions(pieces: list[Piece], tree: etree._Element, html: HtmlConfig, min_items: int) -> bool:
    """Whether what was extracted is made of link texts and captions, at least ``min_items`` of them
    (asked of short extractions only): one link around a page's text makes no list."""
    text = " ".join(piece.text for piece in pieces)
    if len(text) > html.short_extraction_chars:
        return False
    letters = len(_WORD_CHARS.findall(text))
    body = tree.find("body")
    items = 0
    for element in body.iter("a", "figcaption") if body is not None else ():
        if (found := _squash(element)) and found in text:
            text = text.replace(found, " ")
            items += 1
    return items >= min_items and len(_WORD_CHARS.findall(text)) < letters * (1 - html.non_prose_share)


def _document(doc: Document, title: str | None, pieces: list[Piece], pruned: list[Pruned],
              metadata: dict[str, str]) -> None:
    """Fill ``doc``: the block stream (title, extracted blocks, then pruned ones) joined by blank lines."""
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
    for group, piece in enumerate(pieces, start=1):
        start, end = add(piece.text)
        blocks.append(Block(text=piece.text, start=start, end=end, kind=piece.kind, level=piece.level, group=group,
                            layout=piece.layout))
    for group, item in enumerate(pruned, start=len(pieces) + 1):
        start, end = add(item.text)
        block = Block(text=item.text, start=start, end=end, kind="paragraph", group=group)
        block.dropped = True
        block.removals = [item.removal(start, end)]
        block.cuts = [(0, len(item.text))]
        blocks.append(block)
    doc.source, doc.input_kind, doc.blocks, doc.metadata, doc.title = "".join(parts), "html", blocks, metadata, doc_title
