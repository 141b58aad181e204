"""The run-wide fetch pipeline (flows/fetching.py) against the test EDGAR server.

- Bounded look-ahead: the pool fills its window and stops there until results are taken; results come
  out in feed order; an error comes out at its own item.
- In a backfill, fetches go on across a day boundary (and a range boundary): while the last filing of
  a day is still being served, the next day's filings are already requested. With a pool per day the
  server would see nothing of the next day until the slow response had finished.
- The bytes written do not depend on how many fetches were in flight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from pathlib import Path

import pytest

from edgar8k.config import load_settings
from edgar8k.extract.edgar_index import IndexEntry, list_range
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.submissions import candidate_paths, submission_path
from edgar8k.flows.fetching import FetchPipeline
from edgar8k.flows.steps import group_by_day
from edgar8k.load.parquet import read_table
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import write_mirror
from tests.conftest import TEST_UA

SLOW = 2.0  # seconds the server holds the one slow response


def _client(source: str, rate: float = 200.0, workers: int = 4) -> EdgarClient:
    return EdgarClient(load_settings({"source": source, "user_agent": TEST_UA, "rate": rate,
                                      "workers": workers}).validate())


def _data_paths(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "Archives/edgar/data").rglob("*.txt"))


def _accession(path: str) -> str:
    return Path(path).stem


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fetch-mirror")
    write_mirror(root, 40, per_day=10, seed=3)
    return root


def _wait_for(cond, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def test_pipeline_fills_its_window_and_no_more_and_keeps_feed_order(mirror):
    paths = _data_paths(mirror)[:20]
    with EdgarServer(mirror) as server, _client(server.url) as client:
        requested = lambda: {r.path.lstrip("/") for r in server.requests_log()}  # noqa: E731
        with FetchPipeline(client.get, workers=2, window=4) as pipeline:
            pipeline.feed(paths)
            assert _wait_for(lambda: len(requested()) == 4), "the pool should fetch a full window untaken"
            time.sleep(0.3)
            assert requested() == set(paths[:4]), "nothing beyond the window while nothing is taken"
            got = []
            for k in range(1, len(paths) + 1):
                path, data = pipeline.take()
                got.append(path)
                assert data == (mirror / path).read_bytes()
                assert len(requested()) <= k + 4, "look-ahead is bounded by the window"
            assert pipeline.backlog == 0
            with pytest.raises(LookupError):
                pipeline.take()
    assert got == paths, "results come out in feed order"


def test_an_error_comes_out_at_its_own_item_and_the_rest_go_on(mirror):
    good = _data_paths(mirror)[:6]
    items = good[:3] + ["Archives/edgar/../secret.txt"] + good[3:]
    with EdgarServer(mirror) as server, _client(server.url) as client:
        with FetchPipeline(client.get, workers=3) as pipeline:
            pipeline.feed(items)
            assert [pipeline.take()[0] for _ in range(3)] == good[:3]
            with pytest.raises(FetchError, match="refusing"):
                pipeline.take()
            assert [pipeline.take()[0] for _ in range(3)] == good[3:]
        with FetchPipeline(client.get, workers=2) as pipeline:  # closing with work left cancels it
            pipeline.feed(_data_paths(mirror))
            pipeline.take()
        with pytest.raises(RuntimeError):
            pipeline.feed(good)


def _entries(root: Path) -> dict[dt.date, list[IndexEntry]]:
    with _client(str(root)) as client:
        return group_by_day(list_range(client, dt.date(2021, 1, 1), dt.date(2021, 3, 31)))


def _seed_slowing_only(root: Path, target: str, others: set[str], rate: float) -> int:
    """A server seed whose deterministic faults make `target` (and no other path) slow."""
    for seed in range(20000):
        s = EdgarServer(root, fault_rate=rate, fault_kinds=("slow",), seed=seed)
        if s._fault_for(target) and not any(s._fault_for(p) for p in others):  # noqa: SLF001
            return seed
    raise AssertionError("no seed slows exactly the one path")


@pytest.mark.parametrize("per_day_ranges", [False, True], ids=["one-range", "range-per-day"])
def test_fetches_go_on_across_a_day_boundary(prefect_api, mirror, tmp_path, per_day_ranges):
    from edgar8k.flows.backfill import backfill_flow

    by_day = _entries(mirror)
    days = sorted(by_day)
    first, second = days[0], days[1]
    target = "/" + submission_path(by_day[first][-1])  # the last filing of the first day
    others = {"/" + str(p.relative_to(mirror)) for p in (mirror / "Archives").rglob("*") if p.is_file()}
    others |= {"/" + p for es in by_day.values() for e in es for p in candidate_paths(e)}
    others.discard(target)
    seed = _seed_slowing_only(mirror, target, others, 1 / len(others))
    overrides = {"user_agent": TEST_UA, "out": str(tmp_path / "out"), "raw": str(tmp_path / "raw"),
                 "rate": 50.0, "workers": 4}
    with EdgarServer(mirror, fault_rate=1 / len(others), fault_kinds=("slow",), seed=seed,
                     slow_seconds=SLOW) as server:
        overrides["source"] = server.url
        summary = backfill_flow(first, second, overrides, days=[first, second] if per_day_ranges else None)
        log = server.requests_log()
    slow = [r for r in log if r.fault == "slow"]
    assert [r.path for r in slow] == [target]
    next_day = {e.accession_number for e in by_day[second]}
    during = [r for r in log if _accession(r.path) in next_day and slow[0].time <= r.time < slow[0].time + SLOW]
    assert during, (f"no filing of {second} was requested while the last filing of {first} was being served: "
                    "the pool drained at the day boundary")
    assert summary["counts"]["ok"] == summary["counts"]["filings"] == len(by_day[first]) + len(by_day[second])
    assert list(summary["per_day"]) == [first.isoformat(), second.isoformat()]


def _digest(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.parquet"))}


def test_written_bytes_do_not_depend_on_fetch_concurrency(prefect_api, mirror, tmp_path):
    """Four fetch threads over the network and one thread over a copy of the raw store (fetching
    nothing) write the same files, batch by batch: results are taken in (day, accession) order."""
    from edgar8k.flows.backfill import backfill_flow

    days = sorted(_entries(mirror))
    base = {"user_agent": TEST_UA, "rate": 200.0, "batch_filings": 15}  # a batch every two days
    with EdgarServer(mirror) as server:
        a = backfill_flow(days[0], days[-1], {**base, "source": server.url, "out": str(tmp_path / "a"),
                                              "raw": str(tmp_path / "raw"), "workers": 4})
    shutil.copytree(tmp_path / "raw", tmp_path / "raw-copy")
    with EdgarServer(mirror) as server:
        b = backfill_flow(days[0], days[-1], {**base, "source": server.url, "out": str(tmp_path / "b"),
                                              "raw": str(tmp_path / "raw-copy"), "workers": 1})
        assert not [r for r in server.requests_log() if "/data/" in r.path], "the raw store had everything"
    assert a["counts"] == b["counts"] and a["per_day"] == b["per_day"]
    assert a["counts"]["filings"] == len(read_table("filings", str(tmp_path / "a"))) > 30
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
