"""The notebook API: edgar8k's output as DataFrames with exact dtypes, and the extractor without writing.

Readers hand pandas the declared schema (see `docs/data-dictionary.md`), so decimals stay
`decimal128[pyarrow]`, dates stay `date32[pyarrow]`, lists stay lists and `filing_year` is an int32,
never a categorical. The extract functions run the same code the pipeline runs and return the same
columns as `read_issuances`, but touch no file, raw store or network.

    import edgar8k as e8
    iss = e8.read_issuances("data/parquet", years=[2024], ciks=[1990001])
    con = e8.duckdb_connection("data/parquet")
    con.sql("select filing_year, count(*) from issuances group by 1").df()
    rows = e8.extract_text("On May 1, 2024 the Company sold 1,000,000 shares at $2.00 per share ...")
    filing, issuances = e8.extract_file("path/to/0001990001-24-000011.txt")
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs

from edgar8k.load.parquet import read_table, resolve_fs
from edgar8k.load.schema import PARTITION_COLUMN, TABLES, arrow_schema
from edgar8k.show import file_meta, process_file_bytes

if TYPE_CHECKING:
    import duckdb

DEFAULT_OUT = "data/parquet"

PathLike = str | os.PathLike[str]


# ---- reading the output ------------------------------------------------------------------------------

def read_filings(out: PathLike = DEFAULT_OUT, years: int | Iterable[int] | None = None,
                 ciks: int | Iterable[int] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """The `filings` table, one row per 8-K; filters prune partitions and row groups before reading."""
    return _read("filings", out, years, ciks, columns)


def read_issuances(out: PathLike = DEFAULT_OUT, years: int | Iterable[int] | None = None,
                   ciks: int | Iterable[int] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """The `issuances` table, one row per security issued (deal-level values repeat on each row)."""
    return _read("issuances", out, years, ciks, columns)


def _read(table: str, out: PathLike, years: Any, ciks: Any, columns: list[str] | None) -> pd.DataFrame:
    out = _existing_output(out)
    if columns is not None:
        unknown = [c for c in columns if c not in arrow_schema(table).names]
        if unknown:
            raise KeyError(f"{table} has no column(s) {unknown}; see docs/data-dictionary.md for the columns")
    return read_table(table, out, years=_ints(years), ciks=_ints(ciks), columns=columns, exact=True)


def _ints(v: int | Iterable[int] | None) -> list[int] | None:
    if v is None:
        return None
    if isinstance(v, (int, str)):
        return [int(v)]
    return [int(x) for x in v]


def _existing_output(out: PathLike) -> str:
    """The output location as a string; a missing local folder is a mistake worth one clear line."""
    out = os.fspath(out)
    fs, root = resolve_fs(out)
    if isinstance(fs, pafs.LocalFileSystem) and not Path(root).is_dir():
        raise FileNotFoundError(f"no edgar8k output at {root}: run `edgar8k demo` (or a backfill) first, "
                                "or pass the folder given to --out")
    return out


def duckdb_connection(out: PathLike = DEFAULT_OUT) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB with views `filings` and `issuances` over the Hive partitions.

    `union_by_name` keeps columns that only newer files have; `filing_year` is typed INTEGER so a
    `where filing_year = 2024` prunes folders. A table with no files yet is an empty view of the
    declared schema, so queries still run. Object-store outputs are scanned through pyarrow.
    """
    try:
        import duckdb
    except ImportError:
        raise ImportError("duckdb is not installed: pip install 'edgar8k[notebook]' (or pip install duckdb)") from None
    out = _existing_output(out)
    fs, root = resolve_fs(out)
    con = duckdb.connect()
    for table in TABLES:
        folder = Path(root) / table
        local = isinstance(fs, pafs.LocalFileSystem)
        if local and any(folder.glob(f"{PARTITION_COLUMN}=*/*.parquet")):
            glob = str(folder / f"{PARTITION_COLUMN}=*" / "*.parquet").replace("'", "''")
            con.execute(f"create view {table} as select * from read_parquet('{glob}', hive_partitioning = true, "
                        f"union_by_name = true, hive_types = {{'{PARTITION_COLUMN}': INTEGER}})")
        else:
            from edgar8k.load.parquet import dataset

            con.register(f"_{table}_arrow", dataset(table, out) if not local else _empty(table))
            con.execute(f"create view {table} as select * from _{table}_arrow")
    return con


def _empty(table: str) -> pa.Table:
    return arrow_schema(table).empty_table()


# ---- running the extractor without writing -----------------------------------------------------------

def extract_text(text: str, *, filing_date: dt.date | str | None = None, event_date: dt.date | str | None = None,
                 company_name: str | None = None, cik: int = 0, accession_number: str = "text") -> pd.DataFrame:
    """Issuance rows for a piece of 8-K text or HTML, with the same columns and dtypes as `read_issuances`.

    `filing_date` (or `event_date`) anchors dates written without a year and terms such as "five
    years"; the text's own cover date is used when neither is given. `company_name` lets the
    extractor tell the registrant from other parties.
    """
    if not text or not text.strip():
        raise ValueError("extract_text needs some 8-K text; got an empty string")
    meta = file_meta(text.encode("utf-8"), accession_number, cik=cik, company_name=company_name)
    p = process_file_bytes(text.encode("utf-8"), meta, _as_date(filing_date), _as_date(event_date))
    if p.filing["status"] != "ok":
        raise ValueError(f"the text could not be read: {p.filing.get('error')}")
    return rows_frame("issuances", p.issuances)


def extract_file(path: PathLike, *, filing_date: dt.date | str | None = None, cik: int = 0,
                 company_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A filing on disk (full SGML submission, `.nc` file, or bare HTML/text document) as
    (one-row `filings` frame, `issuances` frame), dtypes as `read_filings`/`read_issuances`.

    Header values win; the arguments fill what a bare document lacks. A file that cannot be parsed
    gives a `filings` row with status `parse_error`, as in the pipeline.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p} is not a file")
    raw = p.read_bytes()
    meta = file_meta(raw, p.stem, cik=cik, company_name=company_name, source=str(p))
    result = process_file_bytes(raw, meta, _as_date(filing_date))
    return rows_frame("filings", [result.filing]), rows_frame("issuances", result.issuances)


def rows_frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's declared columns and exact pyarrow dtypes."""
    schema = pa.schema([f.with_nullable(True) for f in arrow_schema(table)])
    return pa.Table.from_pylist(rows, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)


def _as_date(v: dt.date | str | None) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise ValueError(f"{v!r} is not a date; use YYYY-MM-DD") from None
