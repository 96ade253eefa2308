"""Learning a site's own chrome: the blocks that repeat across a host's distinct articles.

Per host, every page is read once (`cleaner.sites.page`) and kept as small
integers: the digests of its blocks.  At the end of the crawl:

1. pages that share an address (their own or the canonical one), a headline,
   or two long blocks found on exactly the same few pages are one article (a
   print or AMP copy, the same story at two addresses): its paragraphs are not
   votes for themselves;
2. a block on at least ``min_seen`` and ``min_share`` of the host's articles is
   learned, and so is a page's headline seen on another article's page (a teaser).

A host with fewer than ``min_articles`` articles learns nothing.  Everything is
counted as sets, and every tie is broken by the text, so the same pages in any
order give the same packs.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

from ..config import SitesConfig
from ..rules import phrase_key
from .page import Page


def digest(key: str) -> int:
    """A phrase key as a 64-bit integer (blake2b: the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass
class Learned:
    """One block a host repeats: its text, on how many of how many articles, where, and whether it is a headline."""

    text: str
    key: str
    seen: int
    of: int
    where: str
    headline: bool


@dataclass
class HostGroup:
    """What a host's pages leave behind: per page, its addresses and block digests; per block, its text.

    The text of a block seen once is kept until the end of the crawl (it may
    come back); its digest is all the page keeps.
    """

    host: str
    config: SitesConfig = field(default_factory=SitesConfig)
    # Per page: the keys that name its article (addresses, headline digests), its blocks' digests, its long ones'.
    pages: list[tuple[tuple[object, ...], frozenset[int], frozenset[int]]] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # digest -> its display text (the least, for ties)
    where: dict[int, Counter[str]] = field(default_factory=dict)
    headlines: set[int] = field(default_factory=set)

    def add(self, page: Page) -> None:
        blocks, long_blocks = set(), set()
        for text, where in page.blocks:
            if not any(ch.isalpha() for ch in text):
                continue
            key = phrase_key(text)
            d = digest(key)
            if len(text) >= self.config.same_article_chars:
                long_blocks.add(d)  # tells copies of an article apart, however long
            if len(text) > self.config.max_chars:
                continue  # an article paragraph: never learned, its text never kept
            blocks.add(d)
            known = self.texts.get(d)
            if known is None or text < known:
                self.texts[d] = text
            self.where.setdefault(d, Counter())[where] += 1
        named = {digest(headline) for headline in page.headlines}
        self.headlines.update(named)
        keys = tuple(page.addresses) + tuple(sorted(named))  # what names the page's article
        self.pages.append((keys, frozenset(blocks), frozenset(long_blocks)))

    def merge(self, other: HostGroup) -> HostGroup:
        """This group with ``other``'s pages added (the same host read in two places: Spark partitions)."""
        self.pages.extend(other.pages)
        for d, text in other.texts.items():
            known = self.texts.get(d)
            if known is None or text < known:
                self.texts[d] = text
        for d, where in other.where.items():
            self.where.setdefault(d, Counter()).update(where)
        self.headlines |= other.headlines
        return self

    def learn(self) -> tuple[int, list[Learned]]:
        """(distinct articles, the blocks learned), most seen first, then by text."""
        config = self.config
        articles = self._articles()
        counts = self._counts(articles)
        total = articles.count
        if total < config.min_articles:
            return total, []
        need = max(config.min_seen, math.ceil(config.min_share * total))
        # A story's headline on another story's page is a teaser there, however few pages show it.
        learned = [
            Learned(self.texts[d], phrase_key(self.texts[d]), n, total, _most_common(self.where[d]), d in self.headlines)
            for d, n in counts.items() if n >= need or (n >= 2 and d in self.headlines)
        ]
        learned.sort(key=lambda item: (-item.seen, item.key, item.text))
        return total, learned

    def _articles(self) -> _Articles:
        """Pages joined into articles: those that share an address or a headline, and those that
        share two long blocks seen on exactly the same pages (a print or app copy of a story).

        What a few pages share may name one story; what many share names the site
        (a canonical address set to the home page, a site-wide <title>, the chrome
        itself): a key or block on more than ``max_copies`` pages, or on more than
        half of them, joins none.
        """
        articles = _Articles(len(self.pages))
        limit = min(self.config.max_copies, len(self.pages) // 2)
        holders: dict[object, list[int]] = {}
        for index, (keys, _, _) in enumerate(self.pages):
            for key in keys:
                holders.setdefault(key, []).append(index)
        groups = [pages for pages in holders.values() if 2 <= len(pages) <= limit]
        by_pages: Counter[tuple[int, ...]] = Counter()
        holders = {}
        for index, (_, _, long_blocks) in enumerate(self.pages):
            for d in long_blocks:
                holders.setdefault(d, []).append(index)
        by_pages.update(tuple(pages) for pages in holders.values() if 2 <= len(pages) <= limit)
        groups += [list(pages) for pages, blocks in by_pages.items() if blocks >= 2]
        for pages in groups:
            for other in pages[1:]:
                articles.union(pages[0], other)
        return articles

    def _counts(self, articles: _Articles) -> Counter[int]:
        """On how many distinct articles each block is."""
        blocks_of: dict[int, set[int]] = {}
        for index, (_, blocks, _) in enumerate(self.pages):
            blocks_of.setdefault(articles.find(index), set()).update(blocks)
        counts: Counter[int] = Counter()
        for blocks in blocks_of.values():
            counts.update(blocks)
        return counts


def _most_common(where: Counter[str]) -> str:
    return min(where.items(), key=lambda item: (-item[1], item[0]))[0]


class _Articles:
    """Union-find over page indexes: pages found to carry the same article end in one set."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.count = size

    def find(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def union(self, a: int, b: int) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        self.parent[max(a, b)] = min(a, b)
        self.count -= 1
        return True
