import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from edgar8k.load.parquet import OutputLocked, SchemaError, output_lock, read_table, to_table, write_filings
from edgar8k.load.schema import FILINGS_COLUMNS, ISSUANCES_COLUMNS, arrow_schema, data_dictionary_markdown


def filing(acc: str, day: dt.date, **kw) -> dict:
    row = {"accession_number": acc, "cik": 1, "company_name": "X", "form_type": "8-K", "filing_date": day,
           "has_issuance": True, "status": "ok", "filing_year": day.year}
    row.update(kw)
    return row


def issuance(acc: str, day: dt.date, t: int = 0, s: int = 0, **kw) -> dict:
    row = {"accession_number": acc, "cik": 1, "filing_date": day, "transaction_index": t, "security_index": s,
           "security_type": "common_stock", "shares": 100, "price_per_share": Decimal("0.0001"),
           "purchasers": ["A"], "filing_year": day.year}
    row.update(kw)
    return row


def write(out: Path, filings: list[dict], issuances: list[dict]) -> None:
    write_filings(filings, issuances, str(out))


def digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.parquet"))}


D1, D2 = dt.date(2001, 3, 13), dt.date(2002, 1, 2)


def test_upsert_replaces_exactly_the_filings_written(tmp_path):
    write(tmp_path, [filing("a", D1), filing("b", D1), filing("c", D2)],
          [issuance("a", D1), issuance("a", D1, s=1), issuance("b", D1), issuance("c", D2)])
    # "a" is reprocessed and now has no issuance: its old rows must go; "b" and "c" stay.
    write(tmp_path, [filing("a", D1, has_issuance=False)], [])
    iss = read_table("issuances", str(tmp_path))
    assert sorted(iss["accession_number"]) == ["b", "c"]
    fil = read_table("filings", str(tmp_path))
    assert list(fil["accession_number"]) == ["a", "b", "c"]
    assert not fil.set_index("accession_number").loc["a", "has_issuance"]


def test_rewrite_gives_identical_bytes_whatever_the_order(tmp_path):
    rows_f = [filing("a", D1), filing("b", D1), filing("c", D2)]
    rows_i = [issuance("a", D1), issuance("b", D1, s=1), issuance("b", D1), issuance("c", D2)]
    write(tmp_path / "one", rows_f, rows_i)
    write(tmp_path / "two", rows_f[::-1], rows_i[::-1])
    write(tmp_path / "two", rows_f[:1], rows_i[:1])  # a rerun of part of the range
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert set(digest(tmp_path / "one")) == {
        "filings/filing_year=2001/part-03.parquet", "filings/filing_year=2002/part-01.parquet",
        "issuances/filing_year=2001/part-03.parquet", "issuances/filing_year=2002/part-01.parquet"}


def test_decimals_dates_and_lists_survive_every_reader(tmp_path):
    write(tmp_path, [filing("a", D1)], [issuance("a", D1, price_per_share=Decimal("0.0001"),
                                                 expiration_date=dt.date(2006, 3, 8))])
    df = read_table("issuances", str(tmp_path))
    assert df.loc[0, "price_per_share"] == Decimal("0.0001")
    assert str(df["filing_year"].dtype).startswith("int32")
    con = duckdb.connect()
    got = con.execute(
        f"select price_per_share, expiration_date, purchasers, filing_year from read_parquet("
        f"'{tmp_path}/issuances/*/*.parquet', hive_partitioning=true)").fetchall()
    assert got == [(Decimal("0.0001"), dt.date(2006, 3, 8), ["A"], 2001)]
    file_schema = pq.read_schema(tmp_path / "issuances/filing_year=2001/part-03.parquet")
    assert file_schema.field("price_per_share").type == pa.decimal128(24, 8)
    assert file_schema.metadata[b"edgar8k.schema_version"] == b"1"


def test_bad_rows_are_refused_with_the_column_named():
    with pytest.raises(SchemaError, match="issuances.security_type"):
        to_table("issuances", [issuance("a", D1, security_type="stock")])
    with pytest.raises(SchemaError, match="not in the declared schema.*'colour'"):
        to_table("filings", [filing("a", D1, colour="red")])
    with pytest.raises(SchemaError, match="shares"):
        to_table("issuances", [issuance("a", D1, shares="many")])


def test_an_arrow_table_is_checked_like_rows(tmp_path):
    good = to_table("issuances", [issuance("a", D1)])
    assert to_table("issuances", good) is good
    bad_enum = to_table("issuances", [issuance("a", D1)]).set_column(
        arrow_schema("issuances").get_field_index("security_type"),
        arrow_schema("issuances").field("security_type"), pa.array(["stock"]))
    with pytest.raises(SchemaError, match="issuances.security_type: values \\['stock'\\]"):
        to_table("issuances", bad_enum)
    no_status = to_table("filings", [filing("a", D1)]).set_column(
        arrow_schema("filings").get_field_index("status"), arrow_schema("filings").field("status"),
        pa.array([None], pa.string()))
    with pytest.raises(SchemaError, match="filings.status: 1 null value"):
        to_table("filings", no_status)
    # a table of another schema (here: no metadata, columns reordered, an all-null column of type null)
    # goes through the rows
    plain = pa.Table.from_pylist([{"filing_year": 2001, **filing("a", D1, company_name=None)}])
    assert to_table("filings", plain).equals(to_table("filings", [filing("a", D1, company_name=None)]))
    write_filings(to_table("filings", [filing("a", D1)]), good, str(tmp_path / "arrow"))
    write(tmp_path / "rows", [filing("a", D1)], [issuance("a", D1)])
    assert digest(tmp_path / "arrow") == digest(tmp_path / "rows")


def test_second_writer_is_refused_and_a_dead_lock_is_taken_over(tmp_path):
    with output_lock(str(tmp_path)):
        with pytest.raises(OutputLocked, match="another edgar8k run"):
            with output_lock(str(tmp_path)):
                pass
    (tmp_path / "_edgar8k.lock").write_text('{"pid": 999999999, "host": "%s"}' % __import__("socket").gethostname())
    with output_lock(str(tmp_path)):
        pass
    assert not (tmp_path / "_edgar8k.lock").exists()


def test_data_dictionary_documents_every_declared_column():
    md = data_dictionary_markdown()
    for col in FILINGS_COLUMNS + ISSUANCES_COLUMNS:
        assert f"`{col.name}`" in md
    assert set(arrow_schema("issuances").names) == {c.name for c in ISSUANCES_COLUMNS}


def test_each_month_is_its_own_file_and_an_upsert_touches_only_its_months(tmp_path):
    jan, mar = dt.date(2001, 1, 5), dt.date(2001, 3, 13)
    write(tmp_path, [filing("a", jan), filing("b", mar)], [issuance("a", jan), issuance("b", mar)])
    before = digest(tmp_path)
    assert set(before) == {f"{t}/filing_year=2001/part-{m}.parquet" for t in ("filings", "issuances") for m in ("01", "03")}
    write(tmp_path, [filing("c", mar)], [issuance("c", mar)])
    after = digest(tmp_path)
    assert {k for k in after if after[k] != before[k]} == {"filings/filing_year=2001/part-03.parquet",
                                                            "issuances/filing_year=2001/part-03.parquet"}
    # a month whose only issuance disappears loses its file rather than keeping an empty one
    write(tmp_path, [filing("a", jan, has_issuance=False)], [])
    assert not (tmp_path / "issuances/filing_year=2001/part-01.parquet").exists()
    assert sorted(read_table("issuances", str(tmp_path))["accession_number"]) == ["b", "c"]


def test_a_year_in_the_one_file_layout_is_split_into_months_on_first_write(tmp_path):
    rows_f = [filing("a", dt.date(2001, 1, 5)), filing("b", D1)]
    rows_i = [issuance("a", dt.date(2001, 1, 5)), issuance("b", D1)]
    write(tmp_path / "new", rows_f + [filing("c", D1)], rows_i + [issuance("c", D1)])
    legacy = tmp_path / "old"
    for table, rows in (("filings", rows_f), ("issuances", rows_i)):
        folder = legacy / table / "filing_year=2001"
        folder.mkdir(parents=True)
        t = to_table(table, rows)
        pq.write_table(t.drop_columns(["filing_year"]), folder / "part-0.parquet")
    write(legacy, [filing("c", D1)], [issuance("c", D1)])
    assert digest(legacy) == digest(tmp_path / "new")


def test_a_filing_that_comes_back_under_another_date_leaves_no_row_behind(tmp_path):
    # a fetch error is dated by the index (Friday 29 January), its retry by the header (Monday 1 February)
    write(tmp_path, [filing("a", dt.date(2021, 1, 29), status="fetch_error"), filing("b", dt.date(2021, 6, 1))], [])
    write(tmp_path, [filing("a", dt.date(2021, 2, 1))], [issuance("a", dt.date(2021, 2, 1))])
    fil = read_table("filings", str(tmp_path))
    assert list(fil["accession_number"]) == ["a", "b"] and str(fil.loc[0, "filing_date"]) == "2021-02-01"
    assert not (tmp_path / "filings/filing_year=2021/part-01.parquet").exists()
    # across a year boundary too: the neighbouring month is searched
    write(tmp_path, [filing("c", dt.date(2021, 12, 31))], [issuance("c", dt.date(2021, 12, 31))])
    write(tmp_path, [filing("c", dt.date(2022, 1, 3))], [issuance("c", dt.date(2022, 1, 3))])
    assert sorted(read_table("issuances", str(tmp_path))["accession_number"]) == ["a", "c"]
    assert read_table("filings", str(tmp_path))["accession_number"].tolist() == ["a", "b", "c"]


def test_a_row_whose_partition_year_is_not_its_filing_year_is_refused(tmp_path):
    with pytest.raises(SchemaError, match="filing_year must be the year of filing_date"):
        write(tmp_path, [filing("a", D1, filing_year=2002)], [])


def test_issuances_are_written_before_the_filings_rows_that_mark_a_filing_done(tmp_path):
    (tmp_path / "filings").write_text("")  # a file where the filings folder goes: only that table fails
    with pytest.raises(OSError):
        write(tmp_path, [filing("a", D1)], [issuance("a", D1)])
    assert list(read_table("issuances", str(tmp_path))["accession_number"]) == ["a"]


def test_an_output_on_a_scheme_only_fsspec_knows_works_like_a_folder(tmp_path):
    pytest.importorskip("fsspec")
    out = f"memory://edgar8k-tests/out-{tmp_path.name}"
    with output_lock(out):
        write_filings([filing("a", D1), filing("b", D2)], [issuance("a", D1)], out)
        write_filings([filing("a", D1)], [issuance("a", D1, s=1)], out)
    assert list(read_table("filings", out)["accession_number"]) == ["a", "b"]
    assert read_table("issuances", out)["security_index"].tolist() == [1]


def test_read_arrow_keeps_only_the_accessions_asked_for_in_key_order(tmp_path):
    from edgar8k.load.parquet import read_arrow

    write(tmp_path, [filing("c", D1), filing("a", D1), filing("b", D2)], [])
    got = read_arrow("filings", str(tmp_path), accessions=["c", "b", "zz"], columns=["accession_number", "filing_date"])
    assert got["accession_number"].to_pylist() == ["c", "b"]  # sorted by filing date, then accession
    by_array = read_arrow("filings", str(tmp_path), years=[2001], accessions=pa.array(["a", "b", "c"]),
                          columns=["accession_number"])
    assert by_array["accession_number"].to_pylist() == ["a", "c"]
    assert read_arrow("filings", str(tmp_path / "none"), accessions=["a"]).num_rows == 0
