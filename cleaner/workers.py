"""Worker processes under supervision: a batch never hangs and never loses a record.

`supervised` runs ``work(cleaner, item)`` for every item in ``jobs`` worker
processes and yields the answers in input order.  The parent hands each
worker an item to work on and one to wait behind it (so a worker never idles
while the parent reads its answer), and waits on the workers' pipes *and*
their process sentinels, so it learns at once when a worker dies (SIGKILL,
the kernel's out-of-memory killer, a crash in C code) or holds an item past
the time limit.  Such a worker is killed if need be and replaced; the item it
was on becomes ``failed(cleaner, item, error)`` in its place, the one waiting
behind it goes to another worker, and the batch goes on.

``multiprocessing.Pool`` cannot do this: ``imap`` never learns that a worker
died, and it has no per-item time limit.  ``concurrent.futures`` reports a
broken pool but then fails every pending item, not just the lost one.

Workers ignore SIGINT: Ctrl-C reaches the parent (and the whole process
group), the parent stops reading, and the workers are ended in its
``finally`` within a bounded wait.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from .config import CleanerConfig
from .errors import CleanerError, PageTimeoutError, WorkerDiedError

__all__ = ["supervised"]

T = TypeVar("T")
Work = Callable[[Any, Any], T]
Failed = Callable[[Any, Any, BaseException], T]

# A worker whose cooperative deadline (checked between stages) did not stop
# it is killed this long after the limit: time for it to answer on its own,
# which spares a respawn (a fork, then the patterns and model its first page loads again).
KILL_GRACE = 1.0
# How long a worker may take to load its packs and models and say it is ready.
START_LIMIT = 120.0
# Workers that die while loading, one after the other, before the batch is given up.
START_TRIES = 3
# Items a worker holds at once: one it works on, one waiting behind it.
DEPTH = 2
# How long ending a worker may take before it is killed outright.
STOP_WAIT = 2.0
_READY = "ready"
# What every worker imports before its first page.  With the forkserver start
# method these are imported once, in the server, and each worker is forked
# from it: starting a worker costs no imports, and the modules' memory is
# shared copy-on-write instead of loaded again per worker.
# (cleaner.core imports the parser, extractor and model code lazily, so a
# text page in one process never loads them; a worker will need them.)
_PRELOAD = ["cleaner.core", "cleaner.batch", "cleaner.html.extract", "cleaner.detect.models", "trafilatura"]
_WARM_UP = ("<html><head><title>Warm-up</title></head><body><h1>Warm-up page</h1>"
            "<p>A paragraph long enough for the language model to be asked about it.</p></body></html>")


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    # (index, item) handed over, oldest first: the first is being worked on,
    # the one behind it waits in the worker, so that it never sits idle while
    # the parent reads an answer and sends the next item.
    tasks: deque[tuple[int, Any]] = field(default_factory=deque)
    since: float = 0.0  # when the first task started (handed over, or the answer before it came)


def supervised(
    config: CleanerConfig,
    work: Work[T],
    items: Iterable[Any],
    jobs: int,
    failed: Failed[T],
    *,
    timeout: float | None = None,
    ahead: int = 64,
) -> Iterator[T]:
    """``work(cleaner, item)`` for each item, in order, in ``jobs`` supervised processes.

    ``failed(cleaner, item, error)`` makes the answer for an item whose worker
    died (`WorkerDiedError`) or ran past ``timeout`` seconds (`PageTimeoutError`);
    it runs in this process, with a `Cleaner` of ``config`` built when first needed.
    At most ``ahead`` items are read beyond the one next to be yielded, so memory
    stays flat however long the input.
    """
    context = _context()
    workers: list[_Worker] = []
    local: list[Any] = []  # the parent's own Cleaner, only for `failed`

    def spawn() -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, config, work), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def fail(task: tuple[int, Any], error: BaseException) -> T:
        if not local:
            from .core import Cleaner

            local.append(Cleaner(config))
        return failed(local[0], task[1], error)

    source = enumerate(items)
    again: deque[tuple[int, Any]] = deque()  # handed to a worker that died before starting them
    done: dict[int, T] = {}
    read = emitted = failed_starts = 0
    exhausted = False

    def next_task() -> tuple[int, Any] | None:
        nonlocal read, exhausted
        if again:
            return again.popleft()
        if exhausted or read - emitted >= ahead:
            return None
        task = next(source, None)
        if task is None:
            exhausted = True
            return None
        read += 1
        return task

    try:
        workers.extend(spawn() for _ in range(max(1, jobs)))
        while True:
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
            # Idle workers first, so that a second item never waits behind a busy one while a worker is free.
            for depth in range(1, DEPTH + 1):
                for worker in workers:
                    if worker.ready and len(worker.tasks) < depth and (task := next_task()) is not None:
                        _hand(worker, task)
            busy = [w for w in workers if w.tasks]
            if exhausted and not again and not busy and not done:
                return
            if exhausted and not again and not busy:
                continue
            now = time.monotonic()
            deadlines = [w.since + timeout + KILL_GRACE for w in busy] if timeout else []
            deadlines += [w.started + START_LIMIT for w in workers if not w.ready]
            wait_for = max(0.0, min(deadlines) - now) if deadlines else None
            ready = set(wait([w.conn for w in workers] + [w.process.sentinel for w in workers], wait_for))
            for i, worker in enumerate(workers):
                lost: BaseException | None = None
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        lost = _died(worker)
                    else:
                        if message == _READY:
                            worker.ready, failed_starts = True, 0
                        else:
                            index, ok, value = message
                            task = worker.tasks.popleft()
                            assert task[0] == index, "an answer for an item not handed over"
                            worker.since = time.monotonic()  # the next one starts now
                            done[index] = value if ok else fail(task, CleanerError(value))
                            continue
                if lost is None and worker.process.sentinel in ready and worker.conn not in ready:
                    lost = _died(worker)
                now = time.monotonic()
                if lost is None and worker.tasks and timeout and now > worker.since + timeout + KILL_GRACE:
                    lost = PageTimeoutError(f"took longer than the time limit of {timeout:g}s (timeout); the worker was stopped")
                if lost is None and not worker.ready and now > worker.started + START_LIMIT:
                    lost = WorkerDiedError(f"a worker process did not start within {START_LIMIT:g}s")
                if lost is not None:
                    _stop(worker)
                    if worker.tasks:
                        # The first item is the one it was on; those behind it never started, and go to another worker.
                        held = worker.tasks.popleft()
                        done[held[0]] = fail(held, lost)
                        again.extendleft(reversed(worker.tasks))
                    elif not worker.ready:
                        # Killed while loading is replaced like any other; failing to load
                        # again and again (a broken install) ends the batch instead of looping.
                        failed_starts += 1
                        if failed_starts >= START_TRIES:
                            raise WorkerDiedError(f"worker processes failed to start {failed_starts} times: {lost}")
                    workers[i] = spawn()
    finally:
        for worker in workers:
            _stop(worker, polite=True)


def _context() -> Any:
    """Forkserver where the platform has it (Linux, macOS), spawn elsewhere.

    Never plain fork: the parent may hold threads (a progress bar's monitor,
    a Scrapy reactor) whose locks a forked child would inherit held.  The fork
    server is a fresh single-threaded process, started once per parent.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _hand(worker: _Worker, task: tuple[int, Any]) -> None:
    if not worker.tasks:
        worker.since = time.monotonic()
    worker.tasks.append(task)
    try:
        worker.conn.send(task)
    except (BrokenPipeError, OSError):
        pass  # the worker is gone: its sentinel says so on the next wait


def _died(worker: _Worker) -> WorkerDiedError:
    worker.process.join(STOP_WAIT)
    code = worker.process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
    return WorkerDiedError(f"the worker process cleaning it ended ({how}); the batch went on without it")


def _stop(worker: _Worker, polite: bool = False) -> None:
    """End a worker: ask (when it is idle and ``polite``), then terminate, then kill."""
    process = worker.process
    if polite and worker.ready and not worker.tasks and process.is_alive():
        try:
            worker.conn.send(None)
        except OSError:
            pass
        process.join(STOP_WAIT)
    if process.is_alive():
        process.kill()
        process.join(STOP_WAIT)
    worker.conn.close()


def _serve(conn: Connection, config: CleanerConfig, work: Work[Any]) -> None:
    """A worker's life: load once, say ready, then clean whatever comes until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .core import Cleaner

    cleaner = Cleaner(config)
    # What loads on first use (the language model, the HTML parser and
    # extractor) loads now, so that it does not count against the first page's time limit.
    try:
        cleaner.clean(_WARM_UP)
    except Exception:  # noqa: BLE001, S110 - a warm-up failing says nothing about the pages to come
        pass
    conn.send(_READY)
    # A thread takes items off the pipe as they come, so that the parent's
    # send of the next item never blocks on a pipe full while this one works.
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox), daemon=True).start()
    while (task := inbox.get()) is not None:
        index, item = task
        try:
            answer: tuple[int, bool, Any] = (index, True, work(cleaner, item))
        except Exception as exc:  # noqa: BLE001 - work failing on one item must not end the worker
            answer = (index, False, f"{type(exc).__name__}: {exc}".splitlines()[0])
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - an answer that does not pickle
            conn.send((index, False, f"the answer could not be sent back: {type(exc).__name__}: {exc}"))


def _receive(conn: Connection, inbox: queue.SimpleQueue[Any]) -> None:
    """Items from the parent into ``inbox`` until it says stop (None) or is gone."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            task = None  # the parent is gone
        inbox.put(task)
        if task is None:
            return
