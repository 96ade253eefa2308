"""Learning a site's own chrome: the blocks that repeat across a host's distinct articles.

Per host, every page is read once (`cleaner.sites.page`) and kept as small
integers: the digests of its blocks.  At the end of the crawl:

1. pages that share an address (their own or the canonical one) are one article;
2. a block on at least ``min_seen`` and ``min_share`` of the host's articles is
   a candidate, and so is a page's headline seen on another article's page (a teaser);
3. pages that share a long block which is no candidate are one article too (a
   print or AMP copy, the same story at two addresses): its paragraphs are not
   votes for themselves.  Steps 2 and 3 repeat until no article merges.

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
    pages: list[tuple[tuple[str, ...], frozenset[int], frozenset[int]]] = field(default_factory=list)
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
        self.headlines.update(digest(headline) for headline in page.headlines)
        self.pages.append((page.addresses, frozenset(blocks), frozenset(long_blocks)))

    def learn(self) -> tuple[int, list[Learned]]:
        """(distinct articles, the blocks learned), most seen first, then by text."""
        config = self.config
        articles = _Articles(len(self.pages))
        by_address: dict[str, int] = {}
        for index, (addresses, _, _) in enumerate(self.pages):
            for address in addresses:
                articles.union(by_address.setdefault(address, index), index)
        while True:
            counts = self._counts(articles)
            total = articles.count
            need = max(config.min_seen, math.ceil(config.min_share * total))
            # A story's headline on another story's page is a teaser there, however few pages show it.
            candidates = {d for d, n in counts.items() if n >= need or (n >= 2 and d in self.headlines)}
            merged = False
            by_block: dict[int, int] = {}
            for index, (_, _, long_blocks) in enumerate(self.pages):
                for d in long_blocks - candidates:
                    merged |= articles.union(by_block.setdefault(d, index), index)
            if not merged:
                break
        if total < config.min_articles:
            return total, []
        learned = [
            Learned(self.texts[d], phrase_key(self.texts[d]), counts[d], total, _most_common(self.where[d]),
                    d in self.headlines)
            for d in candidates
        ]
        learned.sort(key=lambda item: (-item.seen, item.key, item.text))
        return total, learned

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
