"""The one HTTP client of a run: rate limit, retries, throttle pause, User-Agent and size caps live here.

Every byte edgar8k reads from EDGAR (or a mirror, or a local folder laid out like EDGAR) goes through
`EdgarClient.get`, so fair-access rules are enforced in one place and cannot be bypassed by a caller.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

import requests
import urllib3
from requests.adapters import HTTPAdapter

from edgar8k.config import SEC_MAX_RATE, Settings
from edgar8k.locations import local_path

log = logging.getLogger(__name__)

_UA_HINT = ("set EDGAR8K_USER_AGENT='Your Name you@example.com' (a name and a contact e-mail) "
            "or pass --user-agent")


class FetchError(RuntimeError):
    """A request that still failed after the bounded retries, or can never succeed as asked."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UserAgentRejected(RuntimeError):
    """EDGAR answered "Undeclared Automated Tool": a configuration error, never retried."""


class _Retryable(Exception):
    """Internal: this attempt failed in a way another attempt may fix."""


class _TooLarge(Exception):
    """Internal: the body outgrew max_response_bytes while streaming."""


class _Throttled(Exception):
    """Internal: the server says we are over its rate; the whole run must pause."""


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    throttles: int = 0
    missing: int = 0
    bytes: int = 0
    paused_seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class TokenBucket:
    """A locked token bucket of capacity 1: requests leave at most `rate` per second, never in bursts.

    Callers take turns under the lock and sleep until the next slot: slots are 1/rate apart across all
    threads and an idle period earns no credit. A plain bucket still lets rate+1 requests into one
    second (first and last at its edges), and scheduling jitter can bunch them further as the server
    sees them; so each request also holds a timestamp the caller moves forward with `done()` once the
    response has begun (the server has seen the request by then), and a new slot waits until the
    request floor(rate) back is more than 1 + `margin` seconds old by that timestamp. Whatever the
    jitter, any sliding second on the server holds at most floor(rate) of ours.
    """

    def __init__(self, rate: float, margin: float = 0.02):
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.interval = 1.0 / rate
        self.margin = margin
        self._recent: deque[list[float]] = deque(maxlen=max(1, int(rate)))
        self._next = 0.0
        self._lock = threading.Lock()

    def _slot(self) -> float:
        slot = self._next
        if len(self._recent) == self._recent.maxlen:
            slot = max(slot, self._recent[0][0] + 1.0 + self.margin)
        return slot

    def acquire(self) -> list[float]:
        """Wait for a slot; returns the request's timestamp cell for `done()`."""
        with self._lock:
            while (delay := self._slot() - time.monotonic()) > 0:
                time.sleep(min(delay, 0.05))  # re-check: done() may move the window's edge
            cell = [time.monotonic()]
            self._recent.append(cell)
            self._next = cell[0] + self.interval
            return cell

    @staticmethod
    def done(cell: list[float]) -> None:
        """The response has begun (or the attempt failed): the server saw the request no later than now."""
        cell[0] = max(cell[0], time.monotonic())

    def push_back(self, until: float) -> None:
        """No slot before monotonic time `until` (used after a throttle pause)."""
        with self._lock:
            self._next = max(self._next, until)


class ThrottlePause:
    """A run-wide pause: when any thread sees a throttle response, every thread waits it out."""

    def __init__(self) -> None:
        self._until = 0.0
        self._cond = threading.Condition()

    def trip(self, seconds: float) -> bool:
        """Pause everyone for `seconds` from now; True if this started a new pause."""
        with self._cond:
            now = time.monotonic()
            started = self._until <= now
            self._until = max(self._until, now + seconds)
            self._cond.notify_all()
            return started

    def wait(self) -> float:
        """Block while paused; returns the seconds waited."""
        waited = 0.0
        with self._cond:
            while (left := self._until - time.monotonic()) > 0:
                t0 = time.monotonic()
                self._cond.wait(left)
                waited += time.monotonic() - t0
        return waited

    @property
    def until(self) -> float:
        return self._until


def classify_403(body: bytes) -> str:
    """Tell EDGAR's three 403s apart by their bodies: 'missing', 'user_agent', 'throttle' or 'other'."""
    head = body[:8192]
    if b"<Code>AccessDenied</Code>" in head or b"<Code>NoSuchKey</Code>" in head:
        return "missing"
    if b"Undeclared Automated Tool" in head:
        return "user_agent"
    if b"Request Rate Threshold Exceeded" in head:
        return "throttle"
    return "other"


def check_relative_path(path: str) -> str:
    """Reject absolute paths, '..' and odd characters before a path becomes a URL or a file name."""
    p = path.lstrip("/") if path.startswith("/Archives/") else path
    if not p or p.startswith("/") or any(part in ("..", ".", "") for part in p.split("/")):
        raise FetchError(path, "refusing a path that is absolute or contains '..'")
    if not re.fullmatch(r"[A-Za-z0-9._/\-]+", p):
        raise FetchError(path, "refusing a path with characters EDGAR never uses")
    return p


class EdgarClient:
    """Reads EDGAR paths from https://www.sec.gov, any http(s) mirror, or a local mirror directory."""

    def __init__(self, settings: Settings):
        self.settings = settings
        if settings.is_sec and settings.rate > SEC_MAX_RATE:
            raise ValueError(f"rate {settings.rate}/s exceeds the SEC's {SEC_MAX_RATE:g}/s ceiling")
        self.stats = ClientStats()
        self.bucket = TokenBucket(settings.rate)
        self.pause = ThrottlePause()
        self._stats_lock = threading.Lock()
        self._local_root = Path(local_path(settings.source) or settings.source) if settings.is_local else None
        self._session = None if settings.is_local else self._make_session()

    def _make_session(self) -> requests.Session:
        s = requests.Session()
        pool = max(self.settings.workers, 4) + 2
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool, max_retries=0)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        s.headers.update({"Accept-Encoding": "gzip, deflate"})
        if self.settings.user_agent:
            s.headers["User-Agent"] = self.settings.user_agent
        return s

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def __enter__(self) -> "EdgarClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, path: str) -> str:
        p = check_relative_path(path)
        if self._local_root is not None:
            return (self._local_root / p).as_uri()
        return f"{self.settings.source.rstrip('/')}/{p}"

    def _count(self, **deltas: float) -> None:
        with self._stats_lock:
            for k, v in deltas.items():
                setattr(self.stats, k, getattr(self.stats, k) + v)

    # -- public --------------------------------------------------------------------------------

    def get(self, path: str) -> bytes | None:
        """The bytes at `path` (relative to the source root); None when EDGAR says it does not exist."""
        p = check_relative_path(path)
        if self._local_root is not None:
            return self._read_local(p)
        return self._get_http(p)

    # -- local mirror --------------------------------------------------------------------------

    def _read_local(self, p: str) -> bytes | None:
        f = (self._local_root / p).resolve()
        if not f.is_relative_to(self._local_root):
            raise FetchError(p, "path escapes the mirror directory")
        if not f.is_file():
            self._count(missing=1)
            return None
        size = f.stat().st_size
        if size > self.settings.max_response_bytes:
            raise FetchError(p, f"file is {size} bytes, over max_response_bytes="
                                f"{self.settings.max_response_bytes}")
        data = f.read_bytes()
        self._count(requests=1, bytes=len(data))
        return data

    # -- http ----------------------------------------------------------------------------------

    def _get_http(self, p: str) -> bytes | None:
        url = self.url_for(p)
        s = self.settings
        attempt = 0
        throttles = 0
        while True:
            self._wait_for_pause()
            cell = self.bucket.acquire()
            self._wait_for_pause()
            try:
                return self._attempt(p, url, cell)
            except _Throttled as e:
                throttles += 1
                self._throttled(url, str(e))
                if throttles > s.retries:
                    raise FetchError(p, f"still throttled after {throttles} pauses of "
                                        f"{s.throttle_cooldown:g}s") from None
            except _Retryable as e:
                attempt += 1
                if attempt > s.retries:
                    raise FetchError(p, f"{e} (gave up after {s.retries} retries)") from None
                self._count(retries=1)
                delay = self._backoff(attempt)
                log.info("retry %d/%d in %.2fs for %s: %s", attempt, s.retries, delay, url, e)
                time.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter': half fixed, half random, capped."""
        cap = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        return cap / 2 + random.uniform(0, cap / 2)

    def _wait_for_pause(self) -> None:
        waited = self.pause.wait()
        if waited:
            self._count(paused_seconds=waited)

    def _throttled(self, url: str, what: str) -> None:
        self._count(throttles=1)
        cooldown = self.settings.throttle_cooldown
        if self.pause.trip(cooldown):
            log.warning("EDGAR throttled us (%s on %s): pausing every request of this run for %gs, "
                        "then resuming", what, url, cooldown)
        self.bucket.push_back(self.pause.until)

    def _attempt(self, p: str, url: str, cell: list[float]) -> bytes | None:
        s = self.settings
        self._count(requests=1)
        try:
            try:
                response = self._session.get(url, stream=True, timeout=(s.timeout, s.timeout))
            finally:
                self.bucket.done(cell)
            with response as r:
                status = r.status_code
                if status == 200:
                    return self._read_body(p, r)
                body = self._read_small(r)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            raise _Retryable(f"{type(e).__name__}: {str(e)[:200]}") from None
        return self._non_200(p, url, status, body)

    def _non_200(self, p: str, url: str, status: int, body: bytes) -> None:
        if status == 404:
            self._count(missing=1)
            return None
        if status == 429:
            raise _Throttled("HTTP 429")
        if status == 403:
            kind = classify_403(body)
            if kind == "missing":
                self._count(missing=1)
                return None
            if kind == "throttle":
                raise _Throttled("HTTP 403 Request Rate Threshold Exceeded")
            if kind == "user_agent":
                raise UserAgentRejected(
                    f"EDGAR refused the request to {url} as an 'Undeclared Automated Tool' "
                    f"(User-Agent sent: {self.settings.user_agent!r}); {_UA_HINT}")
            raise FetchError(p, f"HTTP 403 with an unrecognised body: {body[:200]!r}")
        if status >= 500 or status == 408:
            raise _Retryable(f"HTTP {status}")
        raise FetchError(p, f"HTTP {status}: {body[:200]!r}")

    def _read_small(self, r: requests.Response) -> bytes:
        """Error bodies are only read far enough to classify them."""
        return self._stream(r, 65536, time.monotonic() + self.settings.request_deadline, truncate=True)

    def _stream(self, r: requests.Response, limit: int, deadline: float, truncate: bool = False) -> bytes:
        """Decoded body, one network read at a time so a trickle cannot outlast `deadline`."""
        out = bytearray()
        while chunk := r.raw.read1(65536, decode_content=True):
            out += chunk
            if len(out) > limit:
                if truncate:
                    return bytes(out[:limit])
                raise _TooLarge(f"body (decompressed) exceeds max_response_bytes={limit}")
            if time.monotonic() > deadline:
                raise _Retryable(f"response still streaming after request_deadline="
                                 f"{self.settings.request_deadline:g}s")
        return bytes(out)

    def _read_body(self, p: str, r: requests.Response) -> bytes:
        limit = self.settings.max_response_bytes
        declared = r.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise FetchError(p, f"response declares {declared} bytes, over max_response_bytes={limit}")
        try:
            body = self._stream(r, limit, time.monotonic() + self.settings.request_deadline)
        except _TooLarge as e:
            raise FetchError(p, str(e)) from None
        wire = r.raw.tell()
        if declared is not None and declared.isdigit() and wire < int(declared):
            raise _Retryable(f"body shorter than Content-Length ({wire} < {declared})")
        self._count(bytes=len(body))
        return body
