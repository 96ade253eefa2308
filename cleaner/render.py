"""Structured output: a `CleanResult` as Markdown or as a minimal article HTML page.

Both are drawn from the kept segments alone (what the rules removed cannot
come back through them) and keep the article's structure: headings with
their levels, nested and numbered lists, block quotes, tables, code.  Text is
escaped for each format, so an article that *says* "# 1" or "<b>" stays text.
With the ``links`` and ``images`` options, the segments' links become
``[text](href)`` / ``<a>``, and their pictures ``![alt](src)`` with the caption
under it / ``<figure>`` (a picture before or after a block's text stands on
its own; one inside it, inline).

>>> from cleaner import clean
>>> print(clean("Headline\\n\\nFirst paragraph, with *stars*.\\n\\nРеклама").to_markdown())
# Headline
<BLANKLINE>
First paragraph, with \\*stars\\*.
<BLANKLINE>
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Union
from urllib.parse import quote

import regex

from .document import Image

if TYPE_CHECKING:
    from .result import CleanResult, Segment

# A segment's text in runs: (text, the link's href or None), and pictures among them.
Runs = list[Union[tuple[str, "str | None"], Image]]

__all__ = ["front_matter", "to_html", "to_markdown"]

_FRONT_MATTER = ("title", "author", "date", "site", "url")
_INLINE = regex.compile(r"([\\`*_\[\]<>&~])")  # what could start emphasis, code, links, HTML or entities
_LINE_START = regex.compile(r"\A([#>+=\-])")  # what could start a heading, quote, list or rule
_NUMBERED = regex.compile(r"\A(\d{1,9})([.)])")  # "1984. It was ..." is no list item
# Characters an address may keep in a Markdown link destination (and percent signs already there).
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"


def front_matter(result: CleanResult) -> str:
    """Title, author, date, site, url and language as a YAML block (JSON strings are YAML), for text and Markdown."""
    fields = {key: result.metadata.get(key) for key in _FRONT_MATTER}
    fields["title"] = result.title
    fields["language"] = result.language
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items() if value]
    return "---\n" + "\n".join(lines) + "\n---"


def to_markdown(result: CleanResult, with_metadata: bool = False) -> str:
    """The article as CommonMark with GitHub tables; ``with_metadata`` adds YAML front matter."""
    parts = [front_matter(result)] if with_metadata else []
    for group in _groups(result.segments):
        parts.append(_markdown_group(group))
    return "\n\n".join(parts) + "\n" if parts else ""


def to_html(result: CleanResult) -> str:
    """The article as a small, self-contained HTML page (no script, no style, text escaped)."""
    lang = f' lang="{escape(result.language)}"' if result.language != "und" else ""
    title = escape(result.title or "")
    body = "\n".join(_html_group(group) for group in _groups(result.segments))
    return (f"<!DOCTYPE html>\n<html{lang}>\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n"
            f"</head>\n<body>\n<article>\n{body}\n</article>\n</body>\n</html>\n")


def _runs(segment: Segment, figures: bool) -> tuple[list[Image], Runs, list[Image]]:
    """The segment's pictures before its text, its text in runs with pictures among them, pictures after.

    ``figures``: a picture at either end of the text stands on its own (not in a list item).
    """
    text, images = segment.text, segment.images or []
    before = [i for i in images if figures and i.at == 0]
    after = [i for i in images if figures and 0 < len(text) <= i.at]
    events = sorted([(link.start, 1, link.end, link.href) for link in segment.links or ()]
                    + [(image.at, 0, 0, image) for image in images if image not in before and image not in after],
                    key=lambda event: event[:2])
    runs: Runs = []
    pos = 0
    for start, _, end, what in events:
        if isinstance(what, Image):
            runs += [(text[pos:max(pos, start)], None), what]
            pos = max(pos, start)
        elif start >= pos:  # links never overlap; a stray one is text
            runs += [(text[pos:start], None), (text[start:end], what)]
            pos = end
    runs.append((text[pos:], None))
    return before, [run for run in runs if isinstance(run, Image) or run[0]], after


def _groups(segments: Sequence[Segment]) -> Iterator[list[Segment]]:
    """Consecutive segments that render as one unit: a list's items, a table's rows; else one each."""
    group: list[Segment] = []
    for segment in segments:
        if group and segment.kind == group[-1].kind and segment.kind in ("list_item", "table"):
            if segment.kind == "table" and (segment.cells is None) != (group[-1].cells is None):
                yield group
                group = []
            group.append(segment)
            continue
        if group:
            yield group
        group = [segment]
    if group:
        yield group


# --- Markdown -------------------------------------------------------------------


def _escape(text: str, at_line_start: bool = True) -> str:
    text = _INLINE.sub(r"\\\1", text)
    if at_line_start:
        text = _NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", text))
    return text


def _markdown_group(group: list[Segment]) -> str:
    first = group[0]
    if first.kind == "title":
        return "# " + _escape(first.text, at_line_start=False)
    if first.kind == "list_item":
        return "\n".join(_markdown_list(group))
    if first.kind == "table":
        # Rows a rule cut are text.  (Table rows and code carry no links or pictures: `cleaner.html.inline`.)
        return _markdown_table(group) if first.cells is not None else "\n\n".join(_escape(s.text) for s in group)
    if first.kind == "code":
        fence = "`" * max(3, _longest_run(first.text, "`") + 1)
        return f"{fence}\n{first.text}\n{fence}"
    if first.links or first.images:  # a heading, quote or paragraph: those stand alone
        before, runs, after = _runs(first, figures=True)
        return "\n\n".join([*map(_markdown_figure, before), _markdown_block(first, _markdown_runs(runs, True)),
                             *map(_markdown_figure, after)])
    if first.kind in ("heading", "quote"):
        return _markdown_block(first, _escape(first.text, at_line_start=False))
    return _escape(first.text)


def _level(segment: Segment) -> int:
    """A heading's level as both formats have them, 1 to 6 (2 when the page gave none)."""
    return max(1, min(segment.level or 2, 6))


def _markdown_block(segment: Segment, text: str) -> str:
    if segment.kind == "heading":
        return "#" * _level(segment) + " " + text
    if segment.kind == "quote":
        return "> " + text
    return text


def _markdown_runs(runs: Runs, at_line_start: bool) -> str:
    """Text escaped, links as ``[text](href)``, pictures as ``![alt](src)``."""
    out = []
    for run in runs:
        if isinstance(run, Image):
            out.append(_markdown_image(run))
        elif run[1] is None:
            out.append(_escape(run[0], at_line_start and not out))
        else:
            out.append(f"[{_escape(run[0], at_line_start=False)}]({_destination(run[1])})")
    return "".join(out)


def _markdown_image(image: Image) -> str:
    title = image.title.replace("\\", "\\\\").replace('"', '\\"')
    title = f' "{title}"' if title else ""
    return f"![{_escape(image.alt, at_line_start=False)}]({_destination(image.src)}{title})"


def _markdown_figure(image: Image) -> str:
    """A picture on its own, its caption in emphasis on the line under it."""
    caption = f"\n*{_escape(image.caption, at_line_start=False)}*" if image.caption else ""
    return _markdown_image(image) + caption


def _destination(address: str) -> str:
    """An address as a link destination: spaces, parentheses, angle brackets and other characters percent-encoded."""
    return quote(address, safe=_URL_SAFE)


def _markdown_list(items: list[Segment]) -> Iterator[str]:
    """Items with their depth: each level indented under its parent's marker, numbers counted per list."""
    indents: list[int] = []  # the content column of each open level
    numbers: list[int] = []
    ordered: list[bool] = []
    for item in items:
        depth = min(max(1, item.level), len(indents) + 1)  # a level is never skipped
        del indents[depth - 1:], numbers[depth:], ordered[depth:]
        if len(numbers) < depth or ordered[depth - 1] != item.ordered:  # a new list at this level
            if depth == 1 and numbers:
                yield ""  # two lists side by side stay two lists
            del numbers[depth - 1:], ordered[depth - 1:]
            numbers.append(0)
            ordered.append(item.ordered)
        numbers[depth - 1] += 1
        marker = f"{numbers[depth - 1]}." if item.ordered else "-"
        pad = indents[-1] if indents else 0
        indents.append(pad + len(marker) + 1)
        text = _markdown_runs(_runs(item, figures=False)[1], True) if item.links or item.images else _escape(item.text)
        yield " " * pad + marker + " " + text


def _markdown_table(rows: list[Segment]) -> str:
    width = max(len(row.cells or ()) for row in rows)
    cells = [[_escape(c, at_line_start=False).replace("|", "\\|") for c in (row.cells or ())] for row in rows]
    cells = [row + [""] * (width - len(row)) for row in cells]
    if rows[0].header:
        head, body = cells[0], cells[1:]
    else:
        head, body = [""] * width, cells  # GitHub tables need a header row: an empty one
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _longest_run(text: str, char: str) -> int:
    return max((len(m.group()) for m in regex.finditer(regex.escape(char) + "+", text)), default=0)


# --- HTML ------------------------------------------------------------------------


def _html_group(group: list[Segment]) -> str:
    first = group[0]
    if first.kind == "title":
        return f"<h1>{escape(first.text)}</h1>"
    if first.kind == "list_item":
        return _html_list(group)
    if first.kind == "table" and first.cells is not None:
        rows = []
        for row in group:
            tag = "th" if row.header else "td"
            rows.append("<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in row.cells or ()) + "</tr>")
        return "<table>\n" + "\n".join(rows) + "\n</table>"
    if first.kind == "code":
        return f"<pre><code>{escape(first.text)}</code></pre>"
    if first.kind != "table" and (first.links or first.images):  # a heading, quote or paragraph
        before, runs, after = _runs(first, figures=True)
        return "\n".join([*map(_html_figure, before), _html_block(first, _html_runs(runs)), *map(_html_figure, after)])
    if first.kind in ("heading", "quote"):
        return _html_block(first, escape(first.text))
    return "\n".join(f"<p>{escape(s.text)}</p>" for s in group)


def _html_list(items: list[Segment]) -> str:
    out: list[str] = []
    open_tags: list[str] = []  # "ul" or "ol", one per open level
    for item in items:
        depth = min(max(1, item.level), len(open_tags) + 1)
        tag = "ol" if item.ordered else "ul"
        while len(open_tags) > depth or (len(open_tags) == depth and open_tags[-1] != tag):
            out.append(f"</li></{open_tags.pop()}>")
        if len(open_tags) == depth:
            out.append("</li>")
        else:
            out.append(f"<{tag}>")
            open_tags.append(tag)
        out.append(f"<li>{_html_runs(_runs(item, figures=False)[1]) if item.links or item.images else escape(item.text)}")
    while open_tags:
        out.append(f"</li></{open_tags.pop()}>")
    return "".join(out)


def _html_block(segment: Segment, inner: str) -> str:
    if segment.kind == "heading":
        level = _level(segment)
        return f"<h{level}>{inner}</h{level}>"
    if segment.kind == "quote":
        return f"<blockquote><p>{inner}</p></blockquote>"
    return f"<p>{inner}</p>"


def _html_runs(runs: Runs) -> str:
    out = []
    for run in runs:
        if isinstance(run, Image):
            out.append(_html_image(run))
        elif run[1] is None:
            out.append(escape(run[0]))
        else:
            out.append(f'<a href="{escape(run[1])}">{escape(run[0])}</a>')
    return "".join(out)


def _html_image(image: Image) -> str:
    title = f' title="{escape(image.title)}"' if image.title else ""
    return f'<img src="{escape(image.src)}" alt="{escape(image.alt)}"{title}>'


def _html_figure(image: Image) -> str:
    caption = f"<figcaption>{escape(image.caption)}</figcaption>" if image.caption else ""
    return f"<figure>{_html_image(image)}{caption}</figure>"
