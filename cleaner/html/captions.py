"""Which caption an AI-image label belongs to, by the page's structure, in any markup.

A label and its caption sit together around a picture whatever the tags:

- the label written into the caption (``caption text<span>label</span>``);
- label and caption as adjacent siblings, the label before or after
  (``<span>caption</span><span>label</span>``, ``<div>label</div><div>caption</div>``);
- a badge laid over the image's box, the caption beside that box;
- a label right before or after a picture that carries its own caption
  (``<figure>…<figcaption>…</figcaption></figure><p>label</p>``): the picture goes whole;
- the label in the picture's ``alt``, ``title`` or ``aria-label``, the caption beside the picture.

A caption must be short, must not be a heading or the page's title, and the
box holding label, caption and picture must hold little else: a label
standing alone between paragraphs takes no paragraph with it.  The label's
language and the caption's need not agree (a UI in one, the article in another).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from .parse import _squash

_IMAGE = etree.XPath("boolean(descendant-or-self::*[self::img or self::picture or self::video or self::svg"
                     " or self::figure])")
_HEADING = etree.XPath("boolean(descendant-or-self::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
                       " or self::h6])")
_BOUNDARY = frozenset({"body", "html", "article", "main"})
# Climbing from the label: its own element, the wrapper around it, the image box the badge sits on.
_LEVELS = 3
# Attributes that may carry a picture's label instead of its visible text.
LABEL_ATTRIBUTES = ("alt", "title", "aria-label")
IMAGE_TAGS = ("img", "picture", "video", "figure")


def caption_of(label: etree._Element, title_text: str, max_chars: int, extra_chars: int) -> etree._Element | None:
    """The element holding the caption ``label`` belongs to, or None when it stands alone.

    ``max_chars``: the longest caption; ``extra_chars``: what else (a credit)
    the box of picture, caption and label may hold.
    """
    parent = label.getparent()
    if parent is None or parent.tag in _BOUNDARY:
        return None
    label_text = _squash(label)
    # "caption text<span>label</span>": the label is written into its caption.
    if _has_own_text(parent):
        around = _squash(parent).replace(label_text, "").strip()
        return parent if around and _is_caption(parent, around, title_text, max_chars) else None

    def fits(box: etree._Element, caption: etree._Element, text: str, whole: bool = False) -> bool:
        if whole:  # a picture with its caption beside the label
            return _is_caption(caption, text, title_text, max_chars)
        return (len(_squash(box)) - len(text) - len(label_text) <= extra_chars
                and (_IMAGE(box) or _image_beside(box)) and _is_caption(caption, text, title_text, max_chars))

    return _climb(label, fits)


def caption_of_picture(picture: etree._Element, title_text: str, max_chars: int,
                       extra_chars: int) -> etree._Element | None:
    """The caption beside a picture whose ``alt``/``title``/``aria-label`` is the label."""
    def fits(box: etree._Element, caption: etree._Element, text: str, whole: bool = False) -> bool:
        return not whole and len(_squash(box)) - len(text) <= extra_chars \
            and _is_caption(caption, text, title_text, max_chars)

    return _climb(picture, fits)


def _climb(node: etree._Element, fits: Callable[[etree._Element, etree._Element, str], bool]) -> etree._Element | None:
    """From ``node`` up to its wrapper and the box around that: the nearest sibling with text, the one
    before first, then the one after, that ``fits`` (asked with the box that holds both, the sibling and
    its text); the first level with a sibling with text decides."""
    for _ in range(_LEVELS):
        parent = node.getparent()
        if parent is None or parent.tag in _BOUNDARY:
            return None
        found = False
        for caption in _beside(node):
            found = True
            text = _squash(caption)
            if fits(parent, caption, text) or _captioned_picture(caption, text, fits):
                return caption
        if found:
            return None
        node = parent
    return None


def _beside(node: etree._Element) -> Iterator[etree._Element]:
    """The nearest sibling with text before ``node`` (a label under its caption), then the one after."""
    for siblings in (node.itersiblings(preceding=True), node.itersiblings()):
        for element in siblings:
            if isinstance(element.tag, str) and _squash(element):
                yield element
                break


def _captioned_picture(sibling: etree._Element, text: str, fits: Callable[..., bool]) -> bool:
    """The sibling is itself a picture with its caption (``<figure>…</figure><p>label</p>``): one
    short block of text beside an image, and the label outside it."""
    return bool(_IMAGE(sibling)) and len(sibling.findall(".//p")) <= 1 and fits(sibling, sibling, text, whole=True)


def _image_beside(box: etree._Element) -> bool:
    """The picture sits in the box's neighbour: ``<div><img></div><div>caption label</div>``."""
    for sibling in (box.getprevious(), box.getnext()):
        if sibling is not None and isinstance(sibling.tag, str) and _IMAGE(sibling) and not _squash(sibling):
            return True
    return False


def _is_caption(element: etree._Element, text: str, title_text: str, max_chars: int) -> bool:
    return 0 < len(text) <= max_chars and text.casefold() != title_text and not _HEADING(element)


def _has_own_text(element: etree._Element) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)
