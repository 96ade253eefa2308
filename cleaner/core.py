"""`Cleaner` runs the stages in order; `clean` is the one-call form.

    load -> limit -> extract -> repair -> detect -> rules -> sites -> normalise -> result

Every stage is a function ``stage(doc, context) -> doc`` listed once in
`STAGES`; its docstring says what it reads and writes (`cleaner.document`).
Repair runs before the rules so that they read the text as it will come out:
chrome in mojibake or with a zero-width space inside is still chrome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar, cast

from .config import CleanerConfig
from .detect import Detector, detect
from .document import Document, Input
from .errors import InputError
from .extract import extract
from .limits import check_time, limit, page_clock
from .load import load
from .normalise import normalise
from .records import to_record
from .repair import repair
from .result import CleanResult, build_result, error_result, versions
from .rules import RulePack, RuleSet, apply_rules, builtin_packs, load_pack
from .sites import SitePacks, apply_site_rules

__all__ = ["STAGES", "Cleaner", "Context", "clean", "error_result", "versions"]

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What every stage is handed besides the document: the settings and what was loaded from them."""

    config: CleanerConfig
    rules: RuleSet
    detector: Detector
    sites: SitePacks | None = None  # learned packs by host (`cleaner.sites`), when given


Stage = Callable[[Document, Context], Document]
STAGES: tuple[Stage, ...] = (load, limit, extract, repair, detect, apply_rules, apply_site_rules, normalise)


class Cleaner:
    """Holds loaded rule packs and the language detector; clean many pages with one.

    Built from a `CleanerConfig`, with keyword overrides by setting name
    (``max_bytes=``, ``languages=``, ``site_packs=`` a folder of learned
    packs or `cleaner.sites.learn_sites` output) or by the short names
    ``rules`` (extra packs), ``builtin_rules`` and ``detector``.  A `Cleaner` pickles as its
    config: the packs and models are loaded again where it is unpickled.

    >>> cleaner = Cleaner(rules=[])          # built-in packs only
    >>> cleaner.clean("Title\\n\\nBody text.").text
    'Body text.'
    """

    def __init__(self, config: CleanerConfig | None = None, **options: Any) -> None:
        config = (config or CleanerConfig()).replace(**options) if options else (config or CleanerConfig())
        packs = builtin_packs(phrases=config.rules.builtin)
        packs += [p if isinstance(p, RulePack) else load_pack(p) for p in config.rules.packs]
        self.config = config
        self.packs = packs
        self.rules = RuleSet(packs, config.rules, config.detect.article_min_letters)
        self.detector = Detector(config.detect)
        site_packs = config.sites.site_packs
        self.sites = SitePacks(site_packs, config) if site_packs is not None else None
        self.context = Context(config, self.rules, self.detector, self.sites)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Cleaner, (self.config,))

    def clean(
        self,
        data: str | bytes,
        url: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
        kind: str = "auto",
    ) -> CleanResult:
        """Clean one page: HTML or text, as bytes or str.

        ``kind`` is "html", "text" or "auto" (sniffed).  Raises a `CleanerError`
        subclass whose message starts with ``name`` (default: the url, else ``<input>``).
        """
        if kind not in ("auto", "html", "text"):
            raise ValueError(f"kind must be 'auto', 'html' or 'text', not {kind!r}")
        doc = Document(Input(data, url, headers, name or url or "<input>", kind))
        limits = self.config.limits
        with page_clock(doc.input.name, limits.timeout, self.config.rules.pattern_page_budget):
            for stage in STAGES:
                doc = stage(doc, self.context)
                check_time()
            return build_result(doc, self.context)

    def clean_record(self, item: Any) -> CleanResult:
        """Like `clean`, but any failure becomes an error result instead of an exception.

        An item is a page (str or bytes), a mapping with ``html`` or ``text``
        and optionally ``url`` and ``headers``, or a `cleaner.records.Record`
        (see `cleaner.records.to_record`).
        """
        record = to_record(item)
        try:
            if record.error:
                raise InputError(record.error)
            # (No error: the record has its data.)
            return self.clean(cast("str | bytes", record.data), record.url, headers=record.headers,
                              name=record.source or None)
        except Exception as exc:  # noqa: BLE001 - in a batch nothing is lost, not even to a bug
            log.debug("%s: %s: %s", record.source or record.url or "<input>", type(exc).__name__, exc)
            return error_result(exc, record.data, record.url, record.source or None)

    def clean_many(self, records: Iterable[Any], jobs: int = 1, chunk: int = 32) -> Iterator[CleanResult]:
        """Clean records in order; a record that fails becomes an error result, never lost.

        Records are as for `clean_record`.  With ``jobs > 1`` worker
        processes each load the packs and detector once; records are read a
        bounded number ahead, so memory stays flat however long the input.
        """
        return self.map(Cleaner.clean_record, records, jobs, chunk, failed=_failed_record)

    def map(
        self,
        work: Callable[[Cleaner, Any], T],
        items: Iterable[Any],
        jobs: int = 1,
        chunk: int = 32,
        failed: Callable[[Cleaner, Any, BaseException], T] | None = None,
    ) -> Iterator[T]:
        """``work(cleaner, item)`` for every item, in order, in ``jobs`` supervised processes.

        ``work`` must be a module-level function (it travels to the workers by
        name): whatever it returns comes back, so a worker can also serialise
        its result and spare the parent that work.  A worker that dies or runs
        past the page time limit (``timeout``) is replaced, and its item
        becomes ``failed(cleaner, item, error)`` (`cleaner.workers`); without
        ``failed`` the error is raised.  At most ``jobs * chunk`` items are read ahead.
        """
        if jobs <= 1:
            yield from (work(self, item) for item in items)
            return
        from .workers import supervised

        yield from supervised(self.config, work, items, jobs, failed or _raise,
                              timeout=self.config.limits.timeout, ahead=jobs * chunk)


def clean(data: str | bytes, *, url: str | None = None, **options: Any) -> CleanResult:
    """Clean one page with a `Cleaner` built from ``options`` (cached between calls).

    >>> clean("Headline\\n\\nThe article.\\n\\nПоделиться").text
    'The article.'
    """
    headers = options.pop("headers", None)
    config = CleanerConfig().replace(**options) if options else _DEFAULT
    return shared_cleaner(config).clean(data, url, headers=headers)


_DEFAULT = CleanerConfig()


@lru_cache(maxsize=8)
def shared_cleaner(config: CleanerConfig = _DEFAULT) -> Cleaner:
    """One `Cleaner` per config in this process, built on first use (for `clean` and batch callbacks)."""
    return Cleaner(config)


def _failed_record(cleaner: Cleaner, item: Any, error: BaseException) -> CleanResult:
    """The error result of a record whose worker died or ran out of time."""
    record = to_record(item)
    return error_result(error, record.data, record.url, record.source or None)


def _raise(cleaner: Cleaner, item: Any, error: BaseException) -> Any:
    raise error
