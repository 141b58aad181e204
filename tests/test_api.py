"""The notebook API on real Parquet written from the demo mirror: dtypes, filters, DuckDB, extraction."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import edgar8k
from edgar8k import api
from edgar8k.load.parquet import write_filings
from edgar8k.load.schema import PARTITION_COLUMN, arrow_schema

from tests.conftest import DEMO

NEO = DEMO / "Archives/edgar/data/918285/000095015001500213/0000950150-01-500213.txt"
SIMPLE = ('On May 1, 2024, Acme Widgets, Inc. (the "Company") sold 1,000,000 shares of its common stock at '
          '$2.00 per share to an accredited investor in a private placement exempt under Section 4(a)(2) of '
          'the Securities Act, for gross proceeds of $2,000,000.')


def build_demo_output(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every demo submission through `extract_file`, written as the pipeline writes: the same Parquet
    `edgar8k demo` makes, without Prefect or an index."""
    filings, issuances = [], []
    seen: set[str] = set()
    for path in sorted((DEMO / "Archives/edgar/data").glob("*/*/*.txt")):
        f, i = api.extract_file(path)
        acc = f["accession_number"].iloc[0]
        if acc in seen:  # a co-registrant's copy under its own CIK folder
            continue
        seen.add(acc)
        filings.append(f)
        issuances.append(i)
    fil = pd.concat(filings, ignore_index=True)
    iss = pd.concat(issuances, ignore_index=True)
    write_filings(fil, iss, str(out))
    return fil, iss


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "parquet"
    build_demo_output(out)
    return out


def test_dtypes_are_the_declared_ones_and_decimals_exact(demo_out: Path) -> None:
    for table, reader in (("filings", api.read_filings), ("issuances", api.read_issuances)):
        df = reader(demo_out)
        expected = {f.name: pd.ArrowDtype(f.type) for f in arrow_schema(table)}
        assert dict(df.dtypes) == expected, table
    iss = api.read_issuances(demo_out)
    assert iss[PARTITION_COLUMN].dtype == pd.ArrowDtype(pa.int32())  # not a categorical
    deals = iss.drop_duplicates(["accession_number", "transaction_index"])
    total = sum(v for v in deals["aggregate_consideration"] if v is not pd.NA)
    assert isinstance(total, Decimal)
    neo = iss[iss["cik"] == 918285]
    assert list(neo["shares"]) == [1_250_000, 125_000]
    assert neo["exercise_price"].iloc[1] == Decimal("5.00000000")
    assert neo["expiration_date"].iloc[1] == dt.date(2006, 3, 8)


def test_filters_prune_years_ciks_and_columns(demo_out: Path) -> None:
    everything = api.read_issuances(demo_out)
    y2001 = api.read_issuances(demo_out, years=[2001])
    assert set(y2001["filing_year"]) == {2001} and len(y2001) == (everything["filing_year"] == 2001).sum()
    assert api.read_issuances(demo_out, years=2001).equals(y2001)
    halcyon = api.read_filings(demo_out, ciks=1990001)
    assert list(halcyon["accession_number"]) == ["0001990001-24-000011"]
    both = api.read_issuances(demo_out, years=[2024, 2001], ciks=[1990001])
    assert set(both["cik"]) == {1990001}
    cols = api.read_issuances(demo_out, columns=["company_name", "shares"], years=[2024])
    assert list(cols.columns) == ["company_name", "shares"] and len(cols) == len(both)
    assert api.read_filings(demo_out, years=[1900]).empty


def test_mistakes_say_what_to_do(tmp_path: Path, demo_out: Path) -> None:
    with pytest.raises(FileNotFoundError, match="edgar8k demo"):
        api.read_issuances(tmp_path / "nowhere")
    with pytest.raises(KeyError, match="price_per_shar"):
        api.read_issuances(demo_out, columns=["price_per_shar"])
    with pytest.raises(ValueError, match="empty"):
        api.extract_text("   ")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        api.extract_text(SIMPLE, filing_date="1 May 2024")


def test_duckdb_views_over_hive_partitions(demo_out: Path) -> None:
    con = api.duckdb_connection(demo_out)
    iss = api.read_issuances(demo_out)
    assert con.execute("select count(*) from issuances").fetchone()[0] == len(iss)
    assert con.execute("select count(*) from filings").fetchone()[0] == len(api.read_filings(demo_out))
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_name = 'issuances'").fetchall())
    assert types["filing_year"] == "INTEGER" and types["aggregate_consideration"] == "DECIMAL(24,4)"
    by_year = con.execute("select filing_year, count(*) from issuances where filing_year = 2024 group by 1").fetchall()
    assert by_year == [(2024, int((iss["filing_year"] == 2024).sum()))]
    exact = con.execute("select sum(price_per_share) from issuances").fetchone()[0]
    assert exact == sum(v for v in iss["price_per_share"] if v is not pd.NA)


def test_duckdb_and_pandas_keep_a_column_older_files_lack(tmp_path: Path) -> None:
    out = tmp_path / "drift"
    build_demo_output(out)
    for old in (out / "issuances" / f"{PARTITION_COLUMN}=1997").glob("*.parquet"):
        pq.write_table(pq.read_table(old).drop_columns(["quality_flags"]), old)  # a file from before the column
    con = api.duckdb_connection(out)
    rows = dict(con.execute("select filing_year, count(quality_flags) from issuances group by 1").fetchall())
    assert rows[1997] == 0 and rows[2024] > 0
    iss = api.read_issuances(out)
    assert "quality_flags" in iss.columns and iss.loc[iss["filing_year"] == 1997, "quality_flags"].isna().all()


def test_empty_output_gives_empty_views(tmp_path: Path) -> None:
    con = api.duckdb_connection(tmp_path)
    assert con.execute("select count(*) from issuances").fetchone()[0] == 0
    assert "aggregate_consideration" in con.sql("select * from issuances").columns


def test_extract_text_returns_issuances_columns_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   demo_out: Path) -> None:
    monkeypatch.chdir(tmp_path)
    df = api.extract_text(SIMPLE, filing_date="2024-05-03", company_name="Acme Widgets, Inc.")
    assert list(os.listdir(tmp_path)) == []
    assert dict(df.dtypes) == dict(api.read_issuances(demo_out).dtypes)
    row = df.iloc[0]
    assert (row["shares"], row["price_per_share"], row["registration"]) == (1_000_000, Decimal("2.00000000"), "exempt")
    assert row["aggregate_consideration"] == Decimal("2000000.0000")
    assert row["filing_date"] == dt.date(2024, 5, 3) and row["filing_year"] == 2024
    assert SIMPLE[row["evidence_start"]:row["evidence_end"]].startswith("On May 1, 2024")


def test_extract_text_without_a_date_leaves_it_null() -> None:
    df = api.extract_text(SIMPLE, company_name="Acme Widgets, Inc.")
    assert len(df) == 1 and df["filing_date"].isna().all() and df["filing_year"].isna().all()


def test_extract_file_on_the_seed_filing() -> None:
    filing, iss = api.extract_file(NEO)
    f = filing.iloc[0]
    assert (f["accession_number"], f["cik"], f["filing_date"], f["status"]) == (
        "0000950150-01-500213", 918285, dt.date(2001, 3, 13), "ok")
    assert list(iss["security_type"]) == ["common_stock", "warrant"]
    assert iss["aggregate_consideration"].iloc[0] == Decimal("5000000")
    assert iss["purchasers"].iloc[0] == ["IAT ReInsurance Syndicate Ltd."]


def test_extract_file_that_is_not_a_filing(tmp_path: Path) -> None:
    junk = tmp_path / "empty.txt"
    junk.write_bytes(b"   \n")
    filing, iss = api.extract_file(junk)
    assert filing["status"].iloc[0] == "parse_error" and "empty" in filing["error"].iloc[0] and iss.empty
    with pytest.raises(FileNotFoundError):
        api.extract_file(tmp_path / "missing.txt")


def test_package_exports_lazily() -> None:
    assert edgar8k.read_issuances is api.read_issuances and edgar8k.extract_file is api.extract_file
    code = "import sys, edgar8k; assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_extract_text_reads_html_like_text() -> None:
    html = f"<html><body><p><b>Item 3.02 Unregistered Sales of Equity Securities.</b></p><p>{SIMPLE}</p></body></html>"
    plain = api.extract_text(SIMPLE, filing_date="2024-05-03", company_name="Acme Widgets, Inc.")
    marked = api.extract_text(html, filing_date="2024-05-03", company_name="Acme Widgets, Inc.")
    cols = ["security_type", "shares", "price_per_share", "aggregate_consideration", "registration"]
    assert marked[cols].equals(plain[cols])
