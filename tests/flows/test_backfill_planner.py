"""The backfill's planner (flows/backfill.py `_Planner`) over a local mirror and a real output: each
day's entries are built when the day is fed, less the filings this extractor version already wrote,
in the order, with the counts and progress that listing every entry up front gave."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from prefect import flow

from edgar8k.config import load_settings
from edgar8k.extract.edgar_index import business_days, list_range
from edgar8k.extract.http import EdgarClient
from edgar8k.flows.fetching import FetchPipeline
from edgar8k.flows.progress import Progress
from edgar8k.flows.steps import group_by_day
from edgar8k.load.parquet import write_filings
from edgar8k.testing.mirror import write_mirror
from edgar8k.transform.issuance import EXTRACTOR_VERSION
from tests.conftest import TEST_UA
from tests.load.test_parquet import filing

D1, D2 = dt.date(2021, 1, 4), dt.date(2021, 1, 5)
RANGES = [(dt.date(2021, 1, 1), dt.date(2021, 1, 15)), (dt.date(2021, 3, 1), dt.date(2021, 3, 5))]  # the second lists nothing


@flow(validate_parameters=False)  # validated, `consumed` would arrive as a copy
def _plan(overrides: dict, ranges: list[tuple[dt.date, dt.date]], consumed: list | None = None) -> tuple[list, int]:
    """Every day the planner hands on; `consumed` gets (thread, day) as each one is taken."""
    from edgar8k.flows.backfill import _Planner

    settings = load_settings(overrides).validate()
    progress = Progress("test", enabled=False)
    days = []
    with EdgarClient(settings) as client, FetchPipeline(lambda e: None, workers=2) as pipeline:
        planner = _Planner(settings, client, ranges, None, pipeline, progress, logging.getLogger("test"))
        while (d := planner.next_day()) is not None:
            for entry in d.todo:
                assert pipeline.take()[0] is entry, "the entries fed are the entries handed on"
            days.append((d.day, d.listed, d.todo, d.progress_days))
            if consumed is not None:
                consumed.append((threading.get_ident(), d.day))
    return days, progress.total_filings


def test_ranges_are_listed_on_the_consumers_thread_one_at_a_time(prefect_api, tmp_path, monkeypatch):
    """Listed one range ahead on a task-runner thread, beside the fetch threads, a long backfill's RSS
    stepped up after its range boundaries (benchmarks/README.md, sessions 14-15)."""
    import edgar8k.flows.backfill as backfill

    calls: list[tuple[int, dt.date, int]] = []
    real = backfill.list_range_compact

    def recorded(client, lo, hi, *args, **kwargs):
        calls.append((threading.get_ident(), lo, len(consumed)))
        return real(client, lo, hi, *args, **kwargs)

    monkeypatch.setattr(backfill, "list_range_compact", recorded)
    write_mirror(tmp_path / "mirror", 40, seed=7)
    consumed: list[tuple[int, dt.date | None]] = []
    _plan({"source": str(tmp_path / "mirror"), "user_agent": TEST_UA, "out": str(tmp_path / "out")},
          RANGES, consumed)
    consumer = consumed[0][0]
    assert [(t, lo) for t, lo, _ in calls] == [(consumer, lo) for lo, _ in RANGES]
    first_range_days = sum(1 for _, d in consumed if d is not None and d <= RANGES[0][1])
    assert first_range_days > 2
    assert calls[1][2] >= first_range_days - 2, "the second range is listed only near the first one's end"


def test_days_are_built_when_fed_less_what_is_done(prefect_api, tmp_path):
    write_mirror(tmp_path / "mirror", 40, seed=7)
    with EdgarClient(load_settings({"source": str(tmp_path / "mirror"), "user_agent": TEST_UA})) as client:
        by_day = group_by_day(list_range(client, *RANGES[0]))
    d2 = by_day[D2]
    out = tmp_path / "out"
    done = [filing(e.accession_number, D1, extractor_version=EXTRACTOR_VERSION) for e in by_day[D1]]
    done += [filing(d2[0].accession_number, D2, extractor_version=EXTRACTOR_VERSION),
             filing(d2[1].accession_number, D2, extractor_version=EXTRACTOR_VERSION, status="fetch_error"),
             filing(d2[2].accession_number, D2, extractor_version="0.0-old")]
    write_filings(done, [], str(out))

    overrides = {"source": str(tmp_path / "mirror"), "user_agent": TEST_UA, "out": str(out)}
    days, total = _plan(overrides, RANGES)

    assert [d for d, *_ in days] == [*by_day, None]
    assert [n for _, n, _, _ in days] == [len(es) for es in by_day.values()] + [0]
    assert total == sum(map(len, by_day.values()))
    todo = dict((d, t) for d, _, t, _ in days)
    assert todo[D1] == [], "every filing of the day is done"
    assert todo[D2] == d2[1:], "a fetch error and an older extractor's row are done again"
    assert all(todo[d] == es for d, es in by_day.items() if d not in (D1, D2))
    assert sum(p for *_, p in days) == sum(len(business_days(lo, hi)) for lo, hi in RANGES)
    assert days[-1][1:] == (0, [], len(business_days(*RANGES[1])))
