"""`Cleaner` runs the stages in order; `clean` is the one-call form.

    load -> extract -> repair -> detect -> rules -> normalise -> result

Repair (ftfy, invisible characters) runs before the rules so that they read
the text as it will come out: chrome in mojibake or with a zero-width space
inside is still chrome.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from .detect import Backend, Detector, detect
from .errors import InputError
from .extract import extract
from .load import MAX_BYTES, load
from .normalise import normalise, repair
from .result import CleanResult, build_result
from .rules import PATTERN_TIMEOUT, RulePack, RuleSet, builtin_packs, load_pack

_DEPENDENCIES = ("trafilatura", "ftfy", "regex", "py3langid", "langdetect")

Record = Any  # str | bytes | Mapping[str, Any] | cleaner.batch.Record
T = TypeVar("T")


class Cleaner:
    """Holds loaded rule packs and the language detector; clean many pages with one.

    >>> cleaner = Cleaner(rules=[])          # built-in packs only
    >>> cleaner.clean("Title\\n\\nBody text.").text
    'Body text.'
    """

    def __init__(
        self,
        *,
        rules: Sequence[str | Path | RulePack] = (),
        builtin_rules: bool = True,
        detector: str | Backend | None = None,
        languages: Sequence[str] | None = None,
        pattern_timeout: float = PATTERN_TIMEOUT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        packs = builtin_packs() if builtin_rules else []
        packs += [r if isinstance(r, RulePack) else load_pack(r) for r in rules]
        self.packs = packs
        self.rules = RuleSet(packs, timeout=pattern_timeout)
        self.max_bytes = max_bytes
        self.detector = Detector(detector, languages)
        self._init = {"rules": list(rules), "builtin_rules": builtin_rules, "detector": detector,
                      "languages": languages, "pattern_timeout": pattern_timeout, "max_bytes": max_bytes}
        self.options = {
            "builtin_rules": builtin_rules,
            "detector": self.detector.name,
            "languages": sorted(self.detector.languages) if self.detector.languages else None,
            "pattern_timeout": pattern_timeout,
            "max_bytes": max_bytes,
        }

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
        loaded = load(data, headers=headers, name=name or url or "<input>", max_bytes=self.max_bytes, kind=kind)
        doc = extract(loaded, self.rules)
        if url and "url" not in doc.metadata:
            doc.metadata["url"] = url
        fixes: Counter[str] = Counter()
        repair(doc, fixes)
        detect(doc, self.detector)
        self.rules.apply(doc)
        normalise(doc, fixes)
        provenance = {
            "input_sha256": loaded.sha256,
            "input_kind": loaded.kind,
            "encoding": loaded.encoding,
            "encoding_source": loaded.encoding_source,
            "fixes": dict(sorted(fixes.items())),
            "versions": versions(),
            "rule_packs": [p.describe() for p in self.packs],
            "options": self.options,
        }
        return build_result(doc, provenance)

    def clean_record(self, record: Record) -> CleanResult:
        """Like `clean`, but any failure becomes an error result instead of an exception.

        A record is a page (str or bytes), a mapping with ``html`` or ``text``
        and optionally ``url`` and ``headers``, or a `cleaner.batch.Record`.
        """
        data, url, headers, name, problem = _unpack(record)
        try:
            if problem:
                raise InputError(problem)
            return self.clean(data, url, headers=headers, name=name)
        except Exception as exc:  # noqa: BLE001 - in a batch nothing is lost, not even to a bug
            return error_result(exc, data, url, name)

    def clean_many(self, records: Iterable[Record], jobs: int = 1, chunk: int = 32) -> Iterator[CleanResult]:
        """Clean records in order; a record that fails becomes an error result, never lost.

        Records are as for `clean_record`.  With ``jobs > 1`` worker
        processes each load the packs and detector once; records are read a
        bounded number ahead, so memory stays flat however long the input.
        """
        return self.map(Cleaner.clean_record, records, jobs, chunk)

    def map(self, work: Callable[[Cleaner, Any], T], items: Iterable[Any], jobs: int = 1, chunk: int = 32) -> Iterator[T]:
        """``work(cleaner, item)`` for every item, in order, in ``jobs`` processes.

        ``work`` must be a module-level function (it travels to the workers by
        name): whatever it returns comes back, so a worker can also serialise
        its result and spare the parent that work.
        """
        if jobs <= 1:
            yield from (work(self, item) for item in items)
            return
        from multiprocessing import get_context

        # At most this many items are read ahead of the one being returned:
        # the pool's feeder thread waits on the semaphore, so memory stays flat.
        in_flight = threading.BoundedSemaphore(jobs * chunk)

        def feed() -> Iterator[tuple[Callable, Any]]:
            for item in items:
                in_flight.acquire()
                yield work, item

        with get_context("spawn").Pool(jobs, initializer=_worker_init, initargs=(self._init,)) as pool:
            for result in pool.imap(_worker_apply, feed(), chunksize=max(1, chunk // 8)):
                in_flight.release()
                yield result


def clean(data: str | bytes, *, url: str | None = None, **options: Any) -> CleanResult:
    """Clean one page with a `Cleaner` built from ``options`` (cached between calls).

    >>> clean("Headline\\n\\nThe article.\\n\\nПоделиться").text
    'The article.'
    """
    headers = options.pop("headers", None)
    return _cached_cleaner(_freeze(options)).clean(data, url, headers=headers)


@lru_cache(maxsize=8)
def _cached_cleaner(frozen: tuple) -> Cleaner:
    return Cleaner(**{k: list(v) if k in ("rules", "languages") else v for k, v in frozen})


def _freeze(options: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(map(str, v)) if k in ("rules", "languages") else v) for k, v in options.items()))


def error_result(exc: BaseException, data: object, url: str | None = None, name: str | None = None) -> CleanResult:
    """A result that stands for a record that could not be cleaned; its message names the input."""
    if isinstance(data, str):
        digest = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
    elif isinstance(data, (bytes, bytearray)):
        digest = hashlib.sha256(data).hexdigest()
    else:
        digest = None
    return CleanResult(
        metadata={"url": url} if url else {},
        provenance={"input_sha256": digest, "versions": versions()},
        error={"type": type(exc).__name__, "message": _named(str(exc) or type(exc).__name__, name)},
    )


def _named(message: str, name: str | None) -> str:
    first_line = message.splitlines()[0] if message else message
    return first_line if not name or first_line.startswith(name) else f"{name}: {first_line}"


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of cleaner and the libraries that made the result."""
    found = {"cleaner": _version("cleaner")}
    found.update((name, _version(name)) for name in _DEPENDENCIES)
    return found


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _unpack(record: Record) -> tuple[Any, str | None, Mapping[str, str] | None, str | None, str | None]:
    """(data, url, headers, name for messages, why it could not be read)."""
    if isinstance(record, Mapping):
        data = record.get("html", record.get("text"))
        problem = None if data is not None else "record has no 'html' or 'text' field"
        return data, record.get("url"), record.get("headers"), record.get("url"), problem
    if isinstance(record, (str, bytes, bytearray)):
        return record, None, None, None, None
    return record.data, record.url, record.headers, record.source or None, record.error


_WORKER: Cleaner | None = None


def _worker_init(init: dict[str, Any]) -> None:
    global _WORKER
    _WORKER = Cleaner(**init)


def _worker_apply(task: tuple[Callable[[Cleaner, Any], Any], Any]) -> Any:
    assert _WORKER is not None, "worker used before its initializer ran"
    work, item = task
    return work(_WORKER, item)
