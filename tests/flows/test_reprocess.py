"""Reprocess: the raw store in, the same Parquet out as the backfill that filled it, with no request to
EDGAR, on every engine (in-process, process pool, Dask LocalCluster)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from edgar8k.cli import demo_days, main
from edgar8k.extract.raw_store import RawStore
from edgar8k.load.parquet import read_table
from edgar8k.testing.edgar_server import EdgarServer
from tests.conftest import DEMO, TEST_UA


def digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture(scope="module")
def backfilled(prefect_api, tmp_path_factory) -> tuple[Path, Path, EdgarServer]:
    """The demo mirror backfilled once; the server stays up so tests can prove nothing asks it again."""
    from edgar8k.flows.backfill import backfill_flow

    base = tmp_path_factory.mktemp("reprocess")
    days = demo_days(DEMO)
    with EdgarServer(DEMO) as server:
        backfill_flow(days[0], days[-1], {"source": server.url, "user_agent": TEST_UA, "out": str(base / "out"),
                                          "raw": str(base / "raw"), "rate": 200.0}, days=days)
        yield base / "out", base / "raw", server


def _reprocess(out: Path, raw: Path, **kw):
    from edgar8k.flows.reprocess import reprocess_flow

    return reprocess_flow(overrides={"out": str(out), "raw": str(raw)}, **kw)


def _age_output(out: Path) -> None:
    """Make the output look written by an older extractor: issuances gone, versions stale."""
    shutil.rmtree(out / "issuances")
    for part in (out / "filings").rglob("part-*.parquet"):
        t = pq.read_table(part)
        i = t.schema.get_field_index("extractor_version")
        t = t.set_column(i, t.schema.field(i), pa.array(["0-old"] * t.num_rows, pa.string()))
        pq.write_table(t, part)


def test_reprocess_rebuilds_the_backfill_bytes_without_asking_edgar(backfilled, tmp_path):
    out, raw, server = backfilled
    target = tmp_path / "out"
    shutil.copytree(out, target)
    _age_output(target)
    before = len(server.requests_log())
    summary = _reprocess(target, raw, workers=0)
    assert len(server.requests_log()) == before, "reprocess sent a request to EDGAR"
    assert summary["counts"]["filings"] == len(RawStore(raw).list()) == 9
    assert digest(target) == digest(out)
    assert list((target / "_runs").glob("*-reprocess-*.json"))


def test_process_pool_into_a_fresh_output_with_a_range(backfilled, tmp_path):
    out, raw, _ = backfilled
    import datetime as dt

    summary = _reprocess(tmp_path / "out", raw, workers=2, start=dt.date(2015, 1, 1), end=dt.date(2019, 12, 31))
    assert summary["engine"] == "pool" and summary["workers"] == 2
    got = read_table("filings", str(tmp_path / "out"))
    assert sorted(got["filing_year"].unique().tolist()) == [2015, 2019]
    want = read_table("filings", str(out), years=[2015, 2019])
    assert got.equals(want), "meta rebuilt from the SGML header differs from the index's"
    assert {k: v for k, v in digest(out).items() if "=2015" in k or "=2019" in k} == digest(tmp_path / "out")


# Dask waits are bounded inside DaskRunner (start-up, each chunk, shutdown); the timeout is a last resort
# that turns a hang into a failure with a traceback. Both tests take ~5-40 s, also with both cores busy.
DASK_TEST_TIMEOUT = pytest.mark.timeout(600, method="thread")


@DASK_TEST_TIMEOUT
def test_dask_local_cluster_gives_the_same_bytes(backfilled, tmp_path):
    out, raw, _ = backfilled
    summary = _reprocess(tmp_path / "out", raw, workers=2, dask=True)
    assert summary["engine"] == "dask" and summary["workers"] == 2
    assert digest(tmp_path / "out") == digest(out)


@DASK_TEST_TIMEOUT
def test_an_existing_dask_cluster_by_address(backfilled, tmp_path):
    from distributed import LocalCluster

    out, raw, _ = backfilled
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        summary = _reprocess(tmp_path / "out", raw, scheduler=cluster.scheduler_address)
        assert len(cluster.workers) == 1, "the cluster outlives the run"
    assert summary["engine"] == "dask" and summary["workers"] == 1
    assert digest(tmp_path / "out") == digest(out)


@DASK_TEST_TIMEOUT
def test_a_scheduler_that_is_not_there_fails_fast_and_says_so():
    import socket
    import time

    from edgar8k.flows.reprocess import DaskRunner, DaskTimeout

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(DaskTimeout, match=f"could not connect to the Dask scheduler at tcp://127.0.0.1:{port}"):
        DaskRunner(1, f"tcp://127.0.0.1:{port}", start_timeout=3)
    assert time.monotonic() - t0 < 60


@DASK_TEST_TIMEOUT
def test_a_scheduler_without_workers_fails_fast_and_says_so():
    from distributed import LocalCluster

    from edgar8k.flows.reprocess import DaskRunner, DaskTimeout

    with LocalCluster(n_workers=0, processes=True, dashboard_address=None, host="127.0.0.1") as cluster:
        with pytest.raises(DaskTimeout, match="has no workers; start some with `dask worker"):
            DaskRunner(1, cluster.scheduler_address, start_timeout=3)


@DASK_TEST_TIMEOUT
def test_a_chunk_that_never_finishes_is_a_timeout_not_a_hang():
    import time

    from edgar8k.flows.reprocess import DaskRunner, DaskTimeout

    runner = DaskRunner(1, chunk_timeout=3)
    try:
        future = runner.submit(time.sleep, 300)
        t0 = time.monotonic()
        with pytest.raises(DaskTimeout, match=r"no result for the sleeper within 3s .*LocalCluster"):
            runner.result(future, "the sleeper")
        assert time.monotonic() - t0 < 60
    finally:
        t0 = time.monotonic()
        runner.close()
        closed = time.monotonic() - t0
    assert runner.cluster is None and closed < 2 * 30 + 10, f"close took {closed:.0f}s"


def test_a_pool_worker_imports_neither_pandas_nor_prefect(backfilled):
    """Spawned workers import only the transform and the raw store: pandas, pyarrow and Prefect cost
    ~60, ~44 and ~100 MB in each of them (the parent writes Parquet, not the workers)."""
    from edgar8k.flows.reprocess import PoolRunner
    from edgar8k.flows.reprocess_worker import reprocess_chunk

    _, raw, _ = backfilled
    runner = PoolRunner(1)
    try:
        done = runner.submit(reprocess_chunk, str(raw), RawStore(raw).list(), {}, None, None).result(timeout=300)
        # the same worker process, asked by a builtin (pickled by reference) what it has imported
        loaded = runner.submit(eval, "sorted({m.split('.')[0] for m in __import__('sys').modules})").result(timeout=60)
    finally:
        runner.close()
    assert done.counts["filings"] == 9
    assert "edgar8k" in loaded and not {"pandas", "pyarrow", "prefect", "polars", "duckdb", "distributed"} & set(loaded)


def test_pool_workers_are_replaced_between_batches_once_they_have_run_enough_chunks():
    from edgar8k.flows.reprocess import PoolRunner

    runner = PoolRunner(1, renew_after=2)
    try:
        first = runner.submit(os.getpid).result(timeout=120)
        runner.renew_if_due()  # one chunk run: not yet
        second = runner.submit(os.getpid).result(timeout=120)
        runner.renew_if_due()
        third = runner.submit(os.getpid).result(timeout=120)
    finally:
        runner.close()
    assert first == second and third != second and not _alive(second)


def test_a_pool_worker_exits_when_its_parent_is_killed():
    """A reprocess killed with SIGKILL (or by the OOM killer) must not leave its workers waiting forever."""
    import subprocess
    import sys
    import time

    script = ("import os, signal; from edgar8k.flows.reprocess import PoolRunner\n"
              "if __name__ == '__main__':\n"
              "    r = PoolRunner(1); print(r.submit(os.getpid).result(timeout=120), flush=True)\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    # not subprocess.run: a surviving worker would hold the output pipe open until its time-out
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    assert proc.wait(120) == -9
    proc.stdout.close()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(worker):
        os.kill(worker, 9)
        raise AssertionError(f"worker {worker} outlived its killed parent")


def _alive(pid: int) -> bool:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_stored_filing_without_a_date_is_counted_not_dropped(tmp_path):
    raw = tmp_path / "raw"
    RawStore(raw).put("0000000001-21-000001", b"<html><body>Item 8.01 Other Events. Nothing.</body></html>",
                      "http://127.0.0.1/x")
    from edgar8k.flows.reprocess_worker import reprocess_chunk

    result = reprocess_chunk(str(raw), ["0000000001-21-000001"], {}, None, None)
    assert result.counts["skipped"] == 1 and not result.filings
    assert result.failures[0]["error"] == "no filing date in header or output"


def test_rows_failing_data_checks_are_kept_counted_and_logged(caplog):
    import datetime as dt

    from edgar8k.flows.steps import BatchResult

    result = BatchResult()
    rows = [{"transaction_index": 0, "security_index": 0, "quality_flags": ["expiration_not_after_issue"]},
            {"transaction_index": 0, "security_index": 1, "quality_flags": []}]
    result.add(dt.date(2021, 1, 4), {"accession_number": "0000000001-21-000001", "status": "ok",
                                     "has_issuance": True}, rows)
    assert result.counts["flagged_rows"] == 1 and result.issuances == rows
    assert "expiration_not_after_issue" in caplog.text


def test_cli_names_a_missing_raw_store_in_one_line(tmp_path, capsys):
    code = main(["reprocess", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "nope" in err and "does not exist" in err


def test_cli_refuses_an_end_before_the_start(tmp_path, capsys):
    code = main(["reprocess", "--start", "2020-02-01", "--end", "2020-01-01", "--raw", str(tmp_path)])
    assert code == 2 and "before --start" in capsys.readouterr().err


def test_run_summary_is_a_prefect_artifact(backfilled, tmp_path):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    out, raw, _ = backfilled
    _reprocess(tmp_path / "out", raw, workers=0)

    async def latest() -> list:
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["reprocess-days"])),
                sort=ArtifactSort.CREATED_DESC, limit=1)

    artifacts = asyncio.run(latest())
    assert artifacts and artifacts[0].type == "table"
    assert "9 filings" in artifacts[0].description and "2001-03-13" in str(artifacts[0].data)


# ---- progress display (shared by backfill, nightly and reprocess) ----------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_prints_plain_lines_when_not_a_terminal():
    from edgar8k.flows.progress import Progress

    stream = io.StringIO()
    p = Progress("backfill", total_days=4, total_filings=0, stream=stream, interval=0)
    p.add_total(20)
    p.advance(days=1, filings=5)
    p.close()
    lines = stream.getvalue().splitlines()
    assert any("1/4 days, 5/20 filings" in l and "filings/s" in l and "ETA" in l for l in lines)
    assert lines[-1].endswith("(done)") and "\x1b" not in stream.getvalue()


def test_progress_draws_a_bar_on_a_terminal():
    from edgar8k.flows.progress import Progress

    stream = _Tty()
    p = Progress("reprocess", total_filings=10, stream=stream, interval=0)
    p.advance(filings=10)
    p.close()
    assert "━" in stream.getvalue() and "10/10 filings" in stream.getvalue()


def test_progress_off(monkeypatch):
    from edgar8k.flows.progress import Progress

    monkeypatch.setenv("EDGAR8K_PROGRESS", "off")
    stream = _Tty()
    p = Progress("backfill", total_days=1, stream=stream, interval=0)
    p.advance(days=1)
    p.close()
    assert stream.getvalue() == ""


def test_a_reprocess_holds_one_accession_year_at_a_time_and_reads_facts_per_batch(tmp_path, monkeypatch):
    import datetime as dt

    import pyarrow as pa

    from edgar8k.flows.reprocess import count_stored, plan, slices
    from edgar8k.load.parquet import to_table, write_partitions

    raw, out = RawStore(tmp_path / "raw"), str(tmp_path / "out")
    accs = ["0000000001-00-000001", "0000000002-00-000002", "0000000001-01-000003", "0000000003-01-000004"]
    for a in accs:
        raw.put(a, b"x", "http://127.0.0.1/x")
    days = {accs[0]: dt.date(2000, 12, 29), accs[1]: dt.date(2000, 3, 1), accs[2]: dt.date(2001, 1, 2)}
    rows = [{"accession_number": a, "cik": 1, "form_type": "8-K", "filing_date": d, "has_issuance": False,
             "status": "ok", "filing_year": d.year} for a, d in days.items()]
    write_partitions("filings", to_table("filings", rows), out, days)
    assert [a.to_pylist() for a in slices(str(tmp_path / "raw"), None, None)] == [accs[:2], accs[2:]]
    assert [a.to_pylist() for a in slices(str(tmp_path / "raw"), dt.date(2002, 6, 1), None)] == [accs[2:]]
    assert count_stored(str(tmp_path / "raw"), None, None) == 4
    assert count_stored(str(tmp_path / "raw"), dt.date(2002, 6, 1), None) == 2  # 2000 cannot hold them
    monkeypatch.setattr("edgar8k.flows.reprocess.PACK", 1)  # packed one name at a time: same arrays
    assert [a.to_pylist() for a in slices(str(tmp_path / "raw"), None, None)] == [accs[:2], accs[2:]]
    # while a year is processed, the listing holds nothing of it: the yielded array is the only copy
    years = slices(str(tmp_path / "raw"), None, None)
    assert next(years).to_pylist() == accs[:2]
    held = years.gi_frame.f_locals.values()
    assert not [v for v in held if isinstance(v, (pa.Array, pa.ChunkedArray)) or isinstance(v, list) and v]
    first = plan(out, pa.array(accs[:2]), None, None)
    assert first.accessions.to_pylist() == [accs[1], accs[0]]  # by filing date
    [(batch, known)] = first.batches(5000)
    assert batch == [accs[1], accs[0]] and set(known) == {accs[0], accs[1]}
    assert known[accs[0]].filing_date == dt.date(2000, 12, 29)
    second = plan(out, pa.array(accs[2:]), None, None)
    assert second.accessions.to_pylist() == [accs[2], accs[3]]  # unknown ones last
    assert [(b, set(k)) for b, k in second.batches(1)] == [([accs[2]], {accs[2]}), ([accs[3]], set())]
