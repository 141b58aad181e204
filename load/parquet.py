"""Hive-partitioned Parquet: validated, upserted by accession, swapped in atomically, byte-stable.

Each `filing_year=YYYY` folder holds one file per filing month, `part-MM.parquet`. An upsert reads
the month files its filings fall in, drops every row of the filings being written, adds the new rows,
sorts by the table's key and writes a temporary file that is then renamed over the old one: a reader
sees the old file or the new one, never half of either, and rerunning any range gives the same bytes
(a month file holds that month's rows, sorted, whatever batches wrote them).

Month files, not one file per year: an upsert's cost and memory are those of one month (~6,000
filings at EDGAR's busiest), not of the year so far, so a backfill's memory stays flat across a year
and a nightly write does not rewrite the year (benchmarks/run.py: scale and write). Readers see the
same Hive dataset either way. A year folder in the earlier one-file layout (`part-0.parquet`) is split
into month files the first time a write touches that year.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from edgar8k.load.schema import PARTITION_COLUMN, SORT_KEYS, TABLES, arrow_schema, file_schema
from edgar8k.locations import local_path, remote_filesystem

LEGACY_PART_FILE = "part-0.parquet"  # the one-file-per-year layout before month files
LOCK_FILE = "_edgar8k.lock"
WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}


class SchemaError(ValueError):
    """Data that does not fit the declared schema; says which column and why."""


class OutputLocked(RuntimeError):
    """Another run holds the output folder."""


def resolve_fs(uri: str) -> tuple[pafs.FileSystem, str]:
    """A pyarrow filesystem and the path inside it, for a local folder or any `scheme://` URI."""
    local = local_path(uri)
    if local is None:
        return remote_filesystem(uri)
    return pafs.LocalFileSystem(), local


def to_table(table: str, data: pa.Table | pd.DataFrame | Iterable[Mapping[str, Any]]) -> pa.Table:
    """Validate rows against the declared schema and return them as an Arrow table.

    Missing optional columns are filled with nulls; unknown columns, wrong types and values
    outside an enum raise `SchemaError` naming the column. An Arrow table that already has the
    declared schema (as this function makes them) is checked for enums and required values only.
    """
    schema = arrow_schema(table)
    if isinstance(data, pa.Table) and data.schema.equals(schema):
        _check_values(table, {c.name: set(pc.unique(data.column(c.name)).to_pylist())
                              for c in TABLES[table] if c.allowed})
        for field in schema:
            _check_required(table, field, data.column(field.name))
        return data
    if isinstance(data, pa.Table):
        rows = data.to_pylist()
        columns = set(data.column_names)
    elif isinstance(data, pd.DataFrame):
        rows = data.to_dict("records")
        columns = set(data.columns)
    else:
        rows = [dict(r) for r in data]
        columns = set().union(*(r.keys() for r in rows)) if rows else set()
    unknown = columns - set(schema.names)
    if unknown:
        raise SchemaError(f"{table}: columns not in the declared schema: {sorted(unknown)}")
    _check_values(table, {c.name: {r.get(c.name) for r in rows} for c in TABLES[table] if c.allowed})
    arrays = []
    for field in schema:
        values = [_none_if_nan(r.get(field.name)) for r in rows]
        try:
            arrays.append(pa.array(values, type=field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as e:
            raise SchemaError(f"{table}.{field.name}: cannot store as {field.type}: {e}") from e
        _check_required(table, field, arrays[-1])
    return pa.Table.from_arrays(arrays, schema=schema)


def _check_values(table: str, values: Mapping[str, set[Any]]) -> None:
    """The values found in each enum column must be among those it allows ("…" allows any)."""
    for col in TABLES[table]:
        if col.name in values and "…" not in col.allowed:
            bad = values[col.name] - set(col.allowed) - {None}
            if bad:
                raise SchemaError(f"{table}.{col.name}: values {sorted(map(str, bad))} are not among {col.allowed}")


def _check_required(table: str, field: pa.Field, values: pa.Array | pa.ChunkedArray) -> None:
    if not field.nullable and values.null_count:
        raise SchemaError(f"{table}.{field.name}: {values.null_count} null value(s) in a required column")


def _none_if_nan(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if v is pd.NaT:
        return None
    return v


@dataclass(frozen=True)
class WriteStats:
    table: str
    partitions: tuple[int, ...]
    rows_written: int
    rows_replaced: int


def part_file(month: int) -> str:
    """The file inside a year folder that holds one filing month's rows."""
    return f"part-{month:02d}.parquet"


def write_filings(filings: pd.DataFrame | Iterable[Mapping[str, Any]],
                  issuances: pd.DataFrame | Iterable[Mapping[str, Any]], out: str) -> tuple[WriteStats, WriteStats]:
    """Upsert filings with their issuance rows; returns (filings, issuances) stats.

    Issuances are written first: a `filings` row is what marks a filing done, so a run killed between
    the two tables redoes those filings instead of leaving them without their issuance rows."""
    ftable = to_table("filings", filings)
    written = dict(zip(ftable.column("accession_number").to_pylist(), ftable.column("filing_date").to_pylist()))
    istats = write_partitions("issuances", to_table("issuances", issuances), out, written)
    return write_partitions("filings", ftable, out, written), istats


def write_partitions(table: str, new: pa.Table, out: str, written: Mapping[str, dt.date]) -> WriteStats:
    """Upsert: replace the rows of the filings in `written` (accession -> filing date) with `new`'s.

    The filings written, not the new rows, decide what is replaced, so a filing that now yields no
    issuance rows loses its old ones. A filing can come back under another date (a fetch error is
    dated by the index, its retry by the submission's header), so its old rows are looked for in every
    month of the years written and in the months either side of each month written, by reading the
    accession column only; any file holding one is rewritten without it.
    """
    fs, root = resolve_fs(out)
    base = f"{root}/{table}"
    dates = new.column("filing_date")
    years, months = pc.year(dates), pc.month(dates)
    if pc.any(pc.not_equal(years, new.column(PARTITION_COLUMN).cast(years.type))).as_py():
        raise SchemaError(f"{table}: {PARTITION_COLUMN} must be the year of filing_date")
    keys = {(d.year, d.month) for d in written.values()} | set(zip(years.to_pylist(), months.to_pylist()))
    drop = pa.array(sorted(set(written) | set(new.column("accession_number").to_pylist())), pa.string())
    keys |= _months_holding(fs, base, table, keys, drop)
    replaced = 0
    written_rows = 0
    for year in sorted({y for y, _ in keys}):
        folder = f"{base}/{PARTITION_COLUMN}={year}"
        for month in sorted(m for y, m in keys if y == year):
            final = f"{folder}/{part_file(month)}"
            rows = new.filter(pc.and_(pc.equal(years, year), pc.equal(months, month))).drop_columns([PARTITION_COLUMN])
            written_rows += rows.num_rows
            old = _read_partition_file(fs, final, table)
            existed = old is not None
            if old is not None:
                keep = pc.invert(pc.is_in(old.column("accession_number"), value_set=drop))
                kept = pc.sum(keep.cast(pa.int64())).as_py() or 0
                replaced += old.num_rows - kept
                rows = pa.concat_tables([old if kept == old.num_rows else old.filter(keep), rows])
                old = keep = None
            # one name for the month's rows, rebound as they are merged and sorted: the month's old and
            # unsorted copies are freed before the file is encoded, which is a write's peak
            if rows.num_rows:
                rows = _sorted(rows, table)
                _write_atomic(fs, folder, final, rows, table)
            elif existed:
                fs.delete_file(final)
            rows = None
    return WriteStats(table, tuple(sorted({y for y, _ in keys})), written_rows, replaced)


def _months_holding(fs: pafs.FileSystem, base: str, table: str, keys: set[tuple[int, int]],
                    accessions: pa.Array) -> set[tuple[int, int]]:
    """Months outside `keys`, within the years of `keys` or a month away from one, whose file holds
    any of `accessions` (read from the accession column alone). Years still in the one-file layout
    are split into month files first."""
    near = {(y, m) for y, _ in keys for m in range(1, 13)}
    for y, m in keys:
        near |= {(y - (m == 1), 12 if m == 1 else m - 1), (y + (m == 12), 1 if m == 12 else m + 1)}
    found = set()
    for year in sorted({y for y, _ in near}):
        folder = f"{base}/{PARTITION_COLUMN}={year}"
        _split_legacy(fs, folder, table)
        for y, m in sorted(k for k in near - keys if k[0] == year):
            path = f"{folder}/{part_file(m)}"
            if fs.get_file_info(path).type != pafs.FileType.File:
                continue
            with fs.open_input_file(path) as f:
                accs = pq.read_table(f, columns=["accession_number"]).column("accession_number")
            if pc.any(pc.is_in(accs, value_set=accessions)).as_py():
                found.add((y, m))
    return found


def _sorted(data: pa.Table, table: str) -> pa.Table:
    return data.sort_by([(k, "ascending") for k in SORT_KEYS[table]])


def _split_legacy(fs: pafs.FileSystem, folder: str, table: str) -> None:
    """Move a year written in the one-file layout (`part-0.parquet`) into month files, then remove it.

    A one-time migration. Interrupted before the removal, readers see that year's rows twice until
    the next write to the year splits the old file again over the month files (same rows, same
    bytes) and removes it."""
    legacy = f"{folder}/{LEGACY_PART_FILE}"
    old = _read_partition_file(fs, legacy, table)
    if old is None:
        return
    months = pc.month(old.column("filing_date"))
    for month in sorted(set(months.to_pylist())):
        _write_atomic(fs, folder, f"{folder}/{part_file(month)}", _sorted(old.filter(pc.equal(months, month)), table),
                      table)
    fs.delete_file(legacy)


def _read_partition_file(fs: pafs.FileSystem, path: str, table: str) -> pa.Table | None:
    info = fs.get_file_info(path)
    if info.type != pafs.FileType.File:
        return None
    with fs.open_input_file(path) as f:
        return pq.read_table(f, schema=file_schema(table))


def _write_atomic(fs: pafs.FileSystem, folder: str, final: str, data: pa.Table, table: str) -> None:
    data = data.cast(file_schema(table))
    if isinstance(fs, pafs.LocalFileSystem):
        fs.create_dir(folder, recursive=True)
        tmp = f"{folder}/.{final.rsplit('/', 1)[-1]}.{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(data, tmp, filesystem=fs, **WRITE_OPTIONS)
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    else:  # an object store PUT is atomic per object; no directory markers (see docs/storage.md)
        with fs.open_output_stream(final) as f:
            pq.write_table(data, f, **WRITE_OPTIONS)


def dataset(table: str, out: str) -> ds.Dataset:
    """The table as a pyarrow dataset with the declared schema and typed partition column."""
    fs, root = resolve_fs(out)
    partitioning = ds.partitioning(pa.schema([pa.field(PARTITION_COLUMN, pa.int32())]), flavor="hive")
    base = f"{root}/{table}"
    if fs.get_file_info(base).type == pafs.FileType.NotFound:
        return ds.dataset(arrow_schema(table).empty_table(), schema=arrow_schema(table))
    return ds.dataset(base, filesystem=fs, format="parquet", partitioning=partitioning,
                      schema=arrow_schema(table))


def read_arrow(table: str, out: str, *, years: Iterable[int] | None = None,
               ciks: Iterable[int] | None = None, accessions: pa.Array | Iterable[str] | None = None,
               columns: list[str] | None = None) -> pa.Table:
    """Rows filtered in the scan, then sorted by the table's key: only the rows asked for are sorted."""
    expr = None
    if years is not None:
        expr = pc.field(PARTITION_COLUMN).isin([int(y) for y in years])
    if ciks is not None:
        cond = pc.field("cik").isin([int(c) for c in ciks])
        expr = cond if expr is None else expr & cond
    if accessions is not None:
        wanted = accessions if isinstance(accessions, pa.Array) else pa.array(list(accessions), pa.string())
        cond = pc.field("accession_number").isin(wanted)
        expr = cond if expr is None else expr & cond
    t = dataset(table, out).to_table(columns=columns, filter=expr)
    keys = [k for k in SORT_KEYS[table] if columns is None or k in columns]
    return t.sort_by([(k, "ascending") for k in keys]) if keys else t


def read_table(table: str, out: str, *, years: Iterable[int] | None = None, ciks: Iterable[int] | None = None,
               columns: list[str] | None = None, exact: bool = True) -> pd.DataFrame:
    """A table as a DataFrame; `exact` keeps decimals, dates and lists as pyarrow dtypes."""
    t = read_arrow(table, out, years=years, ciks=ciks, columns=columns)
    if exact:
        return t.to_pandas(types_mapper=pd.ArrowDtype)
    return t.to_pandas()


@contextlib.contextmanager
def output_lock(out: str) -> Iterator[None]:
    """Refuse a second run on the same output while one is writing."""
    fs, root = resolve_fs(out)
    if not isinstance(fs, pafs.LocalFileSystem):
        with _object_store_lock(fs, root):
            yield
        return
    Path(root).mkdir(parents=True, exist_ok=True)
    lock = Path(root) / LOCK_FILE
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder and holder.get("host") == me["host"] and not _pid_alive(int(holder.get("pid", 0))):
                lock.unlink(missing_ok=True)  # left by a run that was killed
                continue
            raise OutputLocked(f"{root} is being written by another edgar8k run ({holder}); wait for it to "
                               f"finish, or delete {lock} if that run is gone") from None
        with os.fdopen(fd, "w") as f:
            json.dump(me, f)
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


@contextlib.contextmanager
def _object_store_lock(fs: pafs.FileSystem, root: str) -> Iterator[None]:
    """Best effort on object stores (no create-if-absent in pyarrow): refuse when a lock object exists,
    else write ours and read it back, so of two runs starting together the one overwritten backs off."""
    lock = f"{root}/{LOCK_FILE}"
    me = {"pid": os.getpid(), "host": socket.gethostname(), "token": uuid.uuid4().hex}
    holder = _read_lock_object(fs, lock)
    if holder and holder.get("host") == me["host"] and not _pid_alive(int(holder.get("pid", 0))):
        holder = None  # left by a run that was killed on this machine
    if holder is None:
        with fs.open_output_stream(lock) as f:
            f.write(json.dumps(me).encode())
        holder = _read_lock_object(fs, lock)
    if not holder or holder.get("token") != me["token"]:
        raise OutputLocked(f"{root} is being written by another edgar8k run ({holder}); wait for it to "
                           f"finish, or delete {lock} if that run is gone")
    try:
        yield
    finally:
        if (_read_lock_object(fs, lock) or {}).get("token") == me["token"]:
            fs.delete_file(lock)


def _read_lock_object(fs: pafs.FileSystem, lock: str) -> dict[str, Any] | None:
    try:
        with fs.open_input_stream(lock) as f:
            return json.loads(f.read())
    except (FileNotFoundError, OSError, ValueError):
        return None


def _lock_holder(lock: Path) -> dict[str, Any] | None:
    try:
        return json.loads(lock.read_text())
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
