"""Whole-pipeline resilience against the test EDGAR (issues #3 and #6), running the real `edgar8k backfill` CLI.

- A backfill killed midway (SIGKILL; SIGTERM in the slow set) and rerun fetches only what the killed
  run had not stored, and ends with the uninterrupted run's rows; its Parquet bytes equal those of an
  uninterrupted backfill over the same raw store (the rows carry `fetched_at`, so two runs that fetch
  at different seconds cannot share bytes: the raw store is what makes the bytes comparable).
- Slow: 5% injected faults over a 200-filing mirror give exactly the fault-free output: nothing lost,
  nothing duplicated, and the client never trips the server's rate ceiling (achieved rate printed).
  Run with `pytest -m slow tests/test_resilience.py -s`.

Subprocesses get the session harness's PREFECT_API_URL, so none starts its own temporary server.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from edgar8k.extract.raw_store import RawStore
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import write_mirror
from tests.fixtures_edgar import TEST_UA

N_FILINGS = 200
N_KILL = 60  # the kill test's mirror: big enough to kill midway, small enough for the default suite
START, END = date(2021, 1, 1), date(2021, 2, 26)
VOLATILE = ["fetched_at", "source_url"]  # when and from which port: differ between runs by design
KEYS = {"filings": ["accession_number"], "issuances": ["accession_number", "transaction_index", "security_index"]}


def _write(root: Path, n: int) -> tuple[Path, set[str]]:
    filings = write_mirror(root, n, seed=2026)
    return root, {f.accession_number for f in filings if f.form_type.startswith("8-K")}


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    return _write(tmp_path_factory.mktemp("mirror200"), N_FILINGS)


@pytest.fixture(scope="module")
def small_mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    return _write(tmp_path_factory.mktemp("mirror60"), N_KILL)


def _env(prefect_api: str, url: str, rate: float, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGAR8K_") or k == "EDGAR8K_SHARED"}
    env.update({"PREFECT_API_URL": prefect_api, "EDGAR8K_SOURCE": url, "EDGAR8K_USER_AGENT": TEST_UA,
                "EDGAR8K_RATE": str(rate), "EDGAR8K_WORKERS": "4", "EDGAR8K_RETRIES": "6",
                "EDGAR8K_BACKOFF_BASE": "0.05", "EDGAR8K_BACKOFF_MAX": "0.5", "EDGAR8K_TIMEOUT": "1",
                "EDGAR8K_THROTTLE_COOLDOWN": "2", **extra})
    return env


def _cmd(out: Path, raw: Path) -> list[str]:
    return [sys.executable, "-c", "import sys; from edgar8k.cli import main; sys.exit(main())", "backfill",
            "--start", START.isoformat(), "--end", END.isoformat(), "--out", str(out), "--raw", str(raw)]


def _backfill(env: dict[str, str], out: Path, raw: Path) -> None:
    proc = subprocess.run(_cmd(out, raw), env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"backfill failed:\n{proc.stdout}\n{proc.stderr[-3000:]}"


def _table(out: Path, table: str) -> pd.DataFrame:
    from edgar8k.load.parquet import read_table

    df = read_table(table, str(out)).drop(columns=VOLATILE, errors="ignore")
    return df.sort_values(KEYS[table]).reset_index(drop=True)


def _assert_same_output(a: Path, b: Path) -> None:
    for table in KEYS:
        pd.testing.assert_frame_equal(_table(a, table), _table(b, table), check_like=True)


def _digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.parquet"))}


def _fetched(server: EdgarServer) -> list[str]:
    """Accessions whose submission the server delivered whole (a slow or truncated 200 is not delivered)."""
    return [Path(r.path).stem for r in server.requests_log()
            if "/data/" in r.path and r.status == 200 and r.fault not in ("slow", "truncate")]


def _clean(mirror: tuple[Path, set[str]], prefect_api: str, base: Path) -> Path:
    """The reference: a fault-free, uninterrupted backfill."""
    root, accs = mirror
    with EdgarServer(root) as server:
        _backfill(_env(prefect_api, server.url, 200), base / "out", base / "raw")
    filings = _table(base / "out", "filings")
    assert set(filings["accession_number"]) == accs and (filings["status"] == "ok").all()
    return base / "out"


@pytest.fixture(scope="module")
def clean_run(mirror, prefect_api, tmp_path_factory) -> Path:
    return _clean(mirror, prefect_api, tmp_path_factory.mktemp("clean"))


def _backfill_in_process(url: str, out: Path, raw: Path) -> dict:
    """The same flow without a new interpreter: cheaper where the CLI itself is not under test."""
    from edgar8k.flows.backfill import backfill_flow

    return backfill_flow(START, END, {"source": url, "user_agent": TEST_UA, "out": str(out), "raw": str(raw),
                                      "rate": 200.0})


@pytest.fixture(scope="module")
def small_clean_run(small_mirror, prefect_api, tmp_path_factory) -> Path:
    root, accs = small_mirror
    base = tmp_path_factory.mktemp("clean60")
    with EdgarServer(root) as server:
        _backfill_in_process(server.url, base / "out", base / "raw")
    assert set(_table(base / "out", "filings")["accession_number"]) == accs
    return base / "out"


@pytest.mark.slow
def test_five_percent_faults_change_nothing_and_never_trip_the_ceiling(mirror, prefect_api, clean_run, tmp_path):
    root, accs = mirror
    # EDGAR's proportions: the client at 9/10 of the ceiling (9/s against sec.gov's 10/s), doubled
    rate, ceiling = 18.0, 20
    with EdgarServer(root, fault_rate=0.05, seed=99, rate_limit=ceiling, lockout=1.5, slow_seconds=1.5) as server:
        _backfill(_env(prefect_api, server.url, rate), tmp_path / "out", tmp_path / "raw")
        log = server.requests_log()
        faults = [r.fault for r in log if r.fault]
        fetched = _fetched(server)
        print(f"\n[fault run] {len(log)} requests, {len(faults)} faults injected "
              f"({', '.join(f'{k}={faults.count(k)}' for k in sorted(set(faults)))}); configured {rate:g}/s, "
              f"achieved {server.achieved_rate():.2f}/s overall, max {server.max_in_window()} in any 1 s; "
              f"throttle trips {server.throttle_trips}")
        assert server.throttle_trips == 0 and server.max_in_window() <= ceiling
    assert len(faults) >= 0.03 * len(log), "the run should have met about 5% faults"
    assert sorted(fetched) == sorted(accs), "each filing fetched exactly once: nothing lost, nothing twice"
    filings = _table(tmp_path / "out", "filings")
    assert filings["accession_number"].is_unique and len(filings) == N_FILINGS
    _assert_same_output(clean_run, tmp_path / "out")


@pytest.mark.parametrize("sig", [pytest.param(signal.SIGTERM, marks=pytest.mark.slow), signal.SIGKILL],
                         ids=["SIGTERM", "SIGKILL"])
def test_killed_backfill_reruns_to_the_same_output_fetching_nothing_twice(small_mirror, prefect_api,
                                                                           small_clean_run, tmp_path, sig):
    root, accs = small_mirror
    out, raw = tmp_path / "out", tmp_path / "raw"
    env = _env(prefect_api, "", 15, EDGAR8K_BATCH_FILINGS="12")  # several writes, so a kill may land in one
    with EdgarServer(root) as server:
        env["EDGAR8K_SOURCE"] = server.url
        proc = subprocess.Popen(_cmd(out, raw), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        store = RawStore(raw)
        deadline = time.monotonic() + 120
        while not list((out / "filings").rglob("part-*.parquet")) and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the backfill finished before it could be killed; slow it down"
        # the first `filings` file exists: the kill lands as that batch completes (its issuances are
        # written before its filings) while fetches past it are in flight
        proc.send_signal(sig)
        proc.wait(60)
        stored_before = set(store.list())
        assert 12 <= len(stored_before) < len(accs)
        written = len(_table(out, "filings"))
        server.reset_log()
        _backfill(env, out, raw)
        refetched = set(_fetched(server)) & stored_before
    assert not refetched, f"{len(refetched)} stored filings were fetched again"
    assert set(_fetched(server)) == accs - stored_before
    import json

    rerun = json.loads(sorted((out / "_runs").glob("*-backfill-*.json"))[-1].read_text())["counts"]
    assert rerun["already_done"] == written and rerun["filings"] == len(accs) - written, \
        "the rerun should process only what the killed run had not written"
    _assert_same_output(small_clean_run, out)
    # Bytes: an uninterrupted backfill over a copy of the final raw store (it fetches nothing) writes
    # exactly the files the killed-and-resumed run ended with.
    shutil.copytree(raw, tmp_path / "raw2")
    with EdgarServer(root) as server:
        _backfill_in_process(server.url, tmp_path / "ref", tmp_path / "raw2")
        assert not _fetched(server)
    assert _digest(tmp_path / "ref") == _digest(out)
