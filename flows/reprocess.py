"""Reprocess: rebuild `filings`/`issuances` from the raw store with the current extractor, no network.

This is how history gets better extraction. Work is cut into chunks of accessions that run on a
process pool (default, one process per core) or on Dask (a `LocalCluster`, or an existing cluster's
scheduler address). The Dask client is driven from inside the batch task rather than through
`prefect-dask`'s task runner: Prefect keeps one task per write batch, workers never talk to Prefect
(see docs/operations.md for the measurements behind that choice). Batches stream to Parquet, so
memory holds one batch of rows plus the chunks in flight.
"""

import datetime as dt
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Protocol

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE as NO_CACHE

from edgar8k.config import load_settings
from edgar8k.extract.raw_store import RawStore
from edgar8k.flows import steps
from edgar8k.flows.backfill import publish_summary
from edgar8k.flows.progress import Progress
from edgar8k.load.parquet import output_lock

CHUNK = 32  # accessions per unit of work: small enough to balance, large enough to amortise pickling


class Runner(Protocol):
    """Something that runs `fn(*args)` elsewhere and hands back a future with `.result()`."""
    workers: int

    def submit(self, fn: Any, *args: Any) -> Any: ...

    def close(self) -> None: ...


class InlineRunner:
    """Runs in this process: for `--workers 0` (debugging) and tiny inputs."""
    workers = 1

    def submit(self, fn: Any, *args: Any) -> Future:
        f: Future = Future()
        f.set_result(fn(*args))
        return f

    def close(self) -> None:
        pass


class PoolRunner:
    """A process pool started with `spawn`: no fork of a process that runs Prefect's threads (a script
    using it needs the usual `if __name__ == "__main__":` guard)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))

    def submit(self, fn: Any, *args: Any) -> Future:
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """A `distributed.Client` on a new `LocalCluster` of `workers` processes, or on `address`."""

    def __init__(self, workers: int, address: str | None = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address, timeout="30s")
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def submit(self, fn: Any, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_runner(workers: int | None, dask: bool = False, scheduler: str | None = None) -> Runner:
    n = (os.cpu_count() or 1) if workers is None else workers
    if scheduler or dask:
        return DaskRunner(max(1, n), scheduler)
    return InlineRunner() if n == 0 else PoolRunner(n)


@dataclass(frozen=True)
class Plan:
    accessions: list[str]
    known: dict[str, steps.KnownFiling]


def plan(raw: str, out: str, start: dt.date | None, end: dt.date | None) -> Plan:
    """The stored accessions that may fall in the range, and what the output already knows of them."""
    accs = steps.candidate_accessions(RawStore(raw).iter_accessions(), start, end)
    years = range(start.year - 1, end.year + 2) if start and end else None
    return Plan(accs, steps.known_filings(out, years))


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def run_batch(runner: Runner, raw: str, accs: list[str], known: dict[str, steps.KnownFiling],
              start: dt.date | None, end: dt.date | None, progress: Progress | None = None) -> steps.BatchResult:
    """Process one batch of accessions on the runner, at most two chunks per worker in flight."""
    result = steps.BatchResult()
    pending: deque = deque()
    todo = chunks(accs, CHUNK)
    for part in todo:
        pending.append(runner.submit(steps.reprocess_chunk, raw, part, {a: known[a] for a in part if a in known},
                                     start, end))
        if len(pending) >= 2 * runner.workers:
            _collect(pending.popleft(), result, progress)
    while pending:
        _collect(pending.popleft(), result, progress)
    return result


def _collect(future: Any, into: steps.BatchResult, progress: Progress | None) -> None:
    part = future.result()
    steps.merge(into, part)
    if progress:
        progress.advance(filings=part.counts["filings"] + part.counts["skipped"])


@task(task_run_name="reprocess batch {index} ({n} stored filings)", cache_policy=NO_CACHE)
def reprocess_batch_task(index: int, n: int, runner: Runner, raw: str, out: str, accs: list[str],
                         known: dict[str, steps.KnownFiling], start: dt.date | None, end: dt.date | None,
                         progress: Progress | None = None) -> steps.BatchResult:
    result = run_batch(runner, raw, accs, known, start, end, progress)
    steps.write_batch(result, out)
    return result


@flow(name="edgar8k-reprocess", log_prints=True)
def reprocess_flow(start: dt.date | None = None, end: dt.date | None = None,
                   overrides: dict[str, Any] | None = None, workers: int | None = None, dask: bool = False,
                   scheduler: str | None = None, show_progress: bool | None = None) -> dict[str, Any]:
    """Rebuild the rows of every stored filing filed from start to end (all of them without a range)."""
    if start and end and end < start:
        raise ValueError(f"end {end} is before start {start}")
    settings = load_settings(overrides)
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.monotonic()
    total = steps.BatchResult()
    with output_lock(settings.out):
        p = plan(settings.raw, settings.out, start, end)
        logger.info("%d stored filings to reprocess from %s into %s", len(p.accessions), settings.raw, settings.out)
        runner = make_runner(workers, dask, scheduler)
        progress = Progress("reprocess", total_filings=len(p.accessions), enabled=show_progress)
        try:
            for i, batch in enumerate(chunks(p.accessions, settings.batch_filings)):
                part = reprocess_batch_task(i + 1, len(batch), runner, settings.raw, settings.out, batch,
                                            {a: p.known[a] for a in batch if a in p.known}, start, end, progress)
                steps.merge(total, part, rows=False)
        finally:
            progress.close()
            runner.close()
    summary = steps.summarise(total, time.monotonic() - t0, None)
    summary.update({"flow": "reprocess", "started_at": started.isoformat(), "raw": settings.raw,
                    "out": settings.out, "workers": runner.workers,
                    "engine": type(runner).__name__.removesuffix("Runner").lower(),
                    "range": [start.isoformat() if start else None, end.isoformat() if end else None]})
    steps.write_run_record(settings.out, "reprocess", started, summary)
    publish_summary(summary, logger)
    return summary
