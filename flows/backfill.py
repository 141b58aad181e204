"""The backfill and nightly flows: list days, fetch and transform each day, write in batches.

Prefect concerns live here only. Tasks are at day and batch grain (never per filing: Prefect loses
history in bursts of tiny tasks, see docs/prefect.md); fetching inside a day runs on threads that
share one rate-limited client. Idempotency is in the output itself (upsert by accession) and in the
raw store (nothing fetched twice), not in Prefect's cache, so tasks use no cache policy.
"""

import datetime as dt
import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE as NO_CACHE

from edgar8k.config import Settings, load_settings
from edgar8k.extract.edgar_index import IndexEntry, list_range
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.raw_store import RawStore
from edgar8k.extract.edgar_index import business_days
from edgar8k.flows import steps
from edgar8k.flows.progress import Progress
from edgar8k.load.parquet import output_lock


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
              today: dt.date | None = None) -> list[IndexEntry]:
    return list_range(client, lo, hi, forms, today=today)


@task(task_run_name="fetch+transform {day} ({n} filings)", cache_policy=NO_CACHE)
def process_day_task(day: dt.date, n: int, entries: list[IndexEntry], client: EdgarClient, store: RawStore,
                     workers: int, progress: Progress | None = None) -> steps.BatchResult:
    result = steps.BatchResult()
    steps.process_entries(day, entries, client, store, workers, result, progress)
    return result


@task(task_run_name="write batch ending {last_day}", cache_policy=NO_CACHE)
def write_batch_task(result: steps.BatchResult, out: str, last_day: dt.date) -> dict[str, int]:
    return steps.write_batch(result, out)


def run_ranges(settings: Settings, ranges: list[tuple[dt.date, dt.date]], flow_name: str,
               today: dt.date | None = None) -> dict[str, Any]:
    """List each range (a quarter's full-index or daily indexes, whichever costs fewer requests), then
    fetch, transform and write day by day, in batches of about `batch_filings` filings."""
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.monotonic()
    client = EdgarClient(settings)
    store = RawStore(settings.raw)
    total = steps.BatchResult()
    progress = Progress(flow_name, total_days=sum(len(business_days(lo, hi)) for lo, hi in ranges), total_filings=0)
    with output_lock(settings.out):
        # Filings this extractor version already wrote are skipped: a rerun after an interruption
        # does only the remaining work (a changed extractor is applied to history by `reprocess`).
        done = steps.done_accessions(settings.out, range(ranges[0][0].year, ranges[-1][1].year + 1)) \
            if ranges else set()
        batch = steps.BatchResult()
        try:
            for i, (lo, hi) in enumerate(ranges):
                entries = list_task(client, lo, hi, settings.forms, today)
                by_day = steps.group_by_day(entries)
                progress.add_total(len(entries))
                logger.info("%s..%s: %d filings listed on %d days (range %d/%d)", lo, hi, len(entries),
                            len(by_day), i + 1, len(ranges))
                done_through = lo - dt.timedelta(days=1)
                for day, day_entries in by_day.items():
                    todo = [e for e in day_entries if e.accession_number not in done]
                    total.counts["already_done"] += len(day_entries) - len(todo)
                    progress.advance(filings=len(day_entries) - len(todo))
                    if todo:
                        steps.merge(batch, process_day_task(day, len(todo), todo, client, store,
                                                            settings.workers, progress))
                    progress.advance(days=len(business_days(done_through + dt.timedelta(days=1), day)))
                    done_through = max(done_through, day)
                    if len(batch.filings) >= settings.batch_filings:
                        write_batch_task(batch, settings.out, day)
                        steps.merge(total, batch, rows=False)
                        batch = steps.BatchResult()
                progress.advance(days=len(business_days(done_through + dt.timedelta(days=1), hi)))
            if batch.filings:
                write_batch_task(batch, settings.out, ranges[-1][1])
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
