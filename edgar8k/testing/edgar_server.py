"""A test EDGAR on 127.0.0.1: serves a mirror folder at EDGAR's paths and behaves like EDGAR when asked to.

It answers the way sec.gov does in the cases a client must handle: the "Undeclared Automated Tool"
403 for a User-Agent without an e-mail, S3 `AccessDenied` (index files) and `NoSuchKey` (objects) for
missing keys, gzip on request, a per-second rate ceiling answered with 429 or the 403 "Request Rate
Threshold Exceeded" page plus a lockout, and seeded faults (503, 500, dropped connections, truncated
bodies, slow responses). Every request is logged with its arrival time so tests can measure rates.

Run by hand: `python -m edgar8k.testing.edgar_server MIRROR --port 8080 [--rate-limit 10 --faults 0.05]`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FAULT_KINDS = ("503", "500", "drop", "truncate", "slow")

UNDECLARED_TOOL_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>SEC.gov | Your Request Originates from an Undeclared Automated Tool</title></head>
<body><h1>Your Request Originates from an Undeclared Automated Tool</h1>
<p>To allow for equitable access to all users, SEC reserves the right to limit requests originating from
undeclared automated tools. Your request has been identified as part of a network of automated tools
outside of the acceptable policy and will be managed until action is taken to declare your traffic.</p>
<p>Please declare your traffic by updating your user agent to include company specific information.</p>
</body></html>
"""

THRESHOLD_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head>
<body><h1>Your Request Rate Threshold Exceeded</h1>
<p>To allow for equitable access to all users, SEC reserves the right to limit requests originating from
undeclared automated tools. Your request has been identified as part of a network of automated tools
outside of the acceptable policy and will be managed until action is taken to declare your traffic.</p>
<p>Current guidelines limit users to a total of no more than 10 requests per second, regardless of the
number of machines used to submit requests.</p>
<p>To ensure that SEC.gov remains available to all users, requests will be limited for 10 minutes
once the rate is below the threshold.</p>
</body></html>
"""

MAINTENANCE_PAGE = (b"<html><head><title>SEC.gov | Maintenance</title></head><body>"
                    b"<h1>This page is temporarily unavailable.</h1></body></html>")

_UA_OK = re.compile(r"\S+@\S+\.\S+")


def s3_error(code: str, message: str, key: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}'
            f"</Message><Key>{key}</Key><RequestId>0</RequestId><HostId>edgar8k-test</HostId></Error>").encode()


@dataclass(frozen=True)
class LoggedRequest:
    time: float  # time.monotonic() at arrival
    path: str
    status: int  # 0 for a dropped connection
    user_agent: str
    fault: str | None = None
    client_port: int = 0  # the same port on two requests means a reused connection
    accept_encoding: str = ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # quiet: the request log is the record
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.owner._handle(self)

    def do_HEAD(self) -> None:  # noqa: N802
        self.server.owner._handle(self, head=True)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    owner: "EdgarServer"


class EdgarServer:
    """A threaded EDGAR look-alike over `mirror_dir`; use as a context manager, requests go to `.url`."""

    def __init__(self, mirror_dir: str | Path, *, port: int = 0, rate_limit: float | None = None,
                 throttle_status: int = 403, lockout: float = 600.0, extend_lockout: bool = True,
                 fault_rate: float = 0.0, fault_kinds: tuple[str, ...] = FAULT_KINDS, seed: int = 0,
                 slow_seconds: float = 2.0, require_user_agent: bool = True):
        self.mirror = Path(mirror_dir).resolve()
        if not self.mirror.is_dir():
            raise FileNotFoundError(f"mirror directory {self.mirror} does not exist")
        bad = set(fault_kinds) - set(FAULT_KINDS)
        if bad or throttle_status not in (403, 429):
            raise ValueError(f"unknown fault kinds {sorted(bad)} or throttle_status {throttle_status}")
        self.port = port
        self.rate_limit = rate_limit
        self.throttle_status = throttle_status
        self.lockout = lockout
        self.extend_lockout = extend_lockout
        self.fault_rate = fault_rate
        self.fault_kinds = tuple(fault_kinds)
        self.seed = seed
        self.slow_seconds = slow_seconds
        self.require_user_agent = require_user_agent
        self.log: list[LoggedRequest] = []
        self.throttle_trips = 0
        self._lock = threading.Lock()
        self._arrivals: deque[float] = deque()
        self._locked_until = 0.0
        self._attempts: dict[str, int] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "EdgarServer":
        self._httpd = _Server(("127.0.0.1", self.port), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"edgar-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "EdgarServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- measurements ------------------------------------------------------------------------

    def requests_log(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self.log)

    def max_in_window(self, window: float = 1.0) -> int:
        """Most requests that arrived within any `window` seconds (sliding), over the whole log."""
        times = sorted(r.time for r in self.requests_log())
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def achieved_rate(self) -> float:
        """Requests per second between the first and last arrival."""
        times = sorted(r.time for r in self.requests_log())
        if len(times) < 2:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- request handling --------------------------------------------------------------------

    def _record(self, req: _Handler, now: float, path: str, status: int, fault: str | None = None) -> None:
        entry = LoggedRequest(now, path, status, req.headers.get("User-Agent", ""), fault,
                              req.client_address[1], req.headers.get("Accept-Encoding", ""))
        with self._lock:
            self.log.append(entry)

    def _over_rate(self, now: float) -> bool:
        """Sliding one-second ceiling; once tripped, locked out (extended while requests keep coming)."""
        if self.rate_limit is None:
            return False
        with self._lock:
            self._arrivals.append(now)
            while self._arrivals and now - self._arrivals[0] >= 1.0:
                self._arrivals.popleft()
            if now < self._locked_until:
                if self.extend_lockout:
                    self._locked_until = now + self.lockout
                return True
            if len(self._arrivals) > self.rate_limit:
                self._locked_until = now + self.lockout
                self.throttle_trips += 1
                return True
            return False

    def _fault_for(self, path: str) -> str | None:
        """Deterministic per (seed, path, n-th request of path): independent of thread scheduling."""
        if self.fault_rate <= 0:
            return None
        with self._lock:
            n = self._attempts.get(path, 0)
            self._attempts[path] = n + 1
        h = hashlib.sha256(f"{self.seed}|{path}|{n}".encode()).digest()
        if int.from_bytes(h[:8], "big") / 2**64 >= self.fault_rate:
            return None
        return self.fault_kinds[h[8] % len(self.fault_kinds)]

    def _handle(self, req: _Handler, head: bool = False) -> None:
        now = time.monotonic()
        path = unquote(urlsplit(req.path).path)
        ua = req.headers.get("User-Agent", "")
        if self.require_user_agent and not _UA_OK.search(ua):
            self._record(req, now, path, 403)
            return self._send(req, 403, UNDECLARED_TOOL_PAGE, "text/html", head)
        if self._over_rate(now):
            self._record(req, now, path, self.throttle_status, "throttle")
            body = THRESHOLD_PAGE if self.throttle_status == 403 else b"Too Many Requests"
            return self._send(req, self.throttle_status, body, "text/html", head)
        fault = self._fault_for(path)
        if fault in ("503", "500"):
            self._record(req, now, path, int(fault), fault)
            body = MAINTENANCE_PAGE if fault == "503" else b"<html><body>Internal Server Error</body></html>"
            return self._send(req, int(fault), body, "text/html", head)
        if fault == "drop":
            self._record(req, now, path, 0, fault)
            return self._drop(req)
        if fault == "slow":
            time.sleep(self.slow_seconds)
        status, body, ctype = self._lookup(path)
        self._record(req, now, path, status, fault)
        self._send(req, status, body, ctype, head, truncate=(fault == "truncate" and status == 200))

    def _lookup(self, path: str) -> tuple[int, bytes, str]:
        rel = path.lstrip("/")
        f = (self.mirror / rel).resolve()
        if f.is_relative_to(self.mirror) and f.is_file():
            ctype = "text/plain" if f.suffix in (".txt", ".idx") else "application/octet-stream"
            return 200, f.read_bytes(), ctype
        index = rel.startswith(("Archives/edgar/daily-index/", "Archives/edgar/full-index/"))
        if index:
            return 403, s3_error("AccessDenied", "Access Denied", rel), "application/xml"
        return 404, s3_error("NoSuchKey", "The specified key does not exist.", rel), "application/xml"

    def _send(self, req: _Handler, status: int, body: bytes, ctype: str, head: bool,
              truncate: bool = False) -> None:
        headers = {"Content-Type": ctype, "Cache-Control": "max-age=0, no-cache, no-store",
                   "Vary": "Accept-Encoding"}
        if "gzip" in req.headers.get("Accept-Encoding", "") and len(body) > 256:
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers["Content-Encoding"] = "gzip"
        try:
            req.send_response(status)
            for k, v in headers.items():
                req.send_header(k, v)
            req.send_header("Content-Length", str(len(body)))
            if truncate:
                req.send_header("Connection", "close")
            req.end_headers()
            if head:
                return
            if truncate:
                req.wfile.write(body[: len(body) // 2])
                req.wfile.flush()
                req.close_connection = True
                req.connection.shutdown(socket.SHUT_RDWR)
                return
            req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            req.close_connection = True

    def _drop(self, req: _Handler) -> None:
        """Close the connection with no response at all (a reset as the client sees it)."""
        req.close_connection = True
        try:
            req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            req.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve an EDGAR-layout mirror folder like sec.gov does.")
    ap.add_argument("mirror", help="folder containing Archives/edgar/...")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--rate-limit", type=float, default=None, help="requests per sliding second")
    ap.add_argument("--throttle-status", type=int, default=403, choices=(403, 429))
    ap.add_argument("--lockout", type=float, default=600.0, help="seconds locked out after a trip")
    ap.add_argument("--faults", type=float, default=0.0, help="fraction of requests given a fault")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    server = EdgarServer(a.mirror, port=a.port, rate_limit=a.rate_limit, throttle_status=a.throttle_status,
                         lockout=a.lockout, fault_rate=a.faults, seed=a.seed).start()
    print(f"serving {server.mirror} at {server.url} (Ctrl-C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
