"""The founding filing end to end: EDGAR-compatible server -> Prefect flow -> Parquet -> three readers."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from edgar8k.load.parquet import read_table
from tests.conftest import TEST_UA

SEED_ACC = "0000950150-01-500213"
SEED_DAY = dt.date(2001, 3, 13)


def digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture
def seed_run(prefect_api, demo_server, tmp_path):
    from edgar8k.flows.backfill import backfill_flow

    overrides = {"source": demo_server.url, "user_agent": TEST_UA, "out": str(tmp_path / "out"),
                 "raw": str(tmp_path / "raw"), "rate": 50.0}
    summary = backfill_flow(SEED_DAY, SEED_DAY, overrides)
    return summary, overrides, tmp_path / "out"


def test_seed_terms_land_in_parquet_with_evidence(seed_run):
    summary, _, out = seed_run
    assert summary["counts"]["ok"] == summary["counts"]["filings"] >= 1
    iss = read_table("issuances", str(out))
    seed = iss[iss["accession_number"] == SEED_ACC].sort_values("security_index")
    assert list(seed["security_type"]) == ["common_stock", "warrant"]
    common, warrant = seed.iloc[0], seed.iloc[1]
    assert common["shares"] == 1_250_000
    assert warrant["shares"] == 125_000
    assert warrant["exercise_price"] == Decimal("5.00")
    assert warrant["expiration_date"] == dt.date(2006, 3, 8)
    for row in (common, warrant):
        assert row["aggregate_consideration"] == Decimal("5000000")
        assert list(row["purchasers"]) == ["IAT ReInsurance Syndicate Ltd."]
        assert row["agreement_date"] == dt.date(2001, 3, 8)
        assert row["closing_date"] == dt.date(2001, 3, 9)
        assert row["registration"] == "registered"
        assert row["filing_date"] == SEED_DAY and row["event_date"] == dt.date(2001, 3, 9)
        assert row["cik"] == 918285 and row["filing_year"] == 2001
        assert row["source_item"] == "5"
        assert pd.isna(row["price_per_share"]), "the 107% of a 30-day average is not a price"
    assert "issued 1,250,000" in " ".join(common["evidence"].split())
    assert "$5.00" in warrant["evidence"] or "March 8, 2006" in warrant["evidence"]


def test_evidence_offsets_point_into_the_text_show_prints(seed_run, demo_mirror):
    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.sgml import parse_submission

    _, _, out = seed_run
    raw = next(demo_mirror.rglob(f"{SEED_ACC}.txt")).read_bytes()
    text = build_filing_text(parse_submission(raw)).text
    iss = read_table("issuances", str(out))
    for _, row in iss[iss["accession_number"] == SEED_ACC].iterrows():
        assert text[row["evidence_start"]:row["evidence_end"]] == row["evidence"]
        for ev in row["field_evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["value"]


def test_every_reader_sees_the_same_rows(seed_run):
    _, _, out = seed_run
    con = duckdb.connect()
    n_duck = con.execute(f"select count(*) from read_parquet('{out}/issuances/*/*.parquet', "
                         f"hive_partitioning=true) where accession_number = '{SEED_ACC}'").fetchone()[0]
    table = ds.dataset(out / "issuances", format="parquet", partitioning="hive").to_table()
    n_arrow = sum(1 for a in table.column("accession_number").to_pylist() if a == SEED_ACC)
    import pandas as pd

    n_pandas = int((pd.read_parquet(out / "issuances")["accession_number"] == SEED_ACC).sum())
    assert n_duck == n_arrow == n_pandas == 2
    filings = read_table("filings", str(out))
    row = filings.set_index("accession_number").loc[SEED_ACC]
    assert row["status"] == "ok" and row["has_issuance"] and row["n_issuances"] == 2
    assert list(row["items"]) == ["5", "7"]
    assert len(row["raw_sha256"]) == 64 and row["fetched_at"] is not None


def test_rerun_gives_identical_bytes_and_fetches_nothing_twice(seed_run, demo_server):
    from edgar8k.flows.backfill import backfill_flow

    summary, overrides, out = seed_run
    before = digest(out)
    fetched = [r.path for r in demo_server.requests_log() if r.path.endswith(f"{SEED_ACC}.txt")]
    assert len(fetched) == 1
    backfill_flow(SEED_DAY, SEED_DAY, overrides)
    assert digest(out) == before
    fetched = [r.path for r in demo_server.requests_log() if r.path.endswith(f"{SEED_ACC}.txt")]
    assert len(fetched) == 1, "a stored submission was fetched again"
    assert list((out / "_runs").glob("*-backfill-*.json")), "no run record beside the data"
