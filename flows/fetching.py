"""One fetch pipeline for a whole run, so the network stays busy across day, batch and range boundaries.

A thread pool created per day drains at every day boundary (its last fetches run on fewer and fewer
threads, then nothing is fetched while the day's Prefect task finishes and the next one starts), which
held a backfill to 75-85% of its configured rate. Here one pool lives as long as the run: the flow
`feed`s filings in the order it will consume them, possibly days or a range ahead, and `take`s results
in exactly that order, so everything downstream (per-day counts, batches, the bytes written) is as if
the filings had been processed one by one.

Look-ahead is bounded: at most `window` items (2 x workers by default) are handed to the pool and not
yet taken, so a run over ten years holds no more fetched filings than a run over a day. The pool is
refilled as results are taken; while the consumer is busy elsewhere (a Prefect task starting, a batch
being written) the pool keeps working through the window, and only a stall longer than `window`
fetches leaves it idle. Requests still go one at a time through the run's `EdgarClient`, whose token
bucket spaces them across all threads; this module never decides when a request leaves.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class FetchPipeline(Generic[T, R]):
    """`feed(items)` queues work in order; `take()` returns `(item, work(item))` in that same order.

    An exception raised by `work` comes out of the `take()` for its item, as `pool.map` would raise it.
    Use as a context manager: leaving it cancels what has not started and waits for what is running.
    """

    def __init__(self, work: Callable[[T], R], workers: int, window: int | None = None):
        self.workers = max(1, workers)
        self.window = max(self.workers, window if window is not None else 2 * self.workers)
        self._work = work
        self._waiting: deque[T] = deque()  # fed, not yet handed to the pool
        self._submitted: deque[tuple[T, Future[R]]] = deque()  # handed to the pool, not yet taken
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fetch")
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> "FetchPipeline[T, R]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backlog(self) -> int:
        """Items fed and not yet taken: how far the feed is ahead of the consumer."""
        with self._lock:
            return len(self._waiting) + len(self._submitted)

    @property
    def in_pool(self) -> int:
        """Items handed to the pool and not yet taken (running, queued, or done and waiting): <= window."""
        with self._lock:
            return len(self._submitted)

    def feed(self, items: Iterable[T]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("feed() on a closed pipeline")
            self._waiting.extend(items)
            self._fill()

    def take(self) -> tuple[T, R]:
        """The next item in feed order and its result, waiting for it if needed."""
        with self._lock:
            if not self._submitted:
                raise LookupError("take() with nothing fed: the consumer asked for more than it fed")
            item, future = self._submitted.popleft()
            self._fill()  # the slot is freed before waiting, so the pool works on while we wait
        return item, future.result()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._waiting.clear()
            for _, future in self._submitted:
                future.cancel()
            self._submitted.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _fill(self) -> None:
        while self._waiting and len(self._submitted) < self.window:
            item = self._waiting.popleft()
            self._submitted.append((item, self._pool.submit(self._work, item)))
