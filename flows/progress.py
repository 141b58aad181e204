"""Progress a person can watch: a bar on a terminal, plain lines in a log file or CI.

Days are the unit of a backfill's ETA (their total is known before listing); filings are counted as
they are done, and for a reprocess (whose total is known up front) they drive the ETA instead.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any


def _fmt_seconds(s: float | None) -> str:
    if s is None or s != s or s == float("inf"):
        return "?"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{sec:02d}s" if m else f"{sec}s")


class Progress:
    """`advance(days=, filings=)` as work completes; `close()` prints the final line or removes the bar.

    A rich bar when `stream` is a terminal, else a plain line every `interval` seconds. `enabled=None`
    follows `EDGAR8K_PROGRESS` (`off`, `lines`, or unset for automatic); `enabled=False` is silent.
    """

    def __init__(self, label: str, total_days: int | None = None, total_filings: int | None = None,
                 enabled: bool | None = None, stream: IO[str] | None = None, interval: float = 10.0):
        self.label = label
        self.total_days = total_days
        self.total_filings = total_filings
        self.days = 0
        self.filings = 0
        self.stream = stream or sys.stderr
        self.interval = interval
        self.t0 = time.monotonic()
        self._last_line = self.t0
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled is None:
            enabled = {"off": False, "lines": True, "bar": True}.get(os.environ.get("EDGAR8K_PROGRESS", ""), True)
            tty = tty and os.environ.get("EDGAR8K_PROGRESS") != "lines"
        self.enabled = enabled
        self._bar: Any = None
        if self.enabled and tty:
            self._start_bar()

    # -- public -------------------------------------------------------------------------------

    def add_total(self, filings: int) -> None:
        """More filings became known (a backfill lists one range at a time)."""
        self.total_filings = (self.total_filings or 0) + filings
        self._refresh()

    def advance(self, days: int = 0, filings: int = 0) -> None:
        self.days += days
        self.filings += filings
        self._refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._refresh()
            self._bar.stop()
            self._bar = None
        elif self.enabled:
            self._line(final=True)
        self.enabled = False

    # -- figures ------------------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    @property
    def rate(self) -> float:
        return self.filings / self.elapsed if self.elapsed > 0 else 0.0

    def fraction(self) -> float | None:
        if self.total_days:
            return min(1.0, self.days / self.total_days)
        if self.total_filings:
            return min(1.0, self.filings / self.total_filings)
        return None

    def eta(self) -> float | None:
        f = self.fraction()
        if not f:
            return None
        return self.elapsed * (1 - f) / f

    def describe(self) -> str:
        parts = [self.label + ":"]
        if self.total_days is not None:
            parts.append(f"{self.days}/{self.total_days} days,")
        total = f"/{self.total_filings}" if self.total_filings is not None else ""
        parts.append(f"{self.filings}{total} filings, {self.rate:.1f} filings/s, elapsed {_fmt_seconds(self.elapsed)}")
        parts.append(f"ETA {_fmt_seconds(self.eta())}")
        return " ".join(parts)

    # -- output -------------------------------------------------------------------------------

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress as Bar, TaskProgressColumn, TextColumn

        self._bar = Bar(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                        TextColumn("{task.fields[detail]}"), console=Console(file=self.stream),
                        transient=False, refresh_per_second=4)
        self._task = self._bar.add_task(self.label, total=100, detail="")
        self._bar.start()

    def _refresh(self) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            f = self.fraction()
            detail = self.describe().split(": ", 1)[1]
            self._bar.update(self._task, completed=100 * f if f is not None else 0, detail=detail)
        elif time.monotonic() - self._last_line >= self.interval:
            self._line()

    def _line(self, final: bool = False) -> None:
        self._last_line = time.monotonic()
        text = self.describe()
        if final:
            text = text.rsplit(" ETA ", 1)[0] + " (done)"
        self.stream.write(text + "\n")  # not print(): a flow with log_prints would turn it into a log record
        self.stream.flush()
