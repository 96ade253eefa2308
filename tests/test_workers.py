"""Supervised workers (`cleaner.workers`): a worker that dies or hangs costs its record, never the batch."""

from __future__ import annotations

import os
import signal
import time

from cleaner import Cleaner
from cleaner.errors import PageTimeoutError, WorkerDiedError


def _work(cleaner: Cleaner, item: str) -> str:
    """Module level, so that spawned workers find it: dies, hangs in a sleep, or echoes."""
    if item == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "hang":
        time.sleep(3600)
    return item.upper()


def _failed(cleaner: Cleaner, item: str, error: BaseException) -> str:
    return f"{item}: {type(error).__name__}"


def test_a_killed_worker_costs_only_its_record_and_the_rest_come_in_order():
    items = [f"p{i}" for i in range(30)]
    items[7] = items[21] = "die"
    out = list(Cleaner(timeout=30).map(_work, items, jobs=2, chunk=2, failed=_failed))
    expected = [x.upper() if x != "die" else f"die: {WorkerDiedError.__name__}" for x in items]
    assert out == expected


def test_a_worker_past_the_time_limit_is_stopped_and_replaced():
    items = ["a", "hang", "b", "c", "hang", "d"]
    began = time.monotonic()
    out = list(Cleaner(timeout=1).map(_work, items, jobs=2, chunk=1, failed=_failed))
    assert out == ["A", f"hang: {PageTimeoutError.__name__}", "B", "C", f"hang: {PageTimeoutError.__name__}", "D"]
    assert time.monotonic() - began < 600  # bounded: an hour's sleep each without the limit


def test_without_a_failed_function_a_lost_record_is_raised():
    import pytest

    with pytest.raises(WorkerDiedError, match="killed by signal 9"):
        list(Cleaner().map(_work, ["a", "die"], jobs=2))


def test_the_item_waiting_behind_a_lost_one_goes_to_the_next_worker_unharmed():
    # One worker holds two items: the one it works on and the next.  When it dies on
    # the first (or overruns the limit), the second never started and must be cleaned.
    from cleaner.config import CleanerConfig
    from cleaner.workers import supervised

    items = ["a", "die", "b", "hang", "c"]
    out = list(supervised(CleanerConfig(), _work, items, 1, _failed, timeout=1))
    assert out == ["A", f"die: {WorkerDiedError.__name__}", "B", f"hang: {PageTimeoutError.__name__}", "C"]
