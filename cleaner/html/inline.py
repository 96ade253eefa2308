"""Links and images inside the extracted blocks (the ``links`` and ``images`` options).

trafilatura keeps them when asked (``include_links``, ``include_images``):
``<ref target>`` around a link's words, ``<graphic src alt title>`` where a
picture was.  Each block's text stays exactly what it is without them; the
links and pictures are recorded beside it (`cleaner.document.Layout`) as
offsets into that text, so the rules' verdicts decide their fate: a dropped
block or a cut stretch takes its links and pictures with it.

A picture standing between blocks belongs to the block after it, which is
usually its caption: an AI-image caption removed by the rules takes its
picture along.  The caption itself comes from the page's ``<figcaption>``
(trafilatura leaves captions out), after pruning, so a caption pruned as an
AI-image caption is no picture's caption.  A picture whose caption or label
pruning took as an AI-image caption goes too (`prune_pictures`): the label
was what told readers the picture is not a photograph, and a picture
without it would pass for one.

Addresses are resolved against the page's address when it is known; a link
to anything but http(s) (``javascript:``, ``mailto:``, ``data:``) is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..document import Image, Link
from ..rules import RuleSet
from ..rules.actions import CAPTION_CATEGORY
from .captions import IMAGE_TAGS
from .parse import _STRING, _squash
from .prune import Pruned, prune

if TYPE_CHECKING:
    from trafilatura.settings import Document as Extracted

    from ..config import CleanerConfig
    from .extract import Piece

# Markers written into a copy of trafilatura's output, one character each,
# so that the blocks are read by the same code as without them: a link's
# start and end and a picture's place, numbered (Unicode's private-use planes
# 15 and 16, which no page text needs here).
_OPEN, _CLOSE, _PICTURE = 0xF0000, 0x100000, 0xF8000
_MAX_MARKS = _PICTURE - _OPEN  # links (or pictures) on one page beyond this keep no marker
_PRIVATE = re.compile("[\U000F0000-\U0010FFFF]")
_SCHEMES = ("http", "https")
_UNMARKED = ("code", "table")  # kinds read line by line or cell by cell: no links or pictures of their own
# Climbing from a pruned AI-image caption to the box of its picture: as `cleaner.html.captions` climbs.
_LEVELS = 3
_BOUNDARY = frozenset({"body", "html", "article", "main"})


@dataclass(slots=True)
class _Marked:
    """One block of the marked copy: its text with the markers out, and what they marked."""

    text: str
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


def prune_pictures(tree: etree._Element, rules: RuleSet, config: CleanerConfig) -> tuple[list[Pruned], set[str]]:
    """`prune`, and the addresses of the pictures whose AI-image caption or label it took.

    The picture is looked for in the box the caption sat in, up to three levels
    up, when that box holds no more text than a credit once the caption is gone
    (``caption_box_extra_chars``): a label among article paragraphs takes no
    picture of the article.  The tree keeps the pictures (the article's text is
    extracted from it as without the option); `attach` leaves them out.
    """
    body = tree.find("body")
    parents = {child: parent for parent in body.iter() for child in parent} if body is not None else {}
    pruned = prune(tree, rules, config)
    labelled: set[str] = set()
    for item in pruned:
        if item.element is None or not (item.category == CAPTION_CATEGORY or item.rule.action.takes_caption):
            continue
        node = parents.get(item.element)
        for _ in range(_LEVELS):
            if node is None or node.tag in _BOUNDARY or node.getroottree().getroot() is not tree:
                break
            pictures = list(node.iter(*IMAGE_TAGS))
            if pictures:
                if len(_squash(node)) <= config.html.caption_box_extra_chars:
                    labelled.update(_addresses(pictures))
                break
            node = parents.get(node)
    return pruned, labelled


def attach(pieces: list[Piece], source: etree._Element | str, tree: etree._Element | None, labelled: set[str],
           blocks: Callable[[etree._Element], Iterable[Piece]], base: str | None, rules: RuleSet,
           links: bool, images: bool) -> None:
    """Record on ``pieces`` (in place, on their layout) their links and pictures.

    trafilatura extracts ``source`` again with links and pictures kept (recall
    mode, as the default extraction; its full run only when that found less
    than half of the pieces); ``blocks`` (`cleaner.html.extract`) reads a marked copy
    of its output, and each marked block is matched to the piece with its text,
    in order.  The pieces stay exactly as they are: the article's text is the
    default extraction's, whatever trafilatura does with links kept.  A piece
    found in no output gets nothing.  Pictures standing alone go to the next
    piece; those after the last piece, to its end.  ``labelled``: addresses of
    pictures whose AI-image label or caption was pruned (`prune_pictures`).
    """
    import trafilatura

    from .extract import _extractors

    if not pieces:
        return
    captions = _captions(tree) if images and tree is not None else {}
    best: list[tuple[int, list[Link], list[Image]]] = []
    wanted = sum(piece.kind not in _UNMARKED for piece in pieces)
    for mode, options in enumerate(_extractors(links, images)):
        if mode == 1 and len(best) * 2 >= wanted:
            break  # full mode, the slowest, only where the others found less than half the pieces
        # A Document, as_dict being False (trafilatura types the call for every option).
        extracted = cast("Extracted | None", trafilatura.bare_extraction(source, options=options))
        if extracted is None or extracted.body is None or _PRIVATE.search(_STRING(extracted.body)):
            continue  # (a page that writes in the markers' planes itself keeps no links: markers must be ours)
        copy, found_links, found_images = _marked_copy(extracted.body, base, rules, captions, labelled, links, images)
        found = _matched(pieces, list(_read(blocks(copy), found_links, found_images)))
        if len(found) > len(best):
            best = found
        if len(best) == wanted:
            break
    for index, piece_links, piece_images in best:
        piece = pieces[index]
        piece.layout = replace(piece.layout, links=tuple(piece_links), images=tuple(piece_images))


def _matched(pieces: list[Piece], marked: list[_Marked]) -> list[tuple[int, list[Link], list[Image]]]:
    """(index of a piece, its links, its pictures) for each piece found among the marked blocks, in order."""
    found: list[tuple[int, list[Link], list[Image]]] = []
    where: dict[str, list[int]] = {}  # a text's places among the marked blocks: no quadratic search on long pages
    for i, entry in enumerate(marked):
        where.setdefault(entry.text, []).append(i)
    position = 0
    pending: list[Image] = []
    for index, piece in enumerate(pieces):
        if piece.kind in _UNMARKED:
            continue  # laid out line by line or cell by cell: a picture before one goes to the next block
        places = where.get(piece.text, [])
        next_place = bisect_left(places, position)
        if next_place == len(places):
            continue
        at = places[next_place]
        for skipped in marked[position:at]:
            if not skipped.text:  # a picture alone; a block left out (a headline) takes its own
                pending += skipped.images
        entry = marked[at]
        found.append((index, entry.links, [replace(image, at=0) for image in pending] + entry.images))
        pending, position = [], at + 1
    trailing = [image for entry in marked[position:] if not entry.text for image in entry.images]
    if found and trailing:
        index, last_links, last_images = found[-1]
        end = len(pieces[index].text)
        found[-1] = (index, last_links, last_images + [replace(image, at=end) for image in trailing])
    return found


def _marked_copy(body: etree._Element, base: str | None, rules: RuleSet, captions: dict[str, str],
                 labelled: set[str], links: bool, images: bool) -> tuple[etree._Element, list[str], list[Image]]:
    """A copy of ``body`` with each link's words between numbered markers and each picture a marker;
    the link targets and pictures the numbers stand for."""
    copy = deepcopy(body)
    found_links: list[str] = []
    found_images: list[Image] = []
    for ref in list(copy.iter("ref")):
        href = _address(ref.get("target"), base) if links else None
        if href is None or len(found_links) >= _MAX_MARKS or not _squash(ref):
            continue
        ref.text = chr(_OPEN + len(found_links)) + (ref.text or "")
        if len(ref):
            ref[-1].tail = (ref[-1].tail or "") + chr(_CLOSE + len(found_links))
        else:
            ref.text += chr(_CLOSE + len(found_links))
        found_links.append(href)
    for graphic in list(copy.iter("graphic")):
        image = _image(graphic, base, rules, captions) if images and graphic.get("src") not in labelled else None
        if image is None or len(found_images) >= _MAX_MARKS:
            continue
        graphic.text = chr(_PICTURE + len(found_images))
        if graphic.getparent() is copy:
            graphic.tag = "p"  # a picture between blocks: a block of its own, read as one
        found_images.append(image)
    return copy, found_links, found_images


def _read(pieces: Iterable[Piece], found_links: list[str], found_images: list[Image]) -> Iterator[_Marked]:
    """The marked blocks with their markers out, white space as the unmarked text has it."""
    for piece in pieces:
        if piece.kind in _UNMARKED:  # laid out as they are, or by cell: no inline marks
            yield _Marked("".join(c for c in piece.text if ord(c) < _OPEN))
            continue
        text: list[str] = []
        entry = _Marked("")
        opened: dict[int, int] = {}
        for char in piece.text:
            code = ord(char)
            if code < _OPEN:
                if not (char == " " and (not text or text[-1] == " ")):  # a marker took a word's place
                    text.append(char)
            elif code >= _CLOSE:
                index = code - _CLOSE
                if index in opened:
                    start = opened.pop(index)
                    end = len(text) - (1 if text and text[-1] == " " else 0)
                    while start < end and text[start] == " ":
                        start += 1
                    if end > start:
                        entry.links.append(Link(start, end, found_links[index]))
            elif code >= _PICTURE:
                entry.images.append(replace(found_images[code - _PICTURE], at=len(text)))
            else:
                opened[code - _OPEN] = len(text)
        while text and text[-1] == " ":
            text.pop()
        entry.text = "".join(text)
        length = len(entry.text)
        entry.images = [replace(i, at=min(i.at, length)) for i in entry.images]
        yield entry


def _address(target: str | None, base: str | None) -> str | None:
    """``target`` made absolute against ``base``; None unless it is http(s) (or relative, with no base)."""
    target = (target or "").strip()
    if not target or target.startswith("#") and not base:
        return None
    resolved = urljoin(base, target) if base else target
    scheme = urlsplit(resolved).scheme.lower()
    if scheme in _SCHEMES or (not scheme and not base):
        return resolved
    return None


def _image(graphic: etree._Element, base: str | None, rules: RuleSet, captions: dict[str, str]) -> Image | None:
    """The picture, or None: no http(s) source, or an alt text or title that is a chrome phrase
    (an AI-image label, "Реклама": the picture is what the phrase names)."""
    src = _address(graphic.get("src"), base)
    if src is None:
        return None
    alt, title = (" ".join((graphic.get(name) or "").split()) for name in ("alt", "title"))
    if any(value and rules.match_phrase(value) is not None for value in (alt, title)):
        return None
    caption = captions.get(graphic.get("src") or "", "")
    if caption and rules.match_phrase(caption) is not None:
        caption = ""
    return Image(0, src, alt, title, caption)


def _captions(tree: etree._Element) -> dict[str, str]:
    """Each picture's ``<figcaption>`` on the pruned page, by every address its ``<img>`` gives."""
    found: dict[str, str] = {}
    for figcaption in tree.iter("figcaption"):
        figure = figcaption.getparent()
        if figure is None or not (caption := _squash(figcaption)):
            continue
        for address in _addresses(figure.iter("img")):
            found.setdefault(address, caption)
    return found


def _addresses(pictures: Iterable[etree._Element]) -> Iterator[str]:
    """Every address the pictures give (``src``, ``data-src`` and the like), as written."""
    for picture in pictures:
        for img in picture.iter("img"):
            for name, value in img.attrib.items():
                if isinstance(value, str) and "src" in str(name) and value.strip():  # (HTML attributes: str)
                    yield value.strip()
