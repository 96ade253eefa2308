"""The Spark job's learning stage: pages grouped by host, one site pack per host, before cleaning.

Executors read each page (`cleaner.sites.read_page`: its host, addresses,
headlines and block digests, no extraction), fold a host's pages into one
`cleaner.sites.HostGroup` per partition and merge them by host
(``aggregateByKey``: a host's pages meet as digests, never as pages), then
learn each host's pack where its group is.  Only the packs, a few kilobytes
each, come back to the driver, which sends them out with the cleaning job.

    packs = learn_rdd(records)                       # an RDD of `Record`s
    results = clean_rdd(records, site_packs=packs)   # cleaner.integrations.spark
"""

from __future__ import annotations

from functools import partial
from typing import Any

from cleaner.config import CleanerConfig
from cleaner.errors import CleanerError
from cleaner.records import Record
from cleaner.sites import HostGroup, SitePack, learn_group, read_page

__all__ = ["learn_rdd"]


def learn_rdd(records: Any, config: CleanerConfig | None = None) -> list[SitePack]:
    """Site packs learned from an RDD of `Record`s, in host order (the same as `cleaner.sites.learn_sites`)."""
    config = config or CleanerConfig()
    pages = records.flatMap(partial(_page_of, config=config))
    groups = pages.aggregateByKey(None, partial(_add, config=config), _merge)
    packs = groups.map(lambda host_group: learn_group(host_group[1], config)).filter(lambda pack: pack is not None)
    return sorted(packs.collect(), key=lambda pack: pack.host)


def _page_of(record: Record, config: CleanerConfig) -> list[tuple[str, Any]]:
    if record.error or record.data is None:
        return []
    try:
        page = read_page(record, config.load)
    except CleanerError:
        return []  # the cleaning pass reports it as an error record
    return [(page.host, page)] if page.host is not None else []


def _add(group: HostGroup | None, page: Any, config: CleanerConfig) -> HostGroup:
    if group is None:
        group = HostGroup(page.host, config.sites)
    group.add(page)
    return group


def _merge(a: HostGroup | None, b: HostGroup | None) -> HostGroup | None:
    if a is None or b is None:
        return a or b
    return a.merge(b)
