"""Smoke tests for the benchmark scripts: they run and produce what they claim. No timings asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def test_generate_mirror_mixes_eras_with_daily_indexes(tmp_path: Path) -> None:
    from generate_mirror import generate

    from edgar8k.extract.edgar_index import parse_index
    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.sgml import parse_submission

    info = generate(tmp_path, 60, per_day=30, processes=1)
    assert info.n_8k == 60 and info.n_text > 0 and info.n_html > 0
    assert info.bytes_html / info.n_html > info.bytes_text / info.n_text  # modern filings are bigger
    idx = sorted((tmp_path / "Archives/edgar/daily-index").rglob("form.*.idx"))
    assert len(idx) == len(info.days) >= 2
    entries = [e for p in idx for e in parse_index(p.read_bytes()) if e.form_type.startswith("8-K")]
    assert len({e.accession_number for e in entries}) == 60
    eras = set()
    for e in entries[:: 6]:
        acc18 = e.accession_number.replace("-", "")
        paths = [tmp_path / f"Archives/edgar/data/{c}/{acc18}/{e.accession_number}.txt" for c in e.ciks or (e.cik,)]
        paths += [tmp_path / f"Archives/edgar/data/{c}/{e.accession_number}.txt" for c in e.ciks or (e.cik,)]
        raw = next(p for p in paths if p.is_file()).read_bytes()
        eras.add("html" if b"<html>" in raw else "text")
        sub = parse_submission(raw)  # SGML + text only: the extractor's speed is benchmark 1's business
        assert sub.accession_number == e.accession_number and sub.filing_date == e.filing_date
        assert len(build_filing_text(sub).text) > 1000
    assert eras == {"html", "text"}


def test_generate_mirror_reuses_a_mirror_made_with_the_same_parameters(tmp_path: Path) -> None:
    from generate_mirror import generate

    first = generate(tmp_path, 40, per_day=20, processes=1)
    some = next((tmp_path / "Archives/edgar/data").rglob("*.txt"))
    some.write_bytes(b"changed")
    again = generate(tmp_path, 40, per_day=20, processes=1)
    assert again.reused and not first.reused and some.read_bytes() == b"changed"
    assert again.summary() | {"reused": False, "generate_seconds": 0} == first.summary() | {"generate_seconds": 0}
    other = generate(tmp_path, 40, per_day=20, processes=1, text_share=0.9)  # other parameters: written anew
    assert not other.reused and some.read_bytes() != b"changed"


def test_edgar8k_bench_runs_the_quick_write_benchmark(tmp_path: Path) -> None:
    """`edgar8k bench ARGS` is benchmarks/run.py ARGS: the CLI passes every flag on."""
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, "-m", "edgar8k.cli", "bench", "--quick", "--only", "write",
                        "--write-rows", "1500", "--json", str(out), "--tmp", str(tmp_path)],
                       capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Machine:" in r.stdout and "upsert one day" in r.stdout
    data = json.loads(out.read_text())
    assert data["mode"] == "quick" and data["machine"]["cores"] >= 1
    assert data["machine"]["packages"]["pyarrow"]
    w = data["results"]["write"]
    assert w["partition_filings"] == 1500 and w["write_batch_seconds"] > 0
    assert [r["benchmark"] for r in data["table"]] == ["write", "write"]
    assert not list(tmp_path.glob("edgar8k-bench-*"))  # work folder removed


def test_edgar8k_bench_passes_errors_through() -> None:
    r = subprocess.run([sys.executable, "-m", "edgar8k.cli", "bench", "--only", "nope"], capture_output=True,
                       text=True, timeout=60, cwd=REPO)
    assert r.returncode == 2 and "unknown benchmark(s) ['nope']" in r.stderr


def test_rss_sampler_reads_a_child_process(tmp_path: Path) -> None:
    from run import run_sampled

    trace = tmp_path / "trace.csv"
    r = run_sampled([sys.executable, "-c", "import time; x = bytearray(50_000_000); time.sleep(1.0)"],
                    dict(os.environ), timeout=30, trace=trace)
    assert r["rc"] == 0 and r["samples"] >= 2
    assert r["peak_rss_mb"] >= 40
    # the buffer is the process's own (anonymous) memory; the libraries' mapped files are not
    assert 40 <= r["peak_anon_mb"] < r["peak_rss_mb"]
    header, *rows = trace.read_text().splitlines()
    assert header == "seconds,tree_mb,main_mb,tree_anon_mb" and len(rows) == r["samples"]
    assert max(float(x.split(",")[3]) for x in rows) == r["peak_anon_mb"]


def test_generate_mirror_mixes_formats_on_every_day_unless_asked_for_eras() -> None:
    from generate_mirror import text_flags

    days = text_flags(4000, 0.35, seed=0, mix="days")
    quarters = [days[i:i + 1000] for i in range(0, 4000, 1000)]
    assert all(0.3 < sum(q) / len(q) < 0.4 for q in quarters)  # every quarter of a run sees both formats
    eras = text_flags(4000, 0.35, seed=0, mix="eras")
    assert eras == [True] * 1400 + [False] * 2600
    with pytest.raises(ValueError, match="'days' or 'eras'"):
        text_flags(10, 0.5, seed=0, mix="random")


def test_listing_benchmark_quarter_is_the_daily_index_once_per_day_with_fresh_accessions() -> None:
    from run import quarter_index

    from edgar8k.extract.edgar_index import parse_index
    from tests.corpus import require_shared

    daily = require_shared() / "corpus" / "index" / "form.20200318.idx"
    one = parse_index(daily.read_bytes())
    three = parse_index(quarter_index(daily, days=3))
    assert len(three) == 3 * len(one)
    assert len({e.accession_number for e in three}) == len(three)
    dates = {e.filing_date.isoformat() for e in three}
    assert {"2020-03-01", "2020-03-02", "2020-03-03"} <= dates and "2020-03-18" not in dates
    assert sum(e.form_type == "8-K" for e in three) == 3 * sum(e.form_type == "8-K" for e in one)
