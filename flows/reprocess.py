"""Reprocess: rebuild `filings`/`issuances` from the raw store with the current extractor, no network.

This is how history gets better extraction. Work is cut into chunks of accessions that run on a
process pool (default, one process per core) or on Dask (a `LocalCluster`, or an existing cluster's
scheduler address). The Dask client is driven from inside the batch task rather than through
`prefect-dask`'s task runner: Prefect keeps one task per write batch, workers never talk to Prefect
(see docs/operations.md for the measurements behind that choice). Batches stream to Parquet, so
memory holds one batch of rows plus the chunks in flight.
"""

import contextlib
import datetime as dt
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE as NO_CACHE

from edgar8k.config import Settings, load_settings
from edgar8k.extract.raw_store import RawStore
from edgar8k.flows import steps
from edgar8k.flows.reprocess_worker import exit_with_parent, reprocess_chunk
from edgar8k.flows.backfill import publish_summary
from edgar8k.flows.progress import Progress
from edgar8k.flows.task_records import forget_finished_tasks
from edgar8k.load.parquet import output_lock
from edgar8k.memory import tune_allocator

CHUNK = 32  # accessions per unit of work: small enough to balance, large enough to amortise pickling
RENEW_AFTER = Settings.batch_filings // CHUNK  # chunks between replacements of a pool's workers (~1 s each):
# the default batch's worth, so a smaller `batch_filings` does not pay for them more often


class Runner(Protocol):
    """Something that runs `fn(*args)` elsewhere and hands back a future with `.result()`."""
    workers: int

    def submit(self, fn: Any, *args: Any) -> Any: ...

    def result(self, future: Any, label: str) -> Any: ...

    def close(self) -> None: ...

    def renew_if_due(self) -> None:
        """Called between write batches, when no chunk is in flight."""


class InlineRunner:
    """Runs in this process: for `--workers 0` (debugging) and tiny inputs."""
    workers = 1

    def submit(self, fn: Any, *args: Any) -> Future:
        f: Future = Future()
        f.set_result(fn(*args))
        return f

    def result(self, future: Future, label: str) -> Any:
        return future.result()

    def close(self) -> None:
        pass

    def renew_if_due(self) -> None:
        pass


class PoolRunner:
    """A process pool started with `spawn`: no fork of a process that runs Prefect's threads (a script
    using it needs the usual `if __name__ == "__main__":` guard).

    Workers are replaced once they have run `renew_after` chunks, at the next gap between write
    batches (what `max_tasks_per_child` does, which can deadlock on Python 3.11: cpython#115634). A
    worker's RSS rose ~2 MB over its first ~20,000 filings and stayed there, with Python's object
    count level; kept for the whole run, that put a 100k reprocess's last quarter 1.2% above its first."""

    def __init__(self, workers: int, renew_after: int = RENEW_AFTER):
        self.workers = workers
        self.renew_after = renew_after
        self.submitted = 0
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))
        for _ in range(self.workers):  # spawned now, so they import while the parent writes
            pool.submit(int)
        return pool

    def renew_if_due(self) -> None:
        if self.submitted >= self.renew_after:
            self.pool.shutdown(wait=True)  # first: old and new workers together would be a peak of their own
            self.pool = self._start()
            self.submitted = 0

    def submit(self, fn: Any, *args: Any) -> Future:
        self.submitted += 1
        return self.pool.submit(fn, *args)

    def result(self, future: Future, label: str) -> Any:
        return future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskTimeout(RuntimeError):
    """A Dask cluster did not start, answer or finish a chunk in time: the message says which and what to do."""


# Bounds on every wait on Dask, so that a slow or broken cluster fails the run with a message instead of
# hanging it (a LocalCluster once hung a loaded 2-core machine for 20 minutes). Generous on purpose: a
# worker process starts in ~2 s idle and ~10-20 s on a saturated machine; a chunk of 32 filings takes
# ~0.5 s per core, minutes only if something is wrong.
DASK_START_TIMEOUT = 120.0  # a worker process to start, a scheduler to answer, workers to join
DASK_CHUNK_TIMEOUT = 900.0  # one chunk's result, from the moment the run waits on it
DASK_CLOSE_TIMEOUT = 30.0   # client and cluster shutdown


def _dask_config(start_timeout: float) -> dict[str, Any]:
    return {
        # Always spawn: a forked worker copies a process running Prefect's and the client's threads, and a
        # lock one of them held (logging, the event loop) stays held in the child forever. A dask config
        # file of the user's must not be able to switch this to fork.
        "distributed.worker.multiprocessing-method": "spawn",
        "distributed.worker.daemon": True,  # worker processes die with this one
        "distributed.comm.timeouts.connect": f"{start_timeout}s",
        # A saturated machine stalls event loops for seconds: that is not an error worth a log line each.
        "distributed.admin.tick.limit": "60s",
    }


class DaskRunner:
    """A `distributed.Client` on a new `LocalCluster` of `workers` processes, or on `address`.

    Every wait is bounded (start-up, connection, each chunk, shutdown) and raises `DaskTimeout` naming
    what did not happen; `close()` always runs both shutdowns. The client is not made Dask's default, so
    nothing else in the process is sent to this cluster by accident."""

    def __init__(self, workers: int, address: str | None = None, start_timeout: float = DASK_START_TIMEOUT,
                 chunk_timeout: float = DASK_CHUNK_TIMEOUT, close_timeout: float = DASK_CLOSE_TIMEOUT):
        import dask
        from distributed import Client, LocalCluster

        self.address = address
        self.chunk_timeout = chunk_timeout
        self.start_timeout = start_timeout
        self.close_timeout = close_timeout
        self.cluster: Any = None
        self.client: Any = None
        self._config = dask.config.set(_dask_config(start_timeout))
        try:
            if address:
                try:
                    self.client = Client(address, timeout=start_timeout, set_as_default=False)
                except OSError as e:
                    raise DaskTimeout(f"could not connect to the Dask scheduler at {address} within "
                                      f"{start_timeout:.0f}s ({e}); check that it is running and reachable "
                                      "from here, or run without --scheduler") from e
                self._wait_for_workers(1, f"the Dask scheduler at {address} has no workers; start some with "
                                          f"`dask worker {address}`")
            else:
                t0 = time.monotonic()
                try:
                    # death_timeout bounds each worker process's start-up (the nanny kills it and the cluster
                    # fails to start) and makes a worker that loses its scheduler exit instead of lingering.
                    self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                dashboard_address=None, host="127.0.0.1",
                                                death_timeout=start_timeout)
                except Exception as e:  # noqa: BLE001 - the cause is kept, the message says what to do
                    raise DaskTimeout(f"a Dask LocalCluster of {workers} worker processes did not start within "
                                      f"{time.monotonic() - t0:.0f}s ({type(e).__name__}: {e}); the machine "
                                      "may be overloaded: retry, use fewer --workers, or the process pool "
                                      "(without --dask)") from e
                self.client = Client(self.cluster, timeout=start_timeout, set_as_default=False)
                self._wait_for_workers(workers, f"the Dask LocalCluster started with fewer than {workers} "
                                                "workers; retry, or use fewer --workers or the process pool")
        except BaseException:
            self.close()
            raise
        self.workers = max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or workers)

    def _wait_for_workers(self, n: int, what: str) -> None:
        try:
            self.client.wait_for_workers(n, timeout=self.start_timeout)
        except TimeoutError as e:
            raise DaskTimeout(f"{what} (waited {self.start_timeout:.0f}s)") from e

    def submit(self, fn: Any, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def result(self, future: Any, label: str) -> Any:
        """The chunk's result, or `DaskTimeout` once it has waited `chunk_timeout` seconds or the cluster has
        had no worker for `start_timeout` seconds (tasks would wait for a worker forever)."""
        t0 = time.monotonic()
        no_workers_since: float | None = None
        while True:
            try:
                return future.result(timeout=min(5.0, self.chunk_timeout))
            except TimeoutError:
                pass
            now = time.monotonic()
            if now - t0 >= self.chunk_timeout:
                raise DaskTimeout(f"Dask returned no result for {label} within {self.chunk_timeout:.0f}s "
                                  f"({self._where()}); the cluster may be overloaded or a worker stuck: "
                                  "see the worker logs, retry, or use the process pool (without --dask)")
            if self.client.scheduler_info(n_workers=-1).get("workers"):
                no_workers_since = None
            elif no_workers_since is None:
                no_workers_since = now
            elif now - no_workers_since >= self.start_timeout:
                raise DaskTimeout(f"the Dask cluster ({self._where()}) has had no workers for "
                                  f"{now - no_workers_since:.0f}s while {label} waited; its workers died or "
                                  "left: check their logs and start workers, or use the process pool")

    def renew_if_due(self) -> None:
        """Nothing: the cluster's workers are its own (a nanny restarts one past its memory limit)."""

    def _where(self) -> str:
        return f"scheduler {self.address}" if self.address else "LocalCluster"

    def close(self) -> None:
        """Close the client, then a cluster of our own; a failure of either is logged, not raised, so the
        run's own error (if any) is what the user sees, and neither shutdown can hang."""
        log = logging.getLogger("edgar8k")
        if self.client is not None:
            try:
                self.client.close(timeout=self.close_timeout)
            except Exception as e:  # noqa: BLE001 - shutdown is best effort
                log.warning("Dask client did not close cleanly: %s", e)
            self.client = None
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=self.close_timeout)
            except Exception as e:  # noqa: BLE001
                log.warning("Dask LocalCluster did not close within %.0fs (%s); killing its workers",
                            self.close_timeout, e)
                _kill_workers(self.cluster)
            self.cluster = None
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None


def _kill_workers(cluster: Any) -> None:
    for nanny in list(getattr(cluster, "workers", {}).values()):
        pid = getattr(getattr(getattr(nanny, "process", None), "process", None), "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def make_runner(workers: int | None, dask: bool = False, scheduler: str | None = None) -> Runner:
    n = (os.cpu_count() or 1) if workers is None else workers
    if scheduler or dask:
        return DaskRunner(max(1, n), scheduler)
    return InlineRunner() if n == 0 else PoolRunner(n)


@dataclass(frozen=True)
class Plan:
    """One accession year's work: its accessions in processing order, as one Arrow column. What the
    output knows of them is read back per write batch: held for the whole year, those facts made a
    run's memory step up by ~6 MB when it went from a small year to a large one (63,000 accessions)."""
    accessions: pa.Array
    out: str
    years: range  # output years that may hold these accessions' filings

    def batches(self, size: int) -> Iterator[tuple[list[str], dict[str, steps.KnownFiling]]]:
        """Write batches of accessions, each with the index facts of those the output knows."""
        for i in range(0, len(self.accessions), size):
            part = self.accessions.slice(i, size)
            yield part.to_pylist(), steps.known_dict(steps.known_table(self.out, self.years, only=part))


PACK = 4096  # accession names held as Python strings at a time while a year is listed


def slices(raw: str, start: dt.date | None, end: dt.date | None) -> Iterator[pa.Array]:
    """The stored accessions that may fall in the range, one sorted Arrow array per accession year,
    each listed from its own folder of the store when it is reached and packed as it is listed: a
    reprocess of decades holds one year's accessions at a time, never a year of Python strings."""
    store = RawStore(raw)
    for key in _year_keys(store, start, end):
        packed, names = [], []
        for acc in store.scan_accessions(key):
            names.append(acc)
            if len(names) == PACK:
                packed.append(pa.array(names, pa.string()))
                names = []
        packed.append(pa.array(names, pa.string()))
        accs = pa.concat_arrays(packed)
        del packed, names
        ready = [accs.take(pc.sort_indices(accs))]
        del accs
        # yielded from the list, so that this frame holds nothing of the year while it is processed:
        # it held the year's names twice more (packed and unsorted), ~3 MB for 63,000 accessions
        yield ready.pop()


def count_stored(raw: str, start: dt.date | None, end: dt.date | None) -> int:
    store = RawStore(raw)
    return sum(sum(1 for _ in store.scan_accessions(key)) for key in _year_keys(store, start, end))


def _year_keys(store: RawStore, start: dt.date | None, end: dt.date | None) -> list[str]:
    return [key for key in sorted(store.year_keys(), key=steps.year_of_key)
            if steps.year_may_hold(steps.year_of_key(key), start, end)]


def plan(out: str, accs: pa.Array, start: dt.date | None, end: dt.date | None) -> Plan:
    """The order to process one slice's accessions in.

    Filings the output knows come first, in filing-date order, so a write batch touches a month file
    or two rather than every month of every year (each touched file is read and rewritten)."""
    year = steps.accession_year(accs[0].as_py())
    lo, hi = year - 1, year + 1  # an accession is filed in its year, rarely the one before or after
    if start and end:
        lo, hi = max(lo, start.year - 1), min(hi, end.year + 1)
    years = range(lo, hi + 1)
    known = steps.known_table(out, years, only=accs, columns=["accession_number", "filing_date"])
    known = known.sort_by([("filing_date", "ascending"), ("accession_number", "ascending")])
    known_accs = known["accession_number"].combine_chunks().cast(pa.string())
    unknown = accs.filter(pc.invert(pc.is_in(accs, value_set=known_accs)))
    return Plan(pa.concat_arrays([known_accs, unknown.take(pc.sort_indices(unknown))]), out, years)


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def run_batch(runner: Runner, raw: str, accs: list[str], known: dict[str, steps.KnownFiling],
              start: dt.date | None, end: dt.date | None, progress: Progress | None = None) -> steps.BatchResult:
    """Process one batch of accessions on the runner, at most two chunks per worker in flight."""
    result = steps.BatchResult()
    pending: deque = deque()
    for part in chunks(accs, CHUNK):
        future = runner.submit(reprocess_chunk, raw, part, {a: known[a] for a in part if a in known}, start, end)
        pending.append((future, part))
        if len(pending) >= 2 * runner.workers:
            _collect(runner, *pending.popleft(), result, progress)
    while pending:
        _collect(runner, *pending.popleft(), result, progress)
    return result


def _collect(runner: Runner, future: Any, part: list[str], into: steps.BatchResult, progress: Progress | None) -> None:
    done = runner.result(future, f"the chunk of {len(part)} filings {part[0]}..{part[-1]}")
    steps.merge(into, done)
    if progress:
        progress.advance(filings=done.counts["filings"] + done.counts["skipped"])


@task(task_run_name="reprocess batch {index} ({n} stored filings)", cache_policy=NO_CACHE)
def reprocess_batch_task(index: int, n: int, runner: Runner, raw: str, out: str, accs: list[str],
                         known: dict[str, steps.KnownFiling], start: dt.date | None, end: dt.date | None,
                         progress: Progress | None = None) -> steps.BatchResult:
    result = run_batch(runner, raw, accs, known, start, end, progress)
    runner.renew_if_due()
    steps.write_batch(result, out)  # leaves the result's counts only: the next batch must not meet these rows
    return result


@flow(name="edgar8k-reprocess", log_prints=True)
def reprocess_flow(start: dt.date | None = None, end: dt.date | None = None,
                   overrides: dict[str, Any] | None = None, workers: int | None = None, dask: bool = False,
                   scheduler: str | None = None, show_progress: bool | None = None) -> dict[str, Any]:
    """Rebuild the rows of every stored filing filed from start to end (all of them without a range)."""
    if start and end and end < start:
        raise ValueError(f"end {end} is before start {start}")
    settings = load_settings(overrides)
    tune_allocator()
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.monotonic()
    total = steps.BatchResult()
    with output_lock(settings.out):
        n = count_stored(settings.raw, start, end)
        logger.info("%d stored filings to reprocess from %s into %s", n, settings.raw, settings.out)
        runner = make_runner(workers, dask, scheduler)
        progress = Progress("reprocess", total_filings=n, enabled=show_progress)
        index = 0
        try:
            for accs in slices(settings.raw, start, end):
                if not len(accs):
                    continue
                p = plan(settings.out, accs, start, end)
                del accs
                for batch, known in p.batches(settings.batch_filings):
                    index += 1
                    part = reprocess_batch_task(index, len(batch), runner, settings.raw, settings.out, batch,
                                                known, start, end, progress)
                    steps.merge(total, part, rows=False)
                    del batch, known
                    forget_finished_tasks()
                del p
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
