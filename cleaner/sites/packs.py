"""Learned blocks as a rule pack: ordinary TOML in the pack format, one file per host, to review and edit.

Every rule is ``category = "site"``, ``action = "drop_block"`` (a learned text
goes only where it is a whole block, never out of a sentence), with its
evidence: on how many of the host's distinct articles it was seen, where on the
page, its language, and whether it is some page's headline.

>>> from cleaner.sites.learn import Learned
>>> text = pack_toml("news.example.org", 6, 6, 6, [Learned("Tips? news@example.org", "tips? news@example.org", 6, 6, "footer/p", False)], {"tips? news@example.org": "en"})
>>> print(text.split("[[rules]]")[1].strip())  # doctest: +ELLIPSIS
id = "s-..."
category = "site"
action = "drop_block"
[rules.phrases]
en = ["Tips? news@example.org"]
[rules.evidence]
seen = 6
of = 6
where = "footer/p"
lang = "en"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import regex

from ..document import is_separator
from ..rules import RulePack, parse_pack
from .learn import Learned, digest

_NOT_ID = regex.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class SitePack:
    """A learned pack: its host, the TOML written for it, and the pack it parses into."""

    host: str
    toml: str

    @property
    def id(self) -> str:
        return pack_id(self.host)

    @property
    def file_name(self) -> str:
        return f"{self.host}.toml"

    def pack(self) -> RulePack:
        return parse_pack(self.toml.encode("utf-8"), f"<learned {self.host}>")


def pack_id(host: str) -> str:
    """A pack id for a host: ``site-`` and its name in lower-case letters, digits and dashes.

    >>> pack_id("news.example.org"), pack_id("новости.рф")
    ('site-news-example-org', 'site-xn--b1amnebsh-xn--p1ai')
    """
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = f"{digest(host):016x}"
    return "site-" + (_NOT_ID.sub("-", ascii_host.lower()).strip("-") or f"{digest(host):016x}")


def pack_toml(host: str, pages: int, sampled: int, articles: int, learned: list[Learned],
              languages: dict[str, str]) -> str:
    """The TOML of one host's pack (``languages``: each learned text's key -> its language)."""
    sample = f", a sample of {sampled} by address" if sampled < pages else ""
    lines = [
        f"# Learned by `clean learn` from {pages} pages of {host}{sample} ({articles} distinct articles).",
        "# Each rule drops a block that is exactly one of its phrases, on this host only.",
        "# Review before use: delete a rule to keep its text; evidence says where it was seen.",
        "[pack]",
        f"id = {_string(pack_id(host))}",
        'version = "1.0.0"',
        f"host = {_string(host)}",
        f"description = {_string(f'Blocks repeated across the articles of {host}, learned from {pages} pages.')}",
    ]
    for item in learned:
        lang = languages.get(item.key, "und")
        lines += [
            "",
            "[[rules]]",
            f"id = {_string(f's-{digest(item.key):016x}'[:12])}",
            'category = "site"',
            'action = "drop_block"',
            "[rules.phrases]",
            f"{lang} = [{_string(_trim(item.text))}]",
            "[rules.evidence]",
            f"seen = {item.seen}",
            f"of = {item.of}",
            f"where = {_string(item.where)}",
            f"lang = {_string(lang)}",
        ]
        if item.headline:
            lines.append("headline = true")
        if item.teaser_of:
            lines.append(f"teaser_of = {_string(item.teaser_of)}")
    return "\n".join(lines) + "\n"


def write_packs(packs: list[SitePack], folder: str | Path) -> list[Path]:
    """Write each pack as ``<host>.toml`` in ``folder`` (made if missing); the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for site in packs:
        path = folder / site.file_name
        path.write_text(site.toml, encoding="utf-8")
        written.append(path)
    return written


def _trim(text: str) -> str:
    """The phrase without the punctuation at its ends, which the matcher skips as separators
    ("¿Tienes información?" is found as "Tienes información")."""
    start, end = 0, len(text)
    while start < end and is_separator(text[start]):
        start += 1
    while end > start and is_separator(text[end - 1]):
        end -= 1
    return text[start:end]


def _string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and DEL is escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
