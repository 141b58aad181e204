"""The test EDGAR itself, spoken to with plain `requests`/sockets (not our client), and the mirror generator."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from edgar8k.extract.edgar_index import parse_index
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import write_mirror
from tests.fixtures_edgar import TEST_UA

IDX = "/Archives/edgar/daily-index/2021/QTR1/form.20210104.idx"
UA = {"User-Agent": TEST_UA}


def _get(server: EdgarServer, path: str, headers: dict | None = None, **kw) -> requests.Response:
    return requests.get(server.url + path, headers={**UA, **(headers or {})}, timeout=5, **kw)


def test_serves_mirror_files_at_edgar_paths(edgar_server, mirror_dir):
    r = _get(edgar_server, IDX, {"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == (mirror_dir / IDX.lstrip("/")).read_bytes()
    assert "Content-Encoding" not in r.headers


def test_gzip_only_when_asked(edgar_server, mirror_dir):
    r = _get(edgar_server, IDX, {"Accept-Encoding": "gzip"}, stream=True)
    raw = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip" and int(r.headers["Content-Length"]) == len(raw)
    assert gzip.decompress(raw) == (mirror_dir / IDX.lstrip("/")).read_bytes()


@pytest.mark.parametrize("ua", ["", "python-requests/2.32", "Mozilla/5.0", "Sample Company"])
def test_undeclared_tool_page_without_an_email(edgar_server, ua):
    r = requests.get(edgar_server.url + IDX, headers={"User-Agent": ua}, timeout=5)
    assert r.status_code == 403 and b"Undeclared Automated Tool" in r.content


def test_missing_index_is_access_denied_and_missing_object_no_such_key(edgar_server):
    r = _get(edgar_server, "/Archives/edgar/daily-index/2021/QTR1/form.20210109.idx")
    assert r.status_code == 403 and b"<Code>AccessDenied</Code>" in r.content
    r = _get(edgar_server, "/Archives/edgar/full-index/1990/QTR1/form.idx")
    assert r.status_code == 403 and b"<Code>AccessDenied</Code>" in r.content
    r = _get(edgar_server, "/Archives/edgar/data/1/0000000001-21-000001.txt")
    assert r.status_code == 404 and b"<Code>NoSuchKey</Code>" in r.content


def test_cannot_escape_the_mirror(edgar_server):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", edgar_server.port, timeout=5)
    conn.request("GET", "/../../../../etc/passwd", headers=UA)
    assert conn.getresponse().status == 404


@pytest.mark.parametrize("status,marker", [(403, b"Request Rate Threshold Exceeded"), (429, b"")])
def test_rate_ceiling_trips_and_locks_out(mirror_dir, status, marker):
    with EdgarServer(mirror_dir, rate_limit=5, throttle_status=status, lockout=0.3) as server:
        with requests.Session() as s:
            codes = [s.get(server.url + IDX, headers=UA, timeout=5).status_code for _ in range(8)]
            assert codes[:5] == [200] * 5 and set(codes[5:]) == {status}
            r = s.get(server.url + IDX, headers=UA, timeout=5)
            assert marker in r.content
            time.sleep(0.2)
            assert s.get(server.url + IDX, headers=UA, timeout=5).status_code == status, "lockout extends"
            time.sleep(1.05)  # past the lockout and out of the sliding second
            assert s.get(server.url + IDX, headers=UA, timeout=5).status_code == 200
        assert server.throttle_trips == 1
        assert server.max_in_window() >= 6


def test_faults_are_seeded_and_near_the_asked_rate(mirror_dir):
    paths = [IDX] * 5 + [f"/Archives/edgar/data/{i}/x.txt" for i in range(200)]

    def run() -> list[str | None]:
        with EdgarServer(mirror_dir, fault_rate=0.1, seed=11, fault_kinds=("503", "500")) as server:
            with requests.Session() as s:
                for p in paths:
                    s.get(server.url + p, headers=UA, timeout=5)
            return [r.fault for r in server.requests_log()]

    first, second = run(), run()
    assert first == second
    assert 8 <= sum(f is not None for f in first) <= 36


def test_drop_truncate_and_slow_faults_look_like_network_failures(mirror_dir):
    with EdgarServer(mirror_dir, fault_rate=1.0, fault_kinds=("drop",)) as server:
        with pytest.raises(requests.ConnectionError):
            _get(server, IDX)
    with EdgarServer(mirror_dir, fault_rate=1.0, fault_kinds=("truncate",)) as server:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            _get(server, IDX, {"Accept-Encoding": "identity"})
    with EdgarServer(mirror_dir, fault_rate=1.0, fault_kinds=("slow",), slow_seconds=0.5) as server:
        with pytest.raises(requests.Timeout):
            requests.get(server.url + IDX, headers=UA, timeout=0.2)


def test_runs_as_a_module_for_manual_use(mirror_dir):
    proc = subprocess.Popen([sys.executable, "-m", "edgar8k.testing.edgar_server", str(mirror_dir), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert requests.get(url + IDX, headers=UA, timeout=5).status_code == 200
        proc.terminate()
        assert proc.wait(5) == 0, "SIGTERM stops the server cleanly"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_mirror_indexes_list_exactly_the_written_filings(tmp_path):
    filings = write_mirror(tmp_path, 30, seed=5)
    eightks = {f.accession_number: f for f in filings if f.form_type.startswith("8-K")}
    assert len(eightks) == 30
    listed = {}
    for idx in (tmp_path / "Archives/edgar/daily-index").rglob("form.*.idx"):
        for e in parse_index(idx.read_bytes()):
            listed[e.accession_number] = e
    assert set(listed) == {f.accession_number for f in filings}
    for acc, f in eightks.items():
        e = listed[acc]
        assert (e.ciks, e.form_type, e.filing_date) == (f.ciks, f.form_type, f.filing_date)
        assert e.company_name == " ".join(f.company_name.split())
        folder = tmp_path / "Archives/edgar/data" / str(e.cik)
        path = folder / (f"{acc}.txt" if f.legacy_only else f"{acc.replace('-', '')}/{acc}.txt")
        assert path.read_bytes().startswith(f"<SEC-DOCUMENT>{acc}.txt".encode())
    quarterly = parse_index((tmp_path / "Archives/edgar/full-index/2021/QTR1/form.idx").read_bytes())
    assert {e.accession_number for e in quarterly} == set(listed)
    assert write_mirror(tmp_path / "again", 30, seed=5) == filings


def test_mirror_submissions_parse_with_the_pipeline_parser(tmp_path):
    sgml = pytest.importorskip("edgar8k.transform.sgml")
    filings = write_mirror(tmp_path, 12, seed=2)
    for f in filings:
        if not f.form_type.startswith("8-K"):
            continue
        path = next((tmp_path / "Archives/edgar/data" / str(f.ciks[0])).rglob(f"{f.accession_number}.txt"))
        sub = sgml.parse_submission(path.read_bytes())
        assert sub.accession_number == f.accession_number
        assert sub.documents and sub.documents[0].type == f.form_type
