"""EdgarClient against a real test EDGAR on loopback: missing keys, the three 403s, faults, throttling,
the shared rate limit, size caps and local mirrors."""

from __future__ import annotations

import gzip
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from edgar8k.config import Settings
from edgar8k.extract.http import EdgarClient, FetchError, TokenBucket, UserAgentRejected, classify_403
from edgar8k.testing.edgar_server import EdgarServer
from tests.fixtures_edgar import fast_settings

IDX = "Archives/edgar/daily-index/2021/QTR1/form.20210104.idx"


def _submission_paths(mirror: Path, n: int) -> list[str]:
    files = sorted(p for p in (mirror / "Archives/edgar/data").rglob("*.txt"))[:n]
    return [p.relative_to(mirror).as_posix() for p in files]


def test_get_returns_exact_bytes_and_none_for_missing_keys(edgar_client, edgar_server, mirror_dir):
    assert edgar_client.get(IDX) == (mirror_dir / IDX).read_bytes()
    assert edgar_client.get("Archives/edgar/daily-index/2021/QTR1/form.20210102.idx") is None  # 403 AccessDenied
    assert edgar_client.get("Archives/edgar/data/1/0000000001-21-000001.txt") is None  # 404 NoSuchKey
    statuses = [r.status for r in edgar_server.requests_log()]
    assert statuses == [200, 403, 404]
    assert edgar_client.stats.missing == 2 and edgar_client.stats.requests == 3


def test_sends_gzip_and_reuses_connections(edgar_client, edgar_server, mirror_dir):
    paths = _submission_paths(mirror_dir, 10)
    for p in paths:
        assert edgar_client.get(p) == (mirror_dir / p).read_bytes()
    log = edgar_server.requests_log()
    assert all(r.accept_encoding == "gzip, deflate" for r in log)
    assert len({r.client_port for r in log}) == 1, "ten sequential requests should share one connection"


def test_undeclared_user_agent_stops_at_once_with_instructions(edgar_server):
    client = EdgarClient(fast_settings(edgar_server.url, user_agent="python-requests/2.32"))
    with pytest.raises(UserAgentRejected, match="EDGAR8K_USER_AGENT"):
        client.get(IDX)
    assert len(edgar_server.requests_log()) == 1, "a User-Agent rejection must never be retried"


def test_three_403s_are_told_apart_by_body():
    from edgar8k.testing.edgar_server import THRESHOLD_PAGE, UNDECLARED_TOOL_PAGE, s3_error

    assert classify_403(s3_error("AccessDenied", "Access Denied", "x")) == "missing"
    assert classify_403(UNDECLARED_TOOL_PAGE) == "user_agent"
    assert classify_403(THRESHOLD_PAGE) == "throttle"
    assert classify_403(b"<html>Forbidden</html>") == "other"


@pytest.mark.parametrize("kind", ["503", "500", "drop", "truncate", "slow"])
def test_each_fault_kind_is_retried_to_the_exact_bytes(mirror_dir, kind):
    paths = _submission_paths(mirror_dir, 8) + [IDX]
    with EdgarServer(mirror_dir, fault_rate=0.5, fault_kinds=(kind,), seed=3, slow_seconds=1.5) as server:
        client = EdgarClient(fast_settings(server.url, timeout=0.6, retries=10))
        for p in paths:
            assert client.get(p) == (mirror_dir / p).read_bytes()
        faults = [r for r in server.requests_log() if r.fault == kind]
    assert faults, "the seed should have injected at least one fault"
    # a timed-out connection can also cost one more retry when the next request finds it closed
    assert client.stats.retries == len(faults) if kind != "slow" else client.stats.retries >= len(faults)


def test_truncated_small_identity_body_is_detected(tmp_path):
    (tmp_path / "Archives/edgar/data/5").mkdir(parents=True)
    (tmp_path / "Archives/edgar/data/5/small.txt").write_bytes(b"x" * 100)  # too small to be gzipped
    with EdgarServer(tmp_path, fault_rate=0.6, fault_kinds=("truncate",), seed=1) as server:
        client = EdgarClient(fast_settings(server.url, retries=10))
        assert client.get("Archives/edgar/data/5/small.txt") == b"x" * 100
        assert client.stats.retries >= 1


def test_gives_up_with_fetch_error_after_bounded_retries(mirror_dir):
    with EdgarServer(mirror_dir, fault_rate=1.0, fault_kinds=("503",)) as server:
        client = EdgarClient(fast_settings(server.url, retries=3))
        with pytest.raises(FetchError, match="HTTP 503.*gave up after 3 retries"):
            client.get(IDX)
        assert len(server.requests_log()) == 4


def test_backoff_is_bounded_and_jittered():
    client = EdgarClient(Settings(source="http://127.0.0.1:9", user_agent="x x@y.z", backoff_base=1.0,
                                  backoff_max=4.0))
    delays = [client._backoff(a) for a in range(1, 10) for _ in range(20)]
    assert max(delays) <= 4.0 and min(delays) >= 0.5
    assert len({round(d, 6) for d in delays}) > 100


@pytest.mark.parametrize("status", [403, 429])
def test_throttle_pauses_the_whole_run_then_finishes(mirror_dir, status, caplog):
    paths = _submission_paths(mirror_dir, 16)
    cooldown = 0.4
    with EdgarServer(mirror_dir, rate_limit=8, throttle_status=status, lockout=0.2) as server:
        client = EdgarClient(fast_settings(server.url, rate=40, throttle_cooldown=cooldown, workers=4, retries=12))
        with caplog.at_level(logging.WARNING, logger="edgar8k.extract.http"), ThreadPoolExecutor(4) as ex:
            got = list(ex.map(client.get, paths))
        log = server.requests_log()
    assert got == [(mirror_dir / p).read_bytes() for p in paths]
    assert client.stats.throttles >= 1 and server.throttle_trips >= 1
    assert "pausing every request of this run" in caplog.text
    first = min(r.time for r in log if r.fault == "throttle")
    during = [r for r in log if first < r.time < first + cooldown * 0.9]
    assert len(during) <= 4, f"{len(during)} requests arrived while the run should have been paused"


def test_throttle_that_never_ends_becomes_fetch_error(mirror_dir):
    with EdgarServer(mirror_dir, rate_limit=0.5, lockout=5) as server:
        client = EdgarClient(fast_settings(server.url, retries=2, throttle_cooldown=0.05))
        with pytest.raises(FetchError, match="still throttled"):
            client.get(IDX)
            client.get(IDX)


def test_shared_rate_limit_holds_the_ceiling_and_uses_the_budget(mirror_dir):
    """Eight threads against a server that trips above 20/s: never tripped, >= 90% of the rate used."""
    paths = _submission_paths(mirror_dir, 40) * 2
    with EdgarServer(mirror_dir, rate_limit=20) as server:
        client = EdgarClient(fast_settings(server.url, rate=20, workers=8))
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(client.get, paths))
        assert server.throttle_trips == 0
        assert server.max_in_window(1.0) <= 20
        assert server.achieved_rate() >= 0.9 * 20


def test_token_bucket_spaces_threads_evenly():
    bucket = TokenBucket(50)
    stamps: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert min(gaps) > 0.015, "capacity 1: no two requests leave together"
    assert 59 / (stamps[-1] - stamps[0]) <= 50.5


def test_size_caps_on_declared_and_decompressed_bytes(tmp_path):
    d = tmp_path / "Archives/edgar/data/7"
    d.mkdir(parents=True)
    (d / "big.txt").write_bytes(b"a" * 5000)
    (d / "bomb.txt").write_bytes(b"\0" * 3_000_000)  # ~3 KB on the wire once gzipped
    with EdgarServer(tmp_path) as server:
        client = EdgarClient(fast_settings(server.url, max_response_bytes=1_000_000))
        assert client.get("Archives/edgar/data/7/big.txt") == b"a" * 5000
        with pytest.raises(FetchError, match="max_response_bytes"):
            client.get("Archives/edgar/data/7/bomb.txt")
        small = EdgarClient(fast_settings(server.url, max_response_bytes=1000))
        with pytest.raises(FetchError, match="max_response_bytes"):
            small.get("Archives/edgar/data/7/big.txt")
    assert len(gzip.compress(b"\0" * 3_000_000)) < 10_000


def test_refuses_paths_that_could_escape(edgar_client, tmp_path):
    for bad in ["../etc/passwd", "Archives/../../x", "/etc/passwd", "Archives/edgar/data/1/a b.txt",
                "Archives/./edgar", "Archives//edgar", "Archives\\..\\x", "Archives/edgar/%2e%2e/x"]:
        with pytest.raises(FetchError, match="refusing"):
            edgar_client.get(bad)
    local = EdgarClient(Settings(source=str(tmp_path)))
    with pytest.raises(FetchError):
        local.get("Archives/../../../etc/passwd")


def test_local_directory_source(mirror_dir):
    client = EdgarClient(Settings(source=str(mirror_dir)))
    assert client.get(IDX) == (mirror_dir / IDX).read_bytes()
    assert client.get("Archives/edgar/daily-index/2021/QTR1/form.20210102.idx") is None
    assert client.url_for(IDX).startswith("file://")


def test_rate_above_sec_ceiling_is_refused():
    with pytest.raises(ValueError, match="10"):
        EdgarClient(Settings(user_agent="a a@b.co", rate=12))


def test_a_trickling_response_is_cut_off_by_the_request_deadline():
    """Each read arrives within the read timeout, but the whole body never would: request_deadline ends it."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                try:
                    while not stop.is_set():
                        conn.sendall(b"x" * 10)
                        time.sleep(0.05)
                except OSError:
                    pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        client = EdgarClient(fast_settings(url, timeout=1.0, request_deadline=0.3, retries=1))
        started = time.monotonic()
        with pytest.raises(FetchError, match="request_deadline"):
            client.get("Archives/edgar/data/1/x.txt")
        assert time.monotonic() - started < 3
    finally:
        stop.set()
        t.join(2)
        listener.close()
