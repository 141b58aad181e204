"""The backfill and nightly flows: list days, fetch and transform each day, write in batches.

Prefect concerns live here only. Tasks are at day and batch grain (never per filing: Prefect loses
history in bursts of tiny tasks, see docs/prefect.md); fetching inside a day runs on threads that
share one rate-limited client. Idempotency is in the output itself (upsert by accession) and in the
raw store (nothing fetched twice), not in Prefect's cache, so tasks use no cache policy.
"""

import datetime as dt
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE as NO_CACHE

from edgar8k.config import Settings, load_settings
from edgar8k.extract.edgar_index import IndexEntry, IndexListing, list_range_compact
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.raw_store import RawStore
from edgar8k.extract.edgar_index import business_days
from edgar8k.flows import steps
from edgar8k.flows.fetching import FetchPipeline
from edgar8k.flows.progress import Progress
from edgar8k.flows.task_records import forget_finished_tasks
from edgar8k.load.parquet import output_lock
from edgar8k.memory import release_free_memory, tune_allocator

if TYPE_CHECKING:
    import pyarrow as pa


def _is_retryable(task: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except FetchError:
        return True
    except Exception:
        return False
    return False


@task(task_run_name="list {lo}..{hi}", retries=3, retry_delay_seconds=[5, 30, 120],
      retry_condition_fn=_is_retryable, cache_policy=NO_CACHE)
def list_task(client: EdgarClient, lo: dt.date, hi: dt.date, forms: tuple[str, ...],
              today: dt.date | None = None) -> IndexListing:
    """Called, not submitted: it runs on the calling thread (see `_Planner`), and compacts the listing
    there so the whole index text is freed before the range's days are fed."""
    return list_range_compact(client, lo, hi, forms, today=today)


TRIM_EVERY = 32
"""Filings between trims of the heap within a day, as often as a reprocess worker trims (one chunk).
Trimmed once a day, the heap's free pages that the day's documents touched stayed resident to its end:
RSS rode up to ~9 MB above its level after a trim, and higher as the heap fragmented over a run (its
free space grew 2 MB in 10 minutes while what was in use stayed level). The trims, with the pages faulted
in again after them, cost ~5% of the transform's speed (7,902 filings: 160 s against 152 s)."""


@task(task_run_name="fetch+transform {day} ({n} filings)", cache_policy=NO_CACHE)
def process_day_task(day: dt.date, n: int, entries: list[IndexEntry], pipeline: FetchPipeline,
                     client: EdgarClient, progress: Progress | None = None) -> steps.BatchResult:
    """Take one day's filings from the run's fetch pipeline, which fetched them (and may already be
    fetching the next day's) on its threads, and transform them here, one at a time."""
    result = steps.BatchResult()
    for i, entry in enumerate(entries, 1):
        taken, fetched = pipeline.take()
        if taken is not entry:  # the pipeline's order is the run's order; anything else is a bug here
            raise RuntimeError(f"{day}: expected {entry.accession_number}, the pipeline gave {taken.accession_number}")
        filing, issuances = steps.process_fetched(entry, fetched, client)
        result.add(day, filing, issuances)
        if progress is not None:
            progress.advance(filings=1)
        if i % TRIM_EVERY == 0:
            release_free_memory()
    return result


@task(task_run_name="write batch ending {last_day}", cache_policy=NO_CACHE)
def write_batch_task(result: steps.BatchResult, out: str, last_day: dt.date) -> dict[str, int]:
    return steps.write_batch(result, out)


@dataclass
class _Day:
    """A listed day: how many filings the index lists, which are still to do, and how many business
    days of progress it completes (the last day of a range also completes the range's tail). The
    entries to do are built when the day is fed, from its range's listing less the accessions done."""
    day: dt.date | None  # None for a range with nothing listed
    listed: int
    progress_days: int
    todo: list[IndexEntry] | None = None  # None until fed
    listing: IndexListing | None = None  # until fed
    done: "pa.Array | None" = None  # the range's accessions already done, until fed


class _Planner:
    """Lists each range when its first day is needed and feeds days to the pipeline just in time.

    Days are fed while fewer than a window's worth of filings is left ahead of the consumer, so the
    fetch threads still have the current day and the rest of the window to fetch while the next range
    is listed. The listing runs here, on the consumer's thread, not one range ahead on a task-runner
    thread: listed there, alongside the fetch threads, a 100k-filing backfill's RSS stepped up ~1.5 MB
    after each of its first range boundaries; listed here, it did not (benchmarks/README.md, sessions
    14-15). Only the range being consumed is held.
    Feeding goes on while a batch is written: an interrupted run may have stored up to a window of
    filings past what it wrote, which a rerun reads from the raw store instead of fetching again.
    """

    def __init__(self, settings: Settings, client: EdgarClient, ranges: list[tuple[dt.date, dt.date]],
                 today: dt.date | None, pipeline: FetchPipeline, progress: Progress, logger: Any):
        self.settings, self.client, self.ranges, self.today = settings, client, ranges, today
        self.pipeline, self.progress, self.logger = pipeline, progress, logger
        self.days: deque[_Day] = deque()  # listed, not yet consumed; the first `self.fed` are fed
        self.fed = 0
        self.listed = 0  # ranges listed

    def _list_next(self) -> bool:
        if self.listed >= len(self.ranges):
            return False
        lo, hi = self.ranges[self.listed]
        listing: IndexListing = list_task(self.client, lo, hi, self.settings.forms, self.today)
        self.progress.add_total(len(listing))
        self.logger.info("%s..%s: %d filings listed on %d days (range %d/%d)", lo, hi, len(listing),
                         len(listing.days), self.listed + 1, len(self.ranges))
        self.listed += 1
        # Filings this extractor version already wrote are skipped: a rerun after an interruption
        # does only the remaining work (a changed extractor is applied to history by `reprocess`).
        done = steps.done_accession_array(self.settings.out, lo, hi) if len(listing) else None
        done_through = lo - dt.timedelta(days=1)
        for day, listed in zip(listing.days, listing.counts):
            n = len(business_days(done_through + dt.timedelta(days=1), day))
            self.days.append(_Day(day, listed, n, listing=listing, done=done))
            done_through = max(done_through, day)
        tail = len(business_days(done_through + dt.timedelta(days=1), hi))
        if listing.days:
            self.days[-1].progress_days += tail
        else:
            self.days.append(_Day(None, 0, tail, todo=[]))
        return True

    def _feed_one(self) -> bool:
        while self.fed == len(self.days):
            if not self._list_next():
                return False
        d = self.days[self.fed]
        if d.todo is None:
            d.todo = d.listing.entries(d.day, skip=d.done)
            d.listing = d.done = None
        self.pipeline.feed(d.todo)
        self.fed += 1
        return True

    def next_day(self) -> _Day | None:
        """The next day to consume, fed to the pipeline, with the days after it fed as far as needed."""
        if self.fed == 0 and not self._feed_one():
            return None
        d = self.days.popleft()
        self.fed -= 1
        while self.pipeline.backlog - len(d.todo) < self.pipeline.window and self._feed_one():
            pass
        return d


def run_ranges(settings: Settings, ranges: list[tuple[dt.date, dt.date]], flow_name: str,
               today: dt.date | None = None) -> dict[str, Any]:
    """List each range (a quarter's full-index or daily indexes, whichever costs fewer requests), then
    fetch, transform and write day by day, in batches of about `batch_filings` filings.

    Fetching runs on one pipeline for the whole run (flows/fetching.py): days, batches and ranges are
    the grain of Prefect tasks and of the output, while the pipeline keeps `workers` fetches in flight
    across day and range boundaries; results are taken in (day, accession) order, as if fetched one by
    one, so counts, batches and the bytes written do not depend on the concurrency."""
    tune_allocator()  # the CLI tuned it first; a flow run started some other way may not have
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.monotonic()
    client = EdgarClient(settings)
    store = RawStore(settings.raw)
    total = steps.BatchResult()
    progress = Progress(flow_name, total_days=sum(len(business_days(lo, hi)) for lo, hi in ranges), total_filings=0)
    with output_lock(settings.out):
        batch = steps.BatchResult()
        try:
            with FetchPipeline(lambda e: steps.fetch(e, client, store), settings.workers) as pipeline:
                planner = _Planner(settings, client, ranges, today, pipeline, progress, logger)
                last_day = ranges[-1][1] if ranges else None
                while (d := planner.next_day()) is not None:
                    total.counts["already_done"] += d.listed - len(d.todo)
                    progress.advance(filings=d.listed - len(d.todo))
                    if d.todo:
                        steps.merge(batch, process_day_task(d.day, len(d.todo), d.todo, pipeline, client, progress))
                        release_free_memory()  # the day's documents, freed, go back before the next day's come
                    progress.advance(days=d.progress_days)
                    if batch.size >= settings.batch_filings:
                        write_batch_task(batch, settings.out, d.day)
                        steps.merge(total, batch, rows=False)
                        batch = steps.BatchResult()
                    forget_finished_tasks()
            if batch.size:
                write_batch_task(batch, settings.out, last_day)
                steps.merge(total, batch, rows=False)
        finally:
            progress.close()
    client.close()
    summary = steps.summarise(total, time.monotonic() - t0, client)
    summary.update({"flow": flow_name, "started_at": started.isoformat(), "source": settings.source,
                    "out": settings.out, "ranges": [[lo.isoformat(), hi.isoformat()] for lo, hi in ranges]})
    steps.write_run_record(settings.out, flow_name, started, summary)
    publish_summary(summary, logger)
    return summary


def publish_summary(summary: dict[str, Any], logger: Any) -> None:
    c = summary["counts"]
    line = (f"{c.get('filings', 0)} filings ({c.get('ok', 0)} ok, {c.get('fetch_error', 0)} fetch errors, "
            f"{c.get('parse_error', 0)} parse errors), {c.get('filings_with_issuance', 0)} with issuances, "
            f"{c.get('issuance_rows', 0)} issuance rows ({c.get('flagged_rows', 0)} with data-check flags) "
            f"in {summary['elapsed_seconds']:.1f}s")
    logger.info(line)
    rows = [{"day": d, **{k: v.get(k, 0) for k in ("filings", "ok", "fetch_error", "parse_error",
                                                  "filings_with_issuance", "issuance_rows", "flagged_rows")}}
            for d, v in summary["per_day"].items()]
    try:
        create_table_artifact(rows or [{"day": "-", "filings": 0}], key=f"{summary['flow']}-days",
                              description=line)
        if summary["failures"]:
            create_markdown_artifact(
                "| accession | day | status | error |\n|---|---|---|---|\n" + "\n".join(
                    f"| {f['accession_number']} | {f['day']} | {f['status']} | {f['error'][:200]} |"
                    for f in summary["failures"]), key=f"{summary['flow']}-failures")
    except Exception as e:  # an artifact is a convenience; the run record beside the data is the record
        logger.warning("could not publish Prefect artifacts: %s", e)


@flow(name="edgar8k-backfill", log_prints=True)
def backfill_flow(start: dt.date, end: dt.date, overrides: dict[str, Any] | None = None,
                  days: list[dt.date] | None = None) -> dict[str, Any]:
    """Every business day from start to end (or only `days` within them). `overrides` are settings
    as on the command line."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    settings = load_settings(overrides).validate()
    if days is not None:
        ranges = [(d, d) for d in sorted(set(days)) if start <= d <= end]
    else:
        ranges = steps.quarter_ranges(start, end)
    return run_ranges(settings, ranges, "backfill")


@flow(name="edgar8k-nightly", log_prints=True)
def nightly_flow(overrides: dict[str, Any] | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """The days since the last complete one, plus the last few again for late index entries."""
    settings = load_settings(overrides).validate()
    today = today or _today_eastern()
    state = steps.read_state(settings.out)
    days = steps.nightly_days(today, state, settings.relist_days)
    # The days form one run of business days: listed per quarter, so a long catch-up costs a few
    # quarterly indexes and tasks, not one per day; `today` says which quarters are closed.
    ranges = steps.quarter_ranges(days[0], days[-1]) if days else []
    first = days[0] if days else today
    retry = [d for d in steps.fetch_error_days(settings.out, range(today.year - 1, today.year + 1)) if d < first]
    summary = run_ranges(settings, sorted([(d, d) for d in retry] + ranges), "nightly", today)
    if days:
        state.update({"last_complete_day": max(days).isoformat(), "updated_by": "nightly"})
        steps.write_state(settings.out, state)
    return summary


def _today_eastern() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("America/New_York")).date()
