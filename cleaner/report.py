"""An HTML report of what the cleaner kept, what it cut and why, for people writing rule packs.

`render_report` takes ``(name, CleanResult)`` pairs and returns one
self-contained HTML document: inline CSS, no script, no fonts or images from
anywhere, and a Content-Security-Policy that forbids everything but inline
styles.  For each page it shows a header (name, language, title, metadata,
provenance, removals per category) and then the page's pieces in source order:
kept segments plain with a language badge on every run, removed pieces struck
through and tinted by category, each with its rule, category and language.
Every piece of page text is escaped, and the same results give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from .document import UNDETERMINED, Removal
from .result import CleanResult, Segment
from .rules import CATEGORIES

CSP = "default-src 'none'; style-src 'unsafe-inline'"

# (line colour, tint) for each of `cleaner.rules.CATEGORIES`, and for nothing else (tests/test_report.py
# checks both): fixed, so a category looks the same in every report.
CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    "ai_image_label": ("#9333ea", "#f3e8ff"),
    "ai_image_caption": ("#c026d3", "#fae8ff"),
    "ai_text_label": ("#4f46e5", "#e0e7ff"),
    "reactions": ("#ea580c", "#ffedd5"),
    "related": ("#2563eb", "#dbeafe"),
    "read_also": ("#0891b2", "#cffafe"),
    "cookie_consent": ("#a16207", "#fef3c7"),
    "newsletter": ("#0d9488", "#ccfbf1"),
    "share": ("#16a34a", "#dcfce7"),
    "advertising": ("#dc2626", "#fee2e2"),
    "comments": ("#db2777", "#fce7f3"),
    "navigation": ("#475569", "#e2e8f0"),
    "ui_foreign": ("#65a30d", "#ecfccb"),
    "not_article": ("hsl(240 60% 38%)", "hsl(240 85% 93%)"),
    "site": ("#b45309", "#ffedd5"),
}

ENCODING_SOURCES = {
    "str": "given as text",
    "bom": "byte-order mark",
    "http-header": "HTTP header",
    "meta": "<meta> in the page",
    "utf-8": "valid UTF-8",
    "detected": "detected by charset-normalizer",
}

# Removed text longer than this shows its start; the rest folds away (no script: <details>).
FOLD_AT = 1500
FOLD_SHOWN = 1200

# The stylesheet, package data beside this module (``report.css``), inlined in every report.
_CSS = resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def render_report(items: Iterable[tuple[str, CleanResult]]) -> str:
    """One self-contained HTML page showing, for each input, what was kept and what was cut.

    >>> from cleaner import clean
    >>> page = render_report([("a.txt", clean("Headline\\n\\nThe article text.\\n\\nПоделиться"))])
    >>> page.startswith("<!DOCTYPE html>"), "<del>Поделиться</del>" in page
    (True, True)
    """
    pages = list(items)
    out: list[str] = []
    title = f"cleaner report: {pages[0][0]}" if len(pages) == 1 else f"cleaner report: {len(pages)} pages"
    out.append(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n<div class=\"wrap\">\n"
    )
    out.append(_top(pages))
    if len(pages) > 1:
        out.append(_index(pages))
    out.append("<main>\n")
    for number, (name, result) in enumerate(pages, 1):
        out.append(_page(number, name, result))
    out.append("</main>\n</div>\n</body>\n</html>\n")
    return "".join(out)


def write_report(path: str | Path, items: Iterable[tuple[str, CleanResult]]) -> None:
    """`render_report` into a UTF-8 file, which replaces ``path`` only once it is whole."""
    from .outputs import atomic_file

    page = render_report(items)
    with atomic_file(path) as out:
        out.write(page)


# -- parts of the page ------------------------------------------------------


def _top(pages: list[tuple[str, CleanResult]]) -> str:
    failed = sum(1 for _, r in pages if r.error is not None)
    kept = sum(len(r.segments) for _, r in pages)
    removed = sum(len(r.removed) for _, r in pages)
    summary = [_plural(len(pages), "page")]
    if failed:
        summary.append(f"{failed} failed")
    summary += [f"{_plural(kept, 'segment')} kept", f"{_plural(removed, 'piece')} removed"]
    categories = Counter(r.category for _, result in pages for r in result.removed)
    legend = ['<li><span class="chip kept">kept text</span></li>']
    legend += [f"<li>{_chip(category, n)}</li>" for category, n in _by_count(categories)]
    return (
        "<header class=\"top\">\n<h1>cleaner report</h1>\n"
        f"<p class=\"sum\">{' · '.join(summary)}. Kept text is plain, with the language of each run; "
        "removed text is struck through, tinted by category, with the rule that removed it.</p>\n"
        f"<ul class=\"legend\">{''.join(legend)}</ul>\n</header>\n"
    )


def _index(pages: list[tuple[str, CleanResult]]) -> str:
    rows = []
    for number, (name, result) in enumerate(pages, 1):
        if result.error is not None:
            title = f"<span class=\"failed\">{_e(result.error.get('type', 'error'))}</span>"
            lang = "<span class=\"dim\">–</span>"
        else:
            title = _text_or_dim(result.title, "no title")
            lang = _lang_badge(result.language)
        rows.append(
            f"<tr><td class=\"n\">{number}</td><td><a href=\"#page-{number}\">{_e(name)}</a></td>"
            f"<td>{lang}</td><td>{title}</td>"
            f"<td class=\"n\">{len(result.segments)}</td><td class=\"n\">{len(result.removed)}</td></tr>\n"
        )
    return (
        "<nav class=\"index\" aria-label=\"pages\"><table>\n<thead><tr><th class=\"n\">#</th><th>input</th>"
        "<th>lang</th><th>title</th><th class=\"n\">kept</th><th class=\"n\">removed</th></tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody></table></nav>\n"
    )


def _page(number: int, name: str, result: CleanResult) -> str:
    out = [f"<section class=\"page\" id=\"page-{number}\">\n<header class=\"head\">\n"
           f"<h2><span class=\"num\">{number}</span>{_e(name)}</h2>\n"]
    if result.error is None:
        if result.title:
            out.append(f"<p class=\"title\"{_lang_attr(result.language)}>{_e(result.title)}</p>\n")
        else:
            out.append("<p class=\"title none\">no title</p>\n")
    out.append(_facts(result))
    if result.error is None:
        out.append(_counts(result))
    out.append(_raw_provenance(result))
    out.append("</header>\n")
    if result.error is not None:
        out.append(
            f"<div class=\"error\" role=\"alert\"><strong>{_e(result.error.get('type', 'error'))}</strong>"
            f"{_e(result.error.get('message', ''))}</div>\n"
        )
    elif not result.segments and not result.removed:
        out.append("<p class=\"empty\">Nothing kept and nothing removed.</p>\n")
    else:
        out.append("<div class=\"pieces\">\n")
        out.extend(_pieces(result))
        out.append("</div>\n")
    out.append("</section>\n")
    return "".join(out)


def _facts(result: CleanResult) -> str:
    facts: list[tuple[str, str]] = []
    if result.error is None:
        facts.append(("language", _lang_badge(result.language)))
    for key in ("url", "site", "author", "date", "description"):
        if result.metadata.get(key):
            facts.append((key, _e(result.metadata[key])))
    for key, value in sorted(result.metadata.items()):
        if key not in ("url", "site", "author", "date", "description") and value:
            facts.append((key, _e(str(value))))
    prov = result.provenance or {}
    if prov.get("input_sha256") or prov.get("input_kind"):
        parts = []
        if prov.get("input_kind"):
            parts.append(_e(prov["input_kind"]))
        if prov.get("input_sha256"):
            parts.append(f"sha256 <code>{_e(prov['input_sha256'])}</code>")
        facts.append(("input", _SEP.join(parts)))
    if prov.get("encoding") or prov.get("encoding_source"):
        source = prov.get("encoding_source")
        how = ENCODING_SOURCES.get(source, source) if source else None
        encoding = _e(prov["encoding"]) if prov.get("encoding") else "–"
        facts.append(("encoding", encoding + (f" <span class=\"dim\">({_e(how)})</span>" if how else "")))
    if "fixes" in prov:
        fixes = prov["fixes"] or {}
        facts.append(("fixes", _SEP.join(f"{_e(k)} <b>{_e(str(v))}</b>" for k, v in fixes.items())
                      or "<span class=\"dim\">none</span>"))
    if prov.get("versions"):
        facts.append(("versions", _SEP.join(f"{_e(k)} {_e(str(v))}" for k, v in prov["versions"].items())))
    if "rule_packs" in prov:
        packs = [
            f"<span{_sha_title(p.get('sha256'))}>{_e(str(p.get('id', '?')))} "
            f"<span class=\"dim\">{_e(str(p.get('version', '')))}</span></span>"
            for p in prov["rule_packs"] or []
        ]
        facts.append(("rule packs", _SEP.join(packs) or "<span class=\"dim\">none</span>"))
    if prov.get("options"):
        facts.append(("options", _SEP.join(f"{_e(k)} {_e(_plain(v))}" for k, v in prov["options"].items())))
    if not facts:
        return ""
    return "<dl class=\"facts\">" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>\n"


def _counts(result: CleanResult) -> str:
    kept_chars = sum(len(s.text) for s in result.segments)
    removed_chars = sum(len(r.text) for r in result.removed)
    chips = "".join(_chip(c, n) for c, n in _by_count(Counter(r.category for r in result.removed)))
    return (
        f"<p class=\"counts\"><span class=\"what\">kept {_plural(len(result.segments), 'segment')} "
        f"({kept_chars:,} characters), removed {_plural(len(result.removed), 'piece')} "
        f"({removed_chars:,} characters){':' if chips else ''}</span>{chips}</p>\n"
    )


def _raw_provenance(result: CleanResult) -> str:
    """The whole provenance, folded: pack hashes and options exactly as the JSON has them."""
    if not result.provenance:
        return ""
    raw = json.dumps(result.provenance, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    return f"<details class=\"raw\"><summary>provenance as JSON</summary><pre>{_e(raw)}</pre></details>\n"


def _pieces(result: CleanResult) -> list[str]:
    # Source order; where a removal and a segment start together, the removal comes first.
    order: list[tuple[int, int, int, Segment | Removal]] = [(r.start, 0, i, r) for i, r in enumerate(result.removed)]
    order += [(s.start, 1, i, s) for i, s in enumerate(result.segments)]
    order.sort(key=lambda x: x[:3])
    return [
        _kept(piece, result.language) if isinstance(piece, Segment) else _cut(piece)
        for *_, piece in order
    ]


def _kept(segment: Segment, page_lang: str) -> str:
    kind = _slug(segment.kind)
    body = "".join(
        f"<span class=\"run\"{_lang_attr(lang)}>{_lang_badge(lang, page_lang)}{_e(text)}</span>"
        for text, lang in _runs(segment)
    )
    why = f"{_e(segment.kind)}{_SEP}<span title=\"language confidence\">conf. {segment.confidence:.2f}</span>"
    if segment.runs:
        why += f"{_SEP}{len(segment.runs)} runs"
    return (
        f"<div class=\"row kept k-{kind}\">{_pos(segment.start, segment.end)}"
        f"<div class=\"txt\">{body}</div><div class=\"why\">{why}</div></div>\n"
    )


def _cut(removal: Removal) -> str:
    text = removal.text
    if len(text) > FOLD_AT:
        shown = f"<del>{_e(text[:FOLD_SHOWN])}</del>… <details><summary>{len(text) - FOLD_SHOWN:,} more characters" \
                f"</summary><del>{_e(text[FOLD_SHOWN:])}</del></details>"
    else:
        shown = f"<del>{_e(text)}</del>"
    why = (
        f"<span class=\"line\">{_chip(removal.category)}{_lang_badge(removal.lang)}"
        f"<span class=\"dim\">{_e(removal.action)}</span></span>"
        f"<span class=\"line\"><code>{_e(removal.rule)}</code></span>"
    )
    if removal.evidence:  # a learned site rule says what it learned from
        why += f"<span class=\"line dim\">learned: {_e(removal.evidence)}</span>"
    return (
        f"<div class=\"row cut\" style=\"{_colour_vars(removal.category)}\">{_pos(removal.start, removal.end)}"
        f"<div class=\"txt\"{_lang_attr(removal.lang)}>{shown}</div><div class=\"why\">{why}</div></div>\n"
    )


def _runs(segment: Segment) -> list[tuple[str, str]]:
    """The segment's text cut where its runs begin, each piece with its run's language.

    Runs carry the source text and the segment the normalised text, so each run
    is found in the segment text (whitespace and NFC aside); a piece between two
    runs (punctuation, spaces) goes with the run before it.  When a run cannot be
    found, the segment is shown whole under its own language.
    """
    text = segment.text
    if not segment.runs:
        return [(text, segment.lang)]
    starts: list[tuple[int, str]] = []
    cursor = 0
    for run in segment.runs:
        needle = unicodedata.normalize("NFC", " ".join(run.text.split()))
        if not needle:
            continue
        at = text.find(needle, cursor)
        if at < 0:
            return [(text, segment.lang)]
        if starts and starts[-1][1] == run.lang:
            cursor = at + len(needle)
            continue
        starts.append((0 if not starts else at, run.lang))
        cursor = at + len(needle)
    if not starts:
        return [(text, segment.lang)]
    bounds = [s for s, _ in starts] + [len(text)]
    return [(text[bounds[i]:bounds[i + 1]], lang) for i, (_, lang) in enumerate(starts)]


# -- small pieces -----------------------------------------------------------

_SEP = "<span class=\"sep\">·</span>"
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_HEX = re.compile(r"[0-9a-f]{64}")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _plain(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) or "–"
    return str(value)


def _by_count(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _slug(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "_-") else "-" for ch in text) or "x"


def _colours(category: str) -> tuple[str, str]:
    if category in CATEGORIES:
        return CATEGORY_COLOURS[category]
    # Not a category of this version (a result from another one): a colour of its own, from its name.
    hue = int(hashlib.sha256(category.encode("utf-8")).hexdigest()[:4], 16) % 360
    return f"hsl({hue} 60% 38%)", f"hsl({hue} 85% 93%)"


def _colour_vars(category: str) -> str:
    line, tint = _colours(category)
    return f"--c:{line};--t:{tint}"


def _chip(category: str, count: int | None = None) -> str:
    number = f"<b>{count:,}</b>" if count is not None else ""
    return f"<span class=\"chip\" style=\"{_colour_vars(category)}\">{_e(category)}{number}</span>"


def _lang_badge(lang: str, page_lang: str | None = None) -> str:
    other = page_lang is not None and lang != page_lang and lang != UNDETERMINED
    return f"<span class=\"lang{' other' if other else ''}\">{_e(lang or UNDETERMINED)}</span>"


def _lang_attr(lang: str) -> str:
    """A lang attribute so the browser picks fitting fonts (CJK above all); none for und or a non-tag."""
    return f" lang=\"{lang}\"" if lang != UNDETERMINED and _LANG_TAG.fullmatch(lang or "") else ""


def _sha_title(digest: object) -> str:
    """The pack's sha256 as a tooltip (it is in full under "provenance as JSON" too)."""
    return f" title=\"sha256 {digest}\"" if isinstance(digest, str) and _HEX.fullmatch(digest) else ""


def _pos(start: int, end: int) -> str:
    return f"<span class=\"pos\" title=\"character offsets\">{start}–{end}</span>"


def _text_or_dim(text: str | None, missing: str) -> str:
    return _e(text) if text else f"<span class=\"dim\">{_e(missing)}</span>"
