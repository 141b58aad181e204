"""The nightly job's watermark: a missed night is caught up, the last 3 business days are listed again
for index entries that appeared late, and nothing stored is fetched twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from edgar8k.flows.steps import nightly_days
from edgar8k.load.parquet import read_table
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import write_mirror
from tests.conftest import TEST_UA

D = dt.date


@pytest.mark.parametrize("today, state, want", [
    (D(2021, 1, 6), {}, [D(2020, 12, 31), D(2021, 1, 4), D(2021, 1, 5)]),  # first run: New Year's Day skipped
    (D(2021, 1, 8), {"last_complete_day": "2021-01-05"}, [D(2021, 1, 5), D(2021, 1, 6), D(2021, 1, 7)]),
    (D(2021, 1, 12), {"last_complete_day": "2021-01-05"},  # a week away: every day since, no weekend
     [D(2021, 1, 6), D(2021, 1, 7), D(2021, 1, 8), D(2021, 1, 11)]),
    (D(2021, 1, 19), {"last_complete_day": "2021-01-15"},  # Monday was MLK day
     [D(2021, 1, 13), D(2021, 1, 14), D(2021, 1, 15)]),
])
def test_nightly_days(today, state, want):
    assert nightly_days(today, state, 3) == want


def _drop_line(path: Path, acc: str) -> bytes:
    """Remove an accession's row from an index file; returns the original bytes to put back."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    path.write_bytes(b"\n".join(l for l in lines if acc.replace("-", "").encode() not in l.replace(b"-", b"")))
    return data


def test_missed_night_caught_up_and_late_entries_picked_up(prefect_api, tmp_path):
    from edgar8k.flows.backfill import nightly_flow

    root = tmp_path / "mirror"
    filings = [f for f in write_mirror(root, 40, seed=7) if f.form_type.startswith("8-K")]
    late = [f for f in filings if f.filing_date == D(2021, 1, 5)][-1]
    daily = root / "Archives/edgar/daily-index/2021/QTR1"
    originals = {p: _drop_line(p, late.accession_number) for p in daily.glob("*.20210105.idx")}
    out = tmp_path / "out"
    with EdgarServer(root) as server:
        overrides = {"source": server.url, "user_agent": TEST_UA, "out": str(out), "raw": str(tmp_path / "raw"),
                     "rate": 200.0}
        first = nightly_flow(overrides, today=D(2021, 1, 6))
        assert json.loads((out / "_state.json").read_text())["last_complete_day"] == "2021-01-05"
        got = set(read_table("filings", str(out))["accession_number"])
        assert got == {f.accession_number for f in filings if f.filing_date <= D(2021, 1, 5)} - {late.accession_number}
        assert first["counts"]["filings"] == len(got)

        for p, data in originals.items():  # the late entry appears in Jan 5's index after the first run
            p.write_bytes(data)
        failed = _record_fetch_error(out, tmp_path / "raw", filings, D(2021, 1, 4))
        server.reset_log()
        nightly_flow(overrides, today=D(2021, 1, 8))  # the night of Jan 7 never ran
        listed = sorted({Path(r.path).name.split(".")[1] for r in server.requests_log() if "daily-index" in r.path})
        fetched = [Path(r.path).stem for r in server.requests_log() if "/data/" in r.path and r.status == 200]

    assert listed == ["20210104", "20210105", "20210106", "20210107"], "Jan 4 again for its fetch error"
    assert json.loads((out / "_state.json").read_text())["last_complete_day"] == "2021-01-07"
    final = read_table("filings", str(out))
    assert set(final["accession_number"]) == {f.accession_number for f in filings}
    assert (final["status"] == "ok").all()
    assert sorted(fetched) == sorted([late.accession_number, failed] + [
        f.accession_number for f in filings if f.filing_date in (D(2021, 1, 6), D(2021, 1, 7))])


def _record_fetch_error(out: Path, raw: Path, filings: list, day: dt.date) -> str:
    """Turn one written filing of `day` into a fetch error, as if EDGAR had failed it: not stored, row failed."""
    from edgar8k.extract.raw_store import RawStore
    from edgar8k.flows.steps import BatchResult, write_batch
    from edgar8k.transform.records import FilingMeta, failed_filing_row

    f = [f for f in filings if f.filing_date == day][0]
    Path(RawStore(raw).meta_path(f.accession_number)).unlink()
    result = BatchResult()
    meta = FilingMeta(f.accession_number, f.ciks[0], f.company_name, f.form_type, day, ciks=f.ciks)
    result.add(day, failed_filing_row(meta, "fetch_error", "fetch_error: 503 after 5 attempts"), [])
    write_batch(result, str(out))
    return f.accession_number
