"""Leader/follower batching of calls made from many threads: one call runs for all of them.

A PostgreSQL statement costs the cluster ~25-60 us of CPU for itself and its commit ~70-80 us,
the client ~40-50 us (docs/central-performance.md, bench/floor.py), whatever its rows. The
writer threads of a worker (`central.service.PG_WRITERS`) each booking one row paid that once
per booking. Here the first thread to arrive runs the batch; threads that arrive while a batch
runs wait, and when it ends the first of them runs the next batch with all that gathered
meanwhile. There is no timer: under light load a batch is one call and waits for nothing
(unlike the health reports' 50 ms group commit, central/health_endpoint.py), under load a batch
is whatever arrived while the previous one ran, so the wait is at most one batch's run.

Each caller gets its own item's outcome; if the batch as a whole raises, every caller of it
gets that exception (and may retry, as `PgConnections._retrying` does for a conflict).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Entry(Generic[T, R]):
    __slots__ = ("done", "error", "item", "lead", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = threading.Event()
        self.lead = False
        self.result: R | None = None
        self.error: BaseException | None = None


class Batcher(Generic[T, R]):
    """`submit(item)` from any thread; `run(items)` returns one outcome per item, in order."""

    def __init__(self, run: Callable[[Sequence[T]], Sequence[R]], *, limit: int = 64) -> None:
        self._run = run
        self._limit = limit
        self._lock = threading.Lock()
        self._pending: list[_Entry[T, R]] = []
        self._running = False
        #: Sizes of the batches run (for tests and the bench's figures), bounded.
        self.sizes: list[int] = []

    def submit(self, item: T) -> R:
        entry: _Entry[T, R] = _Entry(item)
        with self._lock:
            self._pending.append(entry)
            lead = not self._running
            self._running = True
        if not lead:
            entry.done.wait()
            if not entry.lead:
                return self._outcome(entry)
        self._lead()
        return self._outcome(entry)

    def _lead(self) -> None:
        """Run what is pending (this thread's own entry first among it), then hand the lead to
        the first entry that arrived meanwhile, or stop leading."""
        with self._lock:
            batch, self._pending = self._pending[: self._limit], self._pending[self._limit :]
        try:
            results = self._run([e.item for e in batch])
            if len(results) != len(batch):  # pragma: no cover - a broken `run`
                raise AssertionError(f"{len(results)} outcomes for {len(batch)} items")
            for e, r in zip(batch, results, strict=True):
                e.result = r
        except BaseException as exc:  # noqa: BLE001 - every caller of the batch gets it
            for e in batch:
                e.error = exc
        with self._lock:
            if len(self.sizes) < 100_000:
                self.sizes.append(len(batch))
            if self._pending:
                following = self._pending[0]
                following.lead = True
                following.done.set()
            else:
                self._running = False
        for e in batch:
            e.done.set()

    @staticmethod
    def _outcome(entry: _Entry[T, R]) -> R:
        if entry.error is not None:
            raise entry.error
        return entry.result  # type: ignore[return-value]
