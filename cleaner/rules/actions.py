"""What a rule does: one enum that owns its meaning for a text block and for an HTML element.

Actions, from the gentlest:

- ``strip``: a phrase that is a whole block, or sits at a block's edge glued to
  text in another language (``…aggression.Изображение, созданное ИИ``);
- ``drop_caption``: as ``strip``, and the caption the label belongs to goes too;
- ``drop_block``: the whole block is made of the rule's phrases or matches a pattern;
- ``drop_section``: a chrome heading and what follows it, up to the next heading
  of the same or a higher level (HTML) or the page end (text);
- ``drop_rest``: the block and everything after it.

In HTML, before extraction, the same action decides which element goes: the
section box a heading titles, the caption a label belongs to, or the element alone.

>>> Action("drop_caption").takes_caption, Action.STRIP < Action.DROP_REST
(True, True)
"""

from __future__ import annotations

from enum import StrEnum


# The category of a caption that goes with its AI-image label, whatever the label's own.
CAPTION_CATEGORY = "ai_image_caption"


class Action(StrEnum):
    STRIP = "strip"
    DROP_CAPTION = "drop_caption"
    DROP_BLOCK = "drop_block"
    DROP_SECTION = "drop_section"
    DROP_REST = "drop_rest"

    @property
    def strength(self) -> int:
        """Rank from the gentlest: the strongest of a block's hits decides what follows it."""
        return _ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return self.strength < other.strength

    @property
    def at_edges(self) -> bool:
        """May be cut from the edge of a longer block (a label glued to its caption)."""
        return self in (Action.STRIP, Action.DROP_CAPTION)

    @property
    def takes_caption(self) -> bool:
        """The caption the label belongs to goes with it."""
        return self is Action.DROP_CAPTION

    @property
    def takes_section(self) -> bool:
        """What follows the block goes with it: its section, or the rest of the page."""
        return self in (Action.DROP_SECTION, Action.DROP_REST)

    @property
    def until_heading(self) -> bool:
        """The section ends at the next heading of the same or a higher level."""
        return self is Action.DROP_SECTION

    @property
    def element(self) -> str:
        """What goes in HTML when an element's whole text matches: ``section`` (the small box
        the heading titles, else nothing before extraction), ``caption`` (the caption the label
        belongs to, else the label alone) or ``element`` (the element alone, or a small box for
        box categories)."""
        if self.takes_section:
            return "section"
        return "caption" if self.takes_caption else "element"


_ORDER = list(Action)
