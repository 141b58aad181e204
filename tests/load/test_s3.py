"""Output and raw store on S3 for real: moto's S3 server on loopback, a backfill and a reprocess writing
s3:// URIs, read back by pandas, pyarrow and DuckDB; no directory-marker objects left for readers to trip on."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest

from edgar8k.load.parquet import read_table
from tests.conftest import TEST_UA, MotoS3

BUCKET = "edgar8k-test"
DAYS = [dt.date(2001, 3, 13), dt.date(2024, 3, 19)]
SEED_ACC = "0000950150-01-500213"


@pytest.fixture(scope="module")
def s3(moto_s3: MotoS3) -> Iterator[MotoS3]:
    moto_s3.bucket(BUCKET)
    yield moto_s3


def _uri(s3: MotoS3, prefix: str) -> str:
    return s3.uri(BUCKET, prefix)


def _objects(s3: MotoS3, prefix: str) -> dict[str, bytes]:
    return s3.objects(BUCKET, prefix)


@pytest.fixture(scope="module")
def backfilled(s3, prefect_api) -> str:
    from edgar8k.flows.backfill import backfill_flow
    from edgar8k.testing.edgar_server import EdgarServer
    from tests.conftest import DEMO

    with EdgarServer(DEMO) as server:
        summary = backfill_flow(DAYS[0], DAYS[-1], {"source": server.url, "user_agent": TEST_UA, "rate": 200.0,
                                                    "out": _uri(s3, "out"), "raw": _uri(s3, "raw")}, days=DAYS)
    assert summary["counts"]["ok"] == summary["counts"]["filings"] == 2
    return _uri(s3, "out")


def test_backfill_to_s3_reads_back_with_every_reader(s3, backfilled):
    import duckdb
    import pandas as pd
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    objects = _objects(s3, "out/")
    assert "out/issuances/filing_year=2001/part-03.parquet" in objects
    markers = [k for k in objects if k.endswith("/") and k.startswith(("out/filings", "out/issuances"))]
    assert not markers, "directory markers inside a table break pandas.read_parquet"
    ours = read_table("issuances", backfilled)
    assert sorted(ours.loc[ours["accession_number"] == SEED_ACC, "shares"].tolist()) == [125_000, 1_250_000]

    host_port = s3.endpoint.removeprefix("http://")
    fs = pafs.S3FileSystem(endpoint_override=host_port, scheme="http", access_key="testing",
                           secret_key="testing", region="us-east-1")
    by_pandas = pd.read_parquet(f"{BUCKET}/out/issuances", filesystem=fs)
    arrow_issuances = ds.dataset(f"{BUCKET}/out/issuances", filesystem=fs, format="parquet",
                                 partitioning="hive").to_table()
    con = duckdb.connect()
    con.register("issuances", arrow_issuances)
    n_duck = con.execute("select count(*) from issuances where accession_number = ?", [SEED_ACC]).fetchone()[0]
    assert arrow_issuances.num_rows == len(by_pandas) == len(ours) and n_duck == 2


def test_reprocess_from_s3_raw_to_s3_out_gives_the_same_bytes(s3, backfilled):
    from edgar8k.flows.reprocess import reprocess_flow

    summary = reprocess_flow(overrides={"out": _uri(s3, "out2"), "raw": _uri(s3, "raw")}, workers=2)
    assert summary["counts"]["filings"] == 2 and summary["engine"] == "pool"

    def parquet(prefix: str) -> dict[str, str]:
        return {k.split("/", 1)[1]: hashlib.sha256(v).hexdigest()
                for k, v in _objects(s3, prefix).items() if k.endswith(".parquet")}

    assert parquet("out2/") == parquet("out/") and parquet("out/")
    assert [k for k in _objects(s3, "out2/_runs/")], "run record beside the data"


def test_a_second_run_on_the_same_s3_output_is_refused(s3):
    from edgar8k.load.parquet import OutputLocked, output_lock

    out = _uri(s3, "locked")
    with output_lock(out):
        assert "locked/_edgar8k.lock" in _objects(s3, "locked/")
        with pytest.raises(OutputLocked, match="being written by another edgar8k run"):
            with output_lock(out):
                pass
    assert "locked/_edgar8k.lock" not in _objects(s3, "locked/"), "the lock is removed when the run ends"
    with output_lock(out):  # and the output is free again
        pass
