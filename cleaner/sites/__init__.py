"""Each site's own chrome, learned from the crawl: site packs with their evidence.

Shipped packs know the chrome many sites share.  A site also has its own, in
its own words: a tagline, an app promo, a disclaimer under every article.
Those strings repeat on the site's pages while articles do not.

- learning (`learn_sites`, ``clean learn FILES --out DIR``): pages grouped by
  host; the blocks whose text repeats across a host's distinct articles
  (`cleaner.sites.learn`); one pack per host, ordinary TOML with evidence
  (`cleaner.sites.packs`), to review, trim and commit like any other;
- applying (``Cleaner(site_packs=DIR)``, ``clean --site-packs DIR``): each
  page gets its host's pack, compiled once (`cleaner.sites.apply`).

>>> from cleaner import Cleaner
>>> pages = [{"url": f"https://e.org/{i}", "text": f"Story {i}\\n\\nWhat happened on day {i}.\\n\\nSend your tips to the newsroom: desk@e.org"}
...          for i in range(6)]
>>> [site.host for site in learn_sites(pages)]
['e.org']
>>> Cleaner(site_packs=learn_sites(pages)).clean(pages[0]["text"], url=pages[0]["url"]).removed[0].evidence
'seen on 6 of 6 articles, line, en'
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..config import CleanerConfig
from ..detect import detect_language
from ..errors import CleanerError
from ..records import host_of
from .apply import SitePacks, apply_site_rules

if TYPE_CHECKING:
    from .learn import HostGroup, Learned
    from .packs import SitePack, pack_id, pack_toml, write_packs
    from .page import Page, address_key, read_page, site_of

# Learning reads pages with lxml: imported on first use, so that applying packs
# (every `Cleaner`, `cleaner.core`) does not load it for a text page.
_LAZY = {"HostGroup": "learn", "Learned": "learn", "SitePack": "packs", "pack_id": "packs", "pack_toml": "packs",
         "write_packs": "packs", "Page": "page", "address_key": "page", "read_page": "page", "site_of": "page"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "HostGroup", "Learned", "Page", "SitePack", "SitePacks", "address_key", "apply_site_rules", "host_of",
    "learn_group", "learn_sites", "pack_id", "read_page", "site_of", "write_packs",
]


def learn_sites(records: Iterable[Any], config: CleanerConfig | None = None,
                errors: list[str] | None = None) -> list[SitePack]:
    """One `SitePack` per host that has something to learn, in host order.

    ``records`` are what `Cleaner.clean_record` takes (pages with a ``url``);
    pages without an address belong to no site and are left out.  A page that
    cannot be read is skipped, its message appended to ``errors`` when given.
    The same pages in any order give the same packs, byte for byte.
    """
    from .learn import HostGroup
    from .page import read_page

    config = config or CleanerConfig()
    groups: dict[str, HostGroup] = {}
    for item in records:
        try:
            page = read_page(item, config.load)
        except Exception as exc:  # noqa: BLE001 - one page that cannot be read does not stop the crawl's learning
            if errors is not None:
                errors.append(str(exc) if isinstance(exc, CleanerError) else f"{type(exc).__name__}: {exc}")
            continue
        if page.host is None:
            continue
        group = groups.get(page.host)
        if group is None:
            group = groups[page.host] = HostGroup(page.host, config.sites)
        group.add(page)
    packs = []
    for host in sorted(groups):
        site = learn_group(groups.pop(host), config)  # one host's counts at a time are let go once written
        if site is not None:
            packs.append(site)
    return packs


def learn_group(group: HostGroup, config: CleanerConfig | None = None) -> SitePack | None:
    """The pack of one host's pages, or None when they teach nothing."""
    from .packs import SitePack, pack_toml

    config = config or CleanerConfig()
    articles, learned = group.learn()
    if not learned:
        return None
    return SitePack(group.host, pack_toml(group.host, group.offered, len(group.pages), articles, learned,
                                          _languages(learned, config)))



def _languages(learned: list[Learned], config: CleanerConfig) -> dict[str, str]:
    """Each learned text's language; a short one (a label, a tagline) takes the host's chrome's as a whole."""
    allowed = config.detect.languages
    host = detect_language(" ".join(item.text for item in learned)[:2000], languages=allowed)
    return {
        item.key: (detect_language(item.text, languages=allowed)
                   if sum(map(str.isalpha, item.text)) >= 2 * config.detect.stat_min_letters else host)
        for item in learned
    }
