"""`edgar8k serve` against a real `prefect server start` on loopback: a scheduled nightly run completes
and writes Parquet. Without a server, `serve` says how to start one."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from edgar8k.extract.edgar_index import last_business_days
from edgar8k.testing.mirror import write_mirror
from tests.conftest import TEST_UA

CLI = [sys.executable, "-c", "import sys; from edgar8k.cli import main; sys.exit(main())"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EDGAR8K_"))}
    env.update({"PREFECT_HOME": str(tmp / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_LOGGING_LEVEL": "WARNING", **extra})
    return env


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "prefect server exited (see server.log)"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"prefect server at {url} not healthy after {timeout}s")


def _flow_runs(url: str) -> list[dict]:
    req = urllib.request.Request(f"{url}/flow_runs/filter", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, with the children it started (flow-run processes)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        pass


@pytest.mark.timeout(420)  # its own waits: 120 s for the server, 240 s for a scheduled run
def test_serve_runs_the_nightly_flow_on_schedule_against_a_real_server(tmp_path):
    yesterday = dt.datetime.now(ZoneInfo("America/New_York")).date() - dt.timedelta(days=1)
    first = last_business_days(3, yesterday)[0]
    mirror = tmp_path / "mirror"
    filings = write_mirror(mirror, 30, start=first, seed=11)  # filed on the days the nightly lists
    want = {f.accession_number for f in filings if f.form_type.startswith("8-K") and f.filing_date <= yesterday}
    out = tmp_path / "out"
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=_clean_env(tmp_path, PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2"),
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("wb"), start_new_session=True)
    serve = None
    try:
        _wait_healthy(api, server, 120)
        serve = subprocess.Popen(
            CLI + ["serve", "--interval", "10", "--source", str(mirror), "--user-agent", TEST_UA, "--out", str(out),
                   "--raw", str(tmp_path / "raw")],
            env=_clean_env(tmp_path, PREFECT_API_URL=api, PREFECT_RUNNER_POLL_FREQUENCY="2"),
            stdout=subprocess.DEVNULL, stderr=(tmp_path / "serve.log").open("wb"), start_new_session=True)
        deadline = time.monotonic() + 240
        done: list[dict] = []
        while time.monotonic() < deadline and not done:
            assert serve.poll() is None, f"edgar8k serve exited: {(tmp_path / 'serve.log').read_text()[-3000:]}"
            runs = _flow_runs(api)
            failed = [r["name"] for r in runs if r["state_type"] in ("FAILED", "CRASHED")]
            assert not failed, f"scheduled runs failed: {failed}: {(tmp_path / 'serve.log').read_text()[-3000:]}"
            done = [r for r in runs if r["state_type"] == "COMPLETED"]
            time.sleep(1)
        assert done, f"no scheduled run completed: {[(r['name'], r['state_type']) for r in _flow_runs(api)]}"
        assert done[0]["deployment_id"] and done[0]["auto_scheduled"], "the run should come from the schedule"
    finally:
        for p in (serve, server):
            if p is not None:
                _stop(p)
    from edgar8k.load.parquet import read_table

    assert set(read_table("filings", str(out))["accession_number"]) >= want
    # the last business day up to yesterday: yesterday itself unless it was a weekend or an EDGAR holiday
    last_complete = last_business_days(1, yesterday)[-1]
    assert json.loads((out / "_state.json").read_text())["last_complete_day"] == last_complete.isoformat()


def test_serve_without_a_server_says_how_to_start_one(tmp_path):
    proc = subprocess.run(CLI + ["serve", "--source", str(tmp_path)], env=_clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "prefect server start" in proc.stderr and "PREFECT_API_URL" in proc.stderr
