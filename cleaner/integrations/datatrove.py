"""datatrove steps: clean HTML documents in a pipeline, and drop what is no article with a reason.

``pip install 'cleaner[datatrove]'``.  Two steps, used like datatrove's own
`Trafilatura` extractor and `LanguageFilter`::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerExtractor, CleanerFilter

    LocalPipelineExecutor(pipeline=[
        WarcReader("crawl/"),
        CleanerExtractor(timeout=10),                  # any Cleaner option: languages=[...], rules=[...]
        CleanerFilter(languages=["en", "ru"], exclusion_writer=JsonlWriter("dropped/")),
        JsonlWriter("clean/"),
    ], tasks=2).run()

`CleanerExtractor` reads the page (HTML or text) from ``Document.text`` and
the address from ``metadata["url"]``, replaces the text with the article, and
writes into ``Document.metadata``: ``language``, ``title``, ``author``,
``date``, ``site`` where known, ``removed`` (counts by category) and
``cleaner`` (version, input sha256, rule packs, and ``reason`` or ``error``
when there is no article).  Unlike datatrove's extractors it forwards a
document that comes out empty: `CleanerFilter` drops it with its reason, so
it reaches the exclusion writer instead of vanishing.  Extraction runs in
datatrove's sandbox process, under its per-document time limit.

`CleanerFilter` drops, with a reason datatrove counts (``dropped_<reason>``)
and writes to ``metadata["filter_reason"]``: ``cleaner_error``, ``not_article``
(no text left: a list of links, a gallery, all chrome) and ``wrong_language``
(when ``languages`` is given).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

try:
    from datatrove.data import Document
    from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - the extra is missing
    raise ImportError(
        f"cleaner.integrations.datatrove needs datatrove ({exc}); pip install 'cleaner[datatrove]'"
    ) from exc

from ..core import Cleaner
from ..result import CleanResult

__all__ = ["CleanerExtractor", "CleanerFilter", "document_metadata"]

_METADATA_FIELDS = ("author", "date", "site")  # copied from the result's page metadata where known


def document_metadata(result: CleanResult) -> dict[str, Any]:
    """What `CleanerExtractor` writes into a datatrove document's metadata for one result."""
    out: dict[str, Any] = {"language": result.language, "title": result.title}
    out.update((key, result.metadata[key]) for key in _METADATA_FIELDS if key in result.metadata)
    out["removed"] = dict(sorted(Counter(r.category for r in result.removed).items()))
    provenance = result.provenance
    summary: dict[str, Any] = {
        "version": provenance.get("versions", {}).get("cleaner"),
        "input_sha256": provenance.get("input_sha256"),
        "rule_packs": [f"{p['id']}@{p['version']}" for p in provenance.get("rule_packs", [])],
    }
    if result.error is not None:
        summary["error"] = result.error["message"]
    elif result.reason is not None:
        summary["reason"] = result.reason
    out["cleaner"] = summary
    return out


class CleanerExtractor(BaseExtractor):
    """Clean each document's page (``Document.text``) into its article, with metadata.

    ``timeout`` is datatrove's per-document limit (seconds) for its sandbox
    process; ``cleaner_options`` are `cleaner.Cleaner` options.
    """

    name = "🧹 cleaner"
    _requires_dependencies = ["trafilatura"]

    def __init__(self, timeout: float = 10, **cleaner_options: Any) -> None:
        super().__init__(timeout)
        self.cleaner_options = cleaner_options
        self._cleaner: Cleaner | None = None

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:  # built in the sandbox process, once
            self._cleaner = Cleaner(**self.cleaner_options)
        return self._cleaner

    def extract(self, page: str, url: str | None = None) -> dict[str, Any]:
        """The article and its metadata for one page; never raises (a failure is an error result)."""
        if not page:  # datatrove's sandbox warms up on an empty text
            return {"text": "", "metadata": {}}
        result = self.cleaner.clean_record({"html": page, "url": url} if url else page)
        return {"text": result.text, "metadata": document_metadata(result)}

    def run(self, data: Iterable[Document], rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        # BaseExtractor.run keeps only the text and drops empty documents silently;
        # here the metadata travels too and empty documents go on to the filter.
        with ExtractorSandbox(timeout=self.timeout, warmup_text="") as sandbox:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        out = sandbox.process_document((doc.text, doc.metadata.get("url")), self.extract)
                    except TimeoutError:
                        self.stat_update("timeout")
                        out = _failed(doc, f"cleaning took longer than {self.timeout}s")
                    except EOFError:
                        self.stat_update("broken_process")
                        out = _failed(doc, "the cleaning process died")
                doc.text = out["text"]
                doc.metadata.update(out["metadata"])
                self.stat_update("extracted" if doc.text else "empty")
                self.update_doc_stats(doc)
                yield doc


def _failed(doc: Document, why: str) -> dict[str, Any]:
    return {"text": "", "metadata": {"cleaner": {"error": f"{doc.metadata.get('url') or doc.id}: {why}"}}}


class CleanerFilter(BaseFilter):
    """Keep documents `CleanerExtractor` found an article in (in ``languages``, when given)."""

    name = "🧹 cleaner filter"

    def __init__(self, languages: Iterable[str] | None = None, exclusion_writer: Any = None) -> None:
        super().__init__(exclusion_writer)
        self.languages = frozenset(languages) if languages else None

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        if doc.metadata.get("cleaner", {}).get("error"):
            return False, "cleaner_error"
        if not doc.text.strip():
            return False, "not_article"
        if self.languages is not None and doc.metadata.get("language") not in self.languages:
            return False, "wrong_language"
        return True
