"""The steps a run is made of, as plain functions: testable without Prefect, wrapped as tasks by the flows.

A day is the unit of listing; a batch of days is the unit of writing. Fetching inside a day runs on
a thread pool that shares the run's one `EdgarClient`, so the rate limit holds across threads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from edgar8k.extract.edgar_index import IndexEntry, business_days, last_business_days
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.raw_store import RawRecord, RawStore
from edgar8k.extract.submissions import fetch_submission
from edgar8k.flows.reprocess_worker import BatchResult, KnownFiling  # noqa: F401 - re-exported: every flow's types
from edgar8k.load.parquet import resolve_fs, to_table, write_filings
from edgar8k.memory import release_free_memory
from edgar8k.transform.records import FilingMeta, failed_filing_row, process_submission


def quarter_ranges(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut at quarter boundaries: the unit of listing for backfills."""
    out = []
    lo = start
    while lo <= end:
        q_end_month = ((lo.month - 1) // 3 + 1) * 3
        q_end = dt.date(lo.year + (q_end_month == 12), q_end_month % 12 + 1, 1) - dt.timedelta(days=1)
        hi = min(q_end, end)
        out.append((lo, hi))
        lo = hi + dt.timedelta(days=1)
    return out


def group_by_day(entries: Iterable[IndexEntry]) -> dict[dt.date, list[IndexEntry]]:
    by_day: dict[dt.date, list[IndexEntry]] = {}
    for e in sorted(entries, key=lambda e: (e.filing_date, e.accession_number)):
        by_day.setdefault(e.filing_date, []).append(e)
    return by_day


def merge(into: BatchResult, part: BatchResult, rows: bool = True) -> None:
    """Add `part` to `into`; a run's total keeps only counts (rows=False) so memory stays flat.

    A write batch packs the rows it is given into Arrow tables, checked against the schema as they
    arrive: a bad row fails the day it came from, not the write thousands of filings later, and a
    part's dicts die young instead of living among the transform's short-lived objects until the
    write."""
    if rows:
        if part.packed is not None:
            _spool(into).add(*part.packed.tables())
        if part.filings:
            _spool(into).add(*_pack(part.filings, part.issuances))
    into.counts.update(part.counts)
    for d, c in part.per_day.items():
        into.per_day.setdefault(d, Counter()).update(c)
    into.failures.extend(part.failures)


class Spool:
    """A write batch's packed rows: one Arrow IPC stream per table, each in one growing buffer.

    Kept as a list of tables, a 5,000-filing batch held thousands of small buffers from malloc for the
    ~80 s until its write, scattered among the transform's short-lived blocks, and the heap pages they
    pinned stayed resident: over 37,211 filings glibc's heap grew 2.1 MB after its first 120 s, 1.1 MB
    with streams, at a level 2.4-3.4 MB lower. A stream's buffer grows by doubling, so past malloc's
    mmap threshold it is mapped apart from the heap and unmapped whole once written. Reading a
    stream back copies nothing."""

    def __init__(self) -> None:
        self.rows = 0
        self._streams: dict[str, tuple[pa.BufferOutputStream, pa.ipc.RecordBatchStreamWriter]] = {}

    def add(self, filings: pa.Table, issuances: pa.Table) -> None:
        for name, table in (("filings", filings), ("issuances", issuances)):
            if name not in self._streams:
                sink = pa.BufferOutputStream()
                self._streams[name] = sink, pa.ipc.new_stream(sink, table.schema)
            self._streams[name][1].write_table(table)
        self.rows += filings.num_rows

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The rows added, as (filings, issuances); ends the spool: nothing can be added after."""
        out = []
        for name in ("filings", "issuances"):
            sink, writer = self._streams[name]
            writer.close()
            out.append(pa.ipc.open_stream(sink.getvalue()).read_all())
        self._streams.clear()
        return out[0], out[1]


def _spool(batch: BatchResult) -> Spool:
    if batch.packed is None:
        batch.packed = Spool()
    return batch.packed


def _pack(filings: list[dict[str, Any]], issuances: list[dict[str, Any]]) -> tuple[pa.Table, pa.Table]:
    return to_table("filings", filings), to_table("issuances", issuances)


def meta_for(entry: IndexEntry, record: RawRecord | None, client: EdgarClient | None) -> FilingMeta:
    from edgar8k.extract.submissions import submission_path

    source_url = record.source_url if record else (client.url_for(submission_path(entry)) if client else None)
    return FilingMeta(
        accession_number=entry.accession_number, cik=entry.cik, company_name=entry.company_name,
        form_type=entry.form_type, filing_date=entry.filing_date, source_url=source_url,
        raw_sha256=record.sha256 if record else None, fetched_at=record.fetched_at if record else None,
        ciks=tuple(entry.ciks or (entry.cik,)),
    )


def fetch(entry: IndexEntry, client: EdgarClient, store: RawStore) -> RawRecord | FetchError:
    """The fetch half of a filing, run on the pipeline's threads: a failure is returned, not raised."""
    try:
        return fetch_submission(client, store, entry)
    except FetchError as e:
        return e


def process_fetched(entry: IndexEntry, fetched: RawRecord | FetchError, client: EdgarClient) -> tuple[dict, list[dict]]:
    """The transform half, run by the consumer: one document at a time, not one per fetch thread. The
    transform holds the GIL, so threads gave it no speed, only up to `workers` documents being parsed
    at once, interleaved in the same allocator arenas."""
    if isinstance(fetched, FetchError):
        return failed_filing_row(meta_for(entry, None, client), "fetch_error", f"fetch_error: {fetched}"), []
    result = process_submission(fetched.data, meta_for(entry, fetched, client))
    return result.filing, result.issuances


def done_accession_array(out: str, lo: dt.date, hi: dt.date) -> pa.Array:
    """Filings filed from lo to hi that the output holds from the current extractor version, fetched
    and stored (so not fetch errors): what a rerun over those days need not process again. Asked per
    listed range, so a resumed backfill over decades holds one quarter's accessions, not all of them,
    as the scan's Arrow array: a set would be up to ~20,000 strings made at once for every quarter.
    The window is a month wider each side: a row is dated by the submission's header, the listing by
    the index, and the two can differ by days; only listed accessions are looked up in it."""
    import pyarrow.compute as pc

    from edgar8k.load.parquet import dataset
    from edgar8k.load.schema import PARTITION_COLUMN
    from edgar8k.transform.issuance import EXTRACTOR_VERSION

    date = pc.field("filing_date")
    lo, hi = lo - dt.timedelta(days=31), hi + dt.timedelta(days=31)
    t = dataset("filings", out).to_table(
        columns=["accession_number"],
        filter=pc.field(PARTITION_COLUMN).isin(list(range(lo.year, hi.year + 1))) & (date >= lo) & (date <= hi)
        & (pc.field("status") != "fetch_error") & (pc.field("extractor_version") == EXTRACTOR_VERSION))
    return t["accession_number"].combine_chunks()


def fetch_error_days(out: str, years: Iterable[int]) -> list[dt.date]:
    """Days with filings that could not be fetched: the nightly job lists them again until they are."""
    import pyarrow.compute as pc

    from edgar8k.load.parquet import read_arrow

    t = read_arrow("filings", out, years=years, columns=["status", "filing_date"])
    return sorted(set(t.filter(pc.equal(t["status"], "fetch_error"))["filing_date"].to_pylist()))


def write_batch(result: BatchResult, out: str) -> dict[str, int]:
    """Upsert a batch's rows; the filings written decide which issuance rows are replaced. The batch
    keeps its counts only: merged into another, it adds no rows."""
    if not result.size:
        return {"filings": 0, "issuances": 0}
    if result.filings:  # rows added one at a time (`BatchResult.add`) rather than merged
        _spool(result).add(*_pack(result.filings, result.issuances))
        result.filings, result.issuances = [], []
    fstats, istats = write_filings(*result.packed.tables(), out)
    result.packed = None
    release_free_memory()
    return {"filings": fstats.rows_written, "issuances": istats.rows_written}


# ---- run records and the nightly watermark, kept beside the data -------------------------------------

def write_run_record(out: str, flow: str, started: dt.datetime, record: dict[str, Any]) -> str:
    fs, root = resolve_fs(out)
    name = f"{root}/_runs/{started.strftime('%Y%m%dT%H%M%S')}-{flow}-{os.getpid()}.json"
    _make_dir(fs, f"{root}/_runs")
    with fs.open_output_stream(name) as f:
        f.write(json.dumps(record, indent=2, sort_keys=True, default=str).encode())
    return name


def _make_dir(fs: Any, path: str) -> None:
    """Folders exist only on local disks; on object stores a 'folder' is an empty marker object that
    makes pandas.read_parquet fail (docs/storage.md), so none is made there."""
    import pyarrow.fs as pafs

    if isinstance(fs, pafs.LocalFileSystem):
        fs.create_dir(path, recursive=True)


def read_state(out: str) -> dict[str, Any]:
    fs, root = resolve_fs(out)
    path = f"{root}/_state.json"
    try:
        with fs.open_input_stream(path) as f:
            return json.loads(f.read())
    except (FileNotFoundError, OSError):
        return {}


def write_state(out: str, state: dict[str, Any]) -> None:
    fs, root = resolve_fs(out)
    _make_dir(fs, root)
    tmp = f"{root}/._state.json.tmp"
    with fs.open_output_stream(tmp) as f:
        f.write(json.dumps(state, indent=2, sort_keys=True).encode())
    fs.move(tmp, f"{root}/_state.json")


def nightly_days(today: dt.date, state: dict[str, Any], relist: int) -> list[dt.date]:
    """Every business day after the watermark up to yesterday, plus the last `relist` business days
    again, because EDGAR's daily index for a day can appear late."""
    end = today - dt.timedelta(days=1)
    recent = last_business_days(relist, end) if relist else []
    done = state.get("last_complete_day")
    start = dt.date.fromisoformat(done) + dt.timedelta(days=1) if done else (recent[0] if recent else end)
    return sorted(set(business_days(start, end)) | set(recent))


def summarise(result: BatchResult, elapsed: float, client: EdgarClient | None) -> dict[str, Any]:
    stats = client.stats.as_dict() if client else {}
    return {
        "counts": dict(result.counts),
        "per_day": {d: dict(c) for d, c in sorted(result.per_day.items())},
        "failures": result.failures,
        "elapsed_seconds": round(elapsed, 3),
        "http": {k: v for k, v in stats.items()},
    }


# ---- reprocessing from the raw store, without the network ---------------------------------------------

def accession_year(acc: str) -> int:
    return year_of_key(acc[11:13])


def year_of_key(yy: str) -> int:
    """The year of a two-digit accession year ("96" is 1996, "01" is 2001)."""
    y = int(yy)
    return 1900 + y if y >= 90 else 2000 + y


def year_may_hold(year: int, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether accessions of `year` may have been filed from start to end: a filing is filed in its
    accession's year or the next, rarely the one before (a cheap pre-filter; the exact filing-date
    filter runs after parsing)."""
    return (start is None or year >= start.year - 1) and (end is None or year <= end.year + 1)


KNOWN_COLUMNS = ["accession_number", "cik", "company_name", "form_type", "filing_date", "filer_ciks"]


def known_table(out: str, years: Iterable[int] | None = None, only: Iterable[str] | pa.Array | None = None,
                columns: list[str] = KNOWN_COLUMNS) -> pa.Table:
    """Index facts of the filings already in the output (no rows when there is no output yet), for the
    accessions in `only` when given. Arrow columns: a year of them is ~6 MB, ~25 MB as objects."""
    from edgar8k.load.parquet import read_arrow

    return read_arrow("filings", out, years=years, accessions=only, columns=columns)


def known_dict(t: pa.Table) -> dict[str, KnownFiling]:
    """known_table's rows by accession (what a chunk of a reprocess is sent)."""
    # column by column, not t.to_pylist(): a dict per row doubled the peak for a big output
    return {acc: KnownFiling(cik, name, form, day, tuple(ciks or ()))
            for acc, cik, name, form, day, ciks in zip(*(t.column(c).to_pylist() for c in KNOWN_COLUMNS))}
