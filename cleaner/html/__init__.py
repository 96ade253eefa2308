"""Stage 2 for HTML pages: prune chrome elements by rule, then trafilatura.

    parse     the page as trafilatura parses it; scripts, styles, icons out   (`parse`)
    prune     chrome elements by the rule packs, in one walk of the tree      (`prune`)
    extract   trafilatura's blocks, headline furniture, pages of links        (`extract`)
    metadata  title, author, date, site, url, description from the page tags  (`metadata`)

Pruning runs on the parsed tree before extraction, where the markup still
says what belongs together.  Every pruned element becomes a dropped block, so
the result lists it like any other removal.  Then trafilatura extracts the
main content, keeping block structure (headings, paragraphs, list items,
quotes, table rows).  ``Document.source`` for an HTML page is the block
stream: every block's text, extracted first and pruned after, joined by blank
lines; spans point into it.  Every number is a `cleaner.config.HtmlConfig` field.
"""

from __future__ import annotations

from .extract import Piece, extract_html
from .metadata import page_metadata
from .parse import _parse, nesting_depth
from .prune import Pruned, prune

__all__ = ["Piece", "Pruned", "_parse", "extract_html", "nesting_depth", "page_metadata", "prune"]
