"""Learning a site's own chrome: the blocks that repeat across a host's distinct articles.

Per host, every page is read once (`cleaner.sites.page`) and kept as small
integers, the digests of its blocks, and the texts of its short blocks; a host
keeps at most ``max_pages`` of them, sampled by address (`HostGroup`).  At the
end of the crawl:

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
import heapq
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

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
    teaser_of: str | None = None  # the headline it sits under wherever it is: a story's lead, kept on its page


@dataclass(frozen=True, slots=True)
class Sampled:
    """One page as learning keeps it: small integers and the texts of its short blocks."""

    rank: tuple[int, int]  # (address digest, content digest): the pages with the least ranks are kept
    keys: tuple[object, ...]  # what names its article: addresses, headline digests
    blocks: tuple[tuple[int, str, str], ...]  # (digest, text, where) of the blocks short enough to learn
    long: frozenset[int]  # digests of its long blocks, which tell copies of an article apart
    headlines: frozenset[int]


class HostGroup:
    """A host's pages as learning keeps them: at most ``max_pages``, the same whatever the order.

    A host's pages are sampled by the digest of their address (the least
    ``max_pages`` are kept, and a page that comes later with a lesser one
    takes the place of the greatest), so memory stays flat however many
    pages a host has, and the sample does not depend on the order they come in.
    """

    def __init__(self, host: str, config: SitesConfig = SitesConfig()) -> None:
        self.host, self.config = host, config
        self.offered = 0  # pages given, sampled or not
        self._heap: list[tuple[tuple[int, ...], Sampled]] = []  # ranks negated: the greatest on top
        self._ranks: set[tuple[int, int]] = set()
        self._variants: dict[int, dict[str, int]] = {}  # digest -> {its text as written: sampled pages}

    @property
    def pages(self) -> list[Sampled]:
        """The sampled pages, in rank order."""
        return sorted((entry for _, entry in self._heap), key=lambda entry: entry.rank)

    def add(self, page: Page) -> None:
        self.offered += 1
        blocks, long_blocks, content = {}, set(), []
        for text, where in page.blocks:
            if not any(ch.isalpha() for ch in text):
                continue
            d = digest(phrase_key(text))
            content.append(d)
            if len(text) >= self.config.same_article_chars:
                long_blocks.add(d)  # tells copies of an article apart, however long
            if len(text) <= self.config.max_chars and d not in blocks:  # longer: an article paragraph, never learned
                blocks[d] = (d, text, where)
        named = frozenset(digest(headline) for headline in page.headlines)
        keys = tuple(page.addresses) + tuple(sorted(named))
        rank = (digest(page.addresses[0] if page.addresses else ""), digest(" ".join(map(str, sorted(content)))))
        self._offer(Sampled(rank, keys, tuple(blocks.values()), frozenset(long_blocks), named))

    def merge(self, other: HostGroup) -> HostGroup:
        """This group with ``other``'s pages offered too (one host read in two places: Spark partitions)."""
        self.offered += other.offered - len(other._heap)
        for _, entry in other._heap:
            self.offered += 1
            self._offer(entry)
        return self

    def _offer(self, entry: Sampled) -> None:
        if entry.rank in self._ranks:
            return  # the same page again
        if len(self._heap) >= self.config.max_pages:
            if entry.rank >= self._heap[0][1].rank:
                return
            _, out = heapq.heappop(self._heap)
            self._ranks.discard(out.rank)
            for d, text, _ in out.blocks:
                variants = self._variants[d]
                variants[text] -= 1
                if not variants[text]:
                    del variants[text]
                    if not variants:
                        del self._variants[d]
        blocks = []
        for d, text, where in entry.blocks:
            variants = self._variants.setdefault(d, {})
            text = next((v for v in variants if v == text), text)  # one string object per text
            variants[text] = variants.get(text, 0) + 1
            blocks.append((d, text, sys.intern(where)))
        entry = Sampled(entry.rank, entry.keys, tuple(blocks), entry.long, entry.headlines)
        heapq.heappush(self._heap, (tuple(-r for r in entry.rank), entry))
        self._ranks.add(entry.rank)

    def learn(self) -> tuple[int, list[Learned]]:
        """(distinct articles, the blocks learned), most seen first, then by text."""
        config = self.config
        pages = self.pages
        texts = {d: min(variants) for d, variants in self._variants.items()}
        where: dict[int, Counter[str]] = {}
        for page in pages:
            for d, _, place in page.blocks:
                where.setdefault(d, Counter())[place] += 1
        headlines = frozenset().union(*(page.headlines for page in pages))
        articles = self._articles(pages)
        counts = self._counts(pages, articles)
        total = articles.count
        if total < config.min_articles:
            return total, []
        need = max(config.min_seen, math.ceil(config.min_share * total))
        # A story's headline on another story's page is a teaser there, however few pages show it.
        chosen = {d: n for d, n in counts.items() if n >= need or (n >= 2 and d in headlines)}
        under = _under_headlines(pages, chosen, headlines)
        learned = [
            Learned(texts[d], phrase_key(texts[d]), n, total, _most_common(where[d]), d in headlines,
                    texts.get(under[d]) if d in under else None)
            for d, n in chosen.items()
        ]
        learned.sort(key=lambda item: (-item.seen, item.key, item.text))
        return total, learned

    def _articles(self, pages: list[Sampled]) -> _Articles:
        """Pages joined into articles: those that share an address or a headline, and those that
        share two long blocks seen on exactly the same pages (a print or app copy of a story).

        What a few pages share may name one story; what many share names the site
        (a canonical address set to the home page, a site-wide <title>, the chrome
        itself): a key or block on more than ``max_copies`` pages, or on more than
        half of them, joins none.
        """
        articles = _Articles(len(pages))
        limit = min(self.config.max_copies, len(pages) // 2)
        holders: dict[object, list[int]] = {}
        for index, page in enumerate(pages):
            for key in page.keys:
                holders.setdefault(key, []).append(index)
        groups = [pages for pages in holders.values() if 2 <= len(pages) <= limit]
        by_pages: Counter[tuple[int, ...]] = Counter()
        holders = {}
        for index, page in enumerate(pages):
            for d in page.long:
                holders.setdefault(d, []).append(index)
        by_pages.update(tuple(pages) for pages in holders.values() if 2 <= len(pages) <= limit)
        groups += [list(pages) for pages, blocks in by_pages.items() if blocks >= 2]
        for group in groups:
            for other in group[1:]:
                articles.union(group[0], other)
        return articles

    def _counts(self, pages: list[Sampled], articles: _Articles) -> Counter[int]:
        """On how many distinct articles each block is."""
        blocks_of: dict[int, set[int]] = {}
        for index, page in enumerate(pages):
            blocks_of.setdefault(articles.find(index), set()).update(d for d, _, _ in page.blocks)
        counts: Counter[int] = Counter()
        for blocks in blocks_of.values():
            counts.update(blocks)
        return counts


def _under_headlines(pages: list[Sampled], chosen: dict[int, int], headlines: frozenset[int]) -> dict[int, int]:
    """The learned blocks that sit right under one story's headline on most pages that show
    them (a teaser's lead, the story's first paragraph on its own page), with that headline."""
    above: dict[int, Counter[int]] = {}
    shown: Counter[int] = Counter()
    for page in pages:
        previous = None
        for d, _, _ in page.blocks:
            if d in chosen and d not in headlines:
                shown[d] += 1
                if previous in headlines:
                    above.setdefault(d, Counter())[cast(int, previous)] += 1  # a headline's block
            previous = d
    found = {}
    for d, heads in above.items():
        head, n = min(heads.items(), key=lambda item: (-item[1], item[0]))
        if 2 * n >= shown[d]:
            found[d] = head
    return found


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
