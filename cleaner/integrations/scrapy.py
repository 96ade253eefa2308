"""A Scrapy item pipeline that cleans the page an item carries.

The spider puts the page (``response.body``, bytes or str) in an item field;
the pipeline adds the ``cleaner/1`` result beside it and drops the items that
hold no article.  Enable it in the project's ``settings.py``::

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.CleanerPipeline": 300}

    CLEANER_INPUT_FIELD = "html"      # the page; when missing, "text" is tried
    CLEANER_URL_FIELD = "url"
    CLEANER_HEADERS_FIELD = "headers"  # optional HTTP headers: Content-Type's charset
    CLEANER_OUTPUT_FIELD = "cleaned"  # receives CleanResult.to_dict()
    CLEANER_TEXT_FIELD = None         # e.g. "article_text" to also get the text alone
    CLEANER_RULES = ["packs/my-site.toml"]
    CLEANER_LANGUAGES = ["ru", "uk", "en"]  # None: every language the detector knows
    CLEANER_SITE_PACKS = "site-packs/"  # packs learned earlier (`clean learn crawl.jsonl --out site-packs/`)
    CLEANER_DROP_EMPTY = True         # drop items whose article comes out empty
    CLEANER_DROP_FAILED = True        # False: keep them, the error result in CLEANER_OUTPUT_FIELD
    CLEANER_TIMEOUT = 60              # seconds per page; past it the item fails (0: no limit)

and in the spider::

    def parse_article(self, response):
        yield {
            "url": response.url,
            "html": response.body,
            "headers": {"Content-Type": response.headers.get("Content-Type", b"").decode("latin-1")},
        }

Dropped items raise one `DropItem` subclass per reason, so the crawl's stats
count them apart (``item_dropped_reasons_count/EmptyArticle`` and so on):

- `NoPageField`: the item holds neither the input field nor ``text``;
- `CleaningFailed`: the cleaner refused the page (binary data, empty input,
  a rule pattern past its time limit), when ``CLEANER_DROP_FAILED`` is true;
- `EmptyArticle`: nothing of the page was article text, when
  ``CLEANER_DROP_EMPTY`` is true.

Items may be dicts, `scrapy.Item` subclasses (declare the output field, and
the text field if set) or anything else `itemadapter` knows.  In a crawl,
cleaning runs off the reactor thread (Twisted's thread pool, `deferToThread`),
so a heavy page never freezes downloads, with one `Cleaner` (packs and language
models loaded once, shared by the threads) per pipeline.  A page past
``CLEANER_TIMEOUT`` fails with `CleaningFailed` (`PageTimeoutError`): the
cleaner stops itself between stages, and the item's Deferred is timed out
shortly after in any case.  The stat ``cleaner/pages_in_thread_pool`` counts
the pages cleaned off the reactor thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem
    from scrapy.http import Response
except ImportError as exc:  # pragma: no cover - only without the extra
    raise ImportError(
        f"cleaner.integrations.scrapy needs Scrapy ({exc}); "
        "install the scrapy extra: pip install 'cleaner[scrapy]'"
    ) from exc

from ..config import LimitsConfig
from ..core import Cleaner, error_result
from ..errors import CleanerError, InputError, PageTimeoutError
from ..records import Fields, headers_of, page_field, to_record
from ..result import CleanResult

__all__ = ["CleanerPipeline", "CleaningFailed", "EmptyArticle", "NoPageField"]

FALLBACK_INPUT_FIELD = "text"


class NoPageField(DropItem):
    """The item has no field holding the page."""


class CleaningFailed(DropItem):
    """The cleaner could not clean the page (binary data, empty input, rule timeout)."""


class EmptyArticle(DropItem):
    """The page was cleaned and no article text was left."""


class CleanerPipeline:
    """Clean each item's page with one `Cleaner`; see the module docstring for settings."""

    def __init__(
        self,
        *,
        input_field: str = "html",
        url_field: str = "url",
        headers_field: str | None = "headers",
        output_field: str = "cleaned",
        text_field: str | None = None,
        rules: Sequence[str] = (),
        languages: Sequence[str] | None = None,
        site_packs: str | None = None,
        drop_empty: bool = True,
        drop_failed: bool = True,
        cleaner: Cleaner | None = None,
        timeout: float | None = LimitsConfig.timeout,
        crawler: Any = None,
    ) -> None:
        self.input_field = input_field
        self.url_field = url_field
        self.headers_field = headers_field
        # The item is read as any mapping is (`cleaner.records.to_record`), with these field names.
        self.fields = Fields(html=input_field, text=FALLBACK_INPUT_FIELD, url=url_field, headers=headers_field)
        self.output_field = output_field
        self.text_field = text_field
        self.drop_empty = drop_empty
        self.drop_failed = drop_failed
        # Built here, once: a bad rule pack stops the crawl before it starts,
        # with the pack's file, rule and problem in the message.
        self.cleaner = cleaner if cleaner is not None else Cleaner(rules=list(rules), languages=languages,
                                                                   site_packs=site_packs, timeout=timeout or None)
        self.timeout = timeout or None
        # A crawl (`from_crawler`) cleans in Twisted's thread pool; called directly, in the caller's thread.
        self.crawler = crawler
        self.threaded = crawler is not None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanerPipeline:
        settings = crawler.settings
        languages = settings.get("CLEANER_LANGUAGES")
        return cls(
            input_field=settings.get("CLEANER_INPUT_FIELD") or "html",
            url_field=settings.get("CLEANER_URL_FIELD") or "url",
            headers_field=settings.get("CLEANER_HEADERS_FIELD", "headers") or None,
            output_field=settings.get("CLEANER_OUTPUT_FIELD") or "cleaned",
            text_field=settings.get("CLEANER_TEXT_FIELD") or None,
            rules=settings.getlist("CLEANER_RULES", []),
            languages=settings.getlist("CLEANER_LANGUAGES") if languages else None,
            site_packs=settings.get("CLEANER_SITE_PACKS") or None,
            drop_empty=settings.getbool("CLEANER_DROP_EMPTY", True),
            drop_failed=settings.getbool("CLEANER_DROP_FAILED", True),
            timeout=settings.getfloat("CLEANER_TIMEOUT", LimitsConfig.timeout or 0) or None,
            crawler=crawler,
        )

    # `spider` has a default so that Scrapy 2.14+ calls this without it (no
    # deprecation warning) while older versions still pass it.
    def process_item(self, item: Any, spider: Any = None) -> Any:
        """The item with its result; in a crawl, a coroutine that gets it from the thread pool."""
        if not self.threaded:
            return self.clean_item(item)
        return self._clean_off_reactor(item)

    async def _clean_off_reactor(self, item: Any) -> Any:
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor, threads

        deferred = threads.deferToThread(self._clean_in_pool, item)
        if self.timeout:
            # The cleaner stops itself between stages; this is for a page stuck inside one.
            deferred.addTimeout(self.timeout + _GRACE, reactor, onTimeoutCancel=lambda *_: self._late(item))
        return await maybe_deferred_to_future(deferred)

    def _clean_in_pool(self, item: Any) -> Any:
        from twisted.internet import reactor
        from twisted.python.threadable import isInIOThread

        if not isInIOThread():  # counted in the reactor thread, where the stats live
            reactor.callFromThread(self.crawler.stats.inc_value, "cleaner/pages_in_thread_pool")
        return self.clean_item(item)

    def _late(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        label = str(adapter.get(self.url_field) or "item without a url")
        exc = PageTimeoutError(f"{label}: cleaning took longer than the time limit of {self.timeout:g}s (timeout)")
        if self.drop_failed:
            raise CleaningFailed(str(exc)) from exc
        self._store(adapter, error_result(exc, None, adapter.get(self.url_field) or None))
        return item

    def clean_item(self, item: Any) -> Any:
        """Clean the item's page in this thread: the item with its result, or a `DropItem` subclass raised."""
        adapter = ItemAdapter(item)
        url = adapter.get(self.url_field)
        label = str(url) if url else "item without a url"
        page = page_field(adapter, self.fields)
        response = adapter.get(page)
        if isinstance(response, Response):  # the page is the response's body, read with its headers
            record = to_record({**adapter, page: response.body}, source=label, fields=self.fields)
            record.headers = record.headers or headers_of(response.headers)
        else:
            record = to_record(adapter, source=label, fields=self.fields)
        if record.data is None:
            raise NoPageField(
                f"{label}: no {self.input_field!r} or {FALLBACK_INPUT_FIELD!r} field holding the page"
            )
        try:
            if record.error:
                raise InputError(record.error)
            result = self.cleaner.clean(record.data, record.url or None, headers=record.headers, name=label)
        except CleanerError as exc:
            if self.drop_failed:
                raise CleaningFailed(_one_line(str(exc))) from exc
            result = error_result(exc, record.data, record.url or None)
        else:
            if self.drop_empty and not result.text.strip():
                raise EmptyArticle(f"{label}: no article text left after cleaning")
        self._store(adapter, result)
        return item

    def _store(self, adapter: ItemAdapter, result: CleanResult) -> None:
        values: dict[str, Any] = {self.output_field: result.to_dict()}
        if self.text_field:
            values[self.text_field] = result.text
        for field, value in values.items():
            try:
                adapter[field] = value
            except KeyError as exc:
                raise KeyError(
                    f"{type(adapter.item).__name__} has no field {field!r} for the cleaner's output; "
                    f"declare {field} = scrapy.Field() or change the CLEANER_ setting"
                ) from exc


# A page still cleaning this long after its limit is stuck inside a stage: its item fails.
_GRACE = 5.0


def _one_line(message: str) -> str:
    return " ".join(message.split())
