"""edgar8k benchmarks: the figures that show whether a run is always waiting on the network.

    .venv/bin/python benchmarks/run.py [--quick] [--only parse,scale,rate,nightly,write,listing] [--json PATH]

1. parse   - the whole transform over every full submission in corpus/filings/ on one core (filings/s,
             MB/s, median of passes), side by side with edgartools' SGML parse and
             `parse_html(...).text()` on the same files (edgartools is a dev-only dependency).
2. scale   - a generated mirror (benchmarks/generate_mirror.py: old text + modern HTML at realistic
             sizes) served by the test EDGAR with no ceiling: `edgar8k backfill --rate 2000 --workers 8`
             in a subprocess, then a reprocess of the raw store; filings/s and the process tree's RSS
             sampled through each run (peak, first vs last quarter).
3. rate    - a backfill against the test EDGAR with its 10/s ceiling: achieved requests/s against the
             configured rate, busiest sliding second, throttle responses.
4. nightly - the nightly flow twice over the same mirror: the second run is the no-op; its wall time
             and exactly which requests it made.
5. write   - upsert of one day (300 filings) into a year partition holding 75,000 filings.
6. listing - one quarter's form.idx at real size (63 business days of a real 2020 daily index, ~257,000
             rows, of which ~6% are 8-Ks): time and peak RSS of listing its 8-Ks, each in a fresh process,
             with the forms picked while parsing (as backfills do) and with every row parsed first.

Flows run in subprocesses against one `prefect server start` on a loopback port started here (a
temporary server would cost ~10 s per process; see /work/shared/docs/prefect.md); the per-process
overhead (wall time minus the flow's own elapsed time) is reported separately. Generated mirrors,
outputs and the Prefect home live in a temporary folder that is deleted afterwards (--keep to keep).
Benchmarks print figures; nothing here is a test assertion.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
BENCHES = ("parse", "scale", "rate", "nightly", "write", "listing")
USER_AGENT = "edgar8k-bench bench@example.com"
SEC_RATE = 10  # requests/s: what sec.gov allows, so a live backfill's ceiling (one request per filing)
MB = 1e6


# ---- machine ---------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = None
    with contextlib.suppress(ImportError):
        import psutil
        ram = round(psutil.virtual_memory().total / 2**30, 1)
    versions = {}
    for pkg in ("edgar8k", "pandas", "pyarrow", "prefect", "requests", "beautifulsoup4", "lxml", "edgartools",
                "psutil"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity") else os.cpu_count(), "ram_gb": ram,
            "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
            "packages": versions, "git": f"{commit}{'+dirty' if dirty else ''}",
            "load_avg_start": [round(x, 2) for x in os.getloadavg()]}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_line(m: dict[str, Any]) -> str:
    p = m["packages"]
    return (f"{m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"{m['os']}; edgar8k {p['edgar8k']} ({m['git']}), pandas {p['pandas']}, pyarrow {p['pyarrow']}, "
            f"prefect {p['prefect']}, lxml {p['lxml']}, bs4 {p['beautifulsoup4']}, edgartools {p['edgartools']}; "
            f"load average at start {m['load_avg_start']}")


# ---- helpers ---------------------------------------------------------------------------------

def median_time(fn: Callable[[], object], passes: int, budget: float) -> tuple[float, int]:
    """Median wall time of up to `passes` runs of fn, stopping early once `budget` seconds are spent."""
    times: list[float] = []
    spent = 0.0
    while len(times) < passes and (not times or spent < budget):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        spent += times[-1]
    return statistics.median(times), len(times)


class RssSampler:
    """Samples the RSS of a process and all its children every `interval` seconds, in a thread."""

    def __init__(self, pid: int, interval: float = 0.25):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        # (t, tree rss, main rss, tree anonymous rss): RSS less its file-backed and shared pages, which
        # are the libraries' code and data as the page cache holds them, not memory the run allocated
        self.samples: list[tuple[float, int, int, int]] = []
        self.peaks: dict[int, tuple[int, str]] = {}  # pid -> (peak rss, role)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")
        self.t0 = time.monotonic()

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                mi = self.proc.memory_info()
                main, tree, anon = mi.rss, mi.rss, mi.rss - mi.shared
                self._peak(self.proc, main)
                for c in self.proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        ci = c.memory_info()
                        tree += ci.rss
                        anon += ci.rss - ci.shared
                        self._peak(c, ci.rss)
                self.samples.append((time.monotonic() - self.t0, tree, main, anon))
            except psutil.Error:
                break
            self._stop.wait(self.interval)

    def _peak(self, p: Any, rss: int) -> None:
        known = self.peaks.get(p.pid)
        if known is None:
            known = self.peaks[p.pid] = (rss, "main" if p.pid == self.proc.pid else _role(p))
        if rss > known[0]:
            self.peaks[p.pid] = (rss, known[1])

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {}
        end = self.samples[-1][0]
        q1 = [s for s in self.samples if s[0] <= end / 4]
        q4 = [s for s in self.samples if s[0] >= 3 * end / 4]

        def mb(v: float) -> float:
            return round(v / 2**20, 1)

        first, last = max(s[1] for s in q1), max(s[1] for s in q4)
        a1, a4 = max(s[3] for s in q1), max(s[3] for s in q4)
        # medians: the level each quarter sits at, beside its peak (one spike sets a peak)
        m1, m4 = statistics.median(s[1] for s in q1), statistics.median(s[1] for s in q4)
        per = sorted(self.peaks.values(), reverse=True)
        return {"samples": len(self.samples), "peak_rss_mb": mb(max(s[1] for s in self.samples)),
                "per_process_peak_mb": [f"{role} {mb(rss)}" for rss, role in per if rss > 5 * 2**20],
                "peak_main_rss_mb": mb(max(s[2] for s in self.samples)),
                "first_quarter_peak_mb": mb(first), "last_quarter_peak_mb": mb(last),
                "last_over_first": round(last / first, 3) if first else None,
                "first_quarter_median_mb": mb(m1), "last_quarter_median_mb": mb(m4),
                "peak_anon_mb": mb(max(s[3] for s in self.samples)),
                "first_quarter_anon_peak_mb": mb(a1), "last_quarter_anon_peak_mb": mb(a4),
                "anon_last_over_first": round(a4 / a1, 3) if a1 else None,
                "timeline_mb": [[round(s[0], 1), mb(s[1])] for s in self.samples[:: max(1, len(self.samples) // 40)]]}


def _role(p: Any) -> str:
    """What a child process is, for the per-process peaks."""
    with contextlib.suppress(Exception):
        cmd = " ".join(p.cmdline())
        for marker, role in (("resource_tracker", "resource tracker"), ("spawn_main", "spawned worker"),
                             ("forkserver", "forkserver")):
            if marker in cmd:
                return role
        return cmd[:60] or "?"
    return "?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """One `prefect server start` on a loopback port for every flow subprocess of the run."""

    def __init__(self, home: Path):
        self.home = home
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self.error: str | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({"PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90"})
        return env

    def start(self, timeout: float = 120) -> bool:
        t0 = time.monotonic()
        self.home.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                      "--port", str(self.port)], env=self.env(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                self.error = f"prefect server exited with {self.proc.returncode}"
                return False
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        self.startup_seconds = time.monotonic() - t0
                        return True
            time.sleep(0.5)
        self.error = f"prefect server not healthy after {timeout:.0f}s"
        self.stop()
        return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and its workers only
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)


class Ctx:
    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args = args
        self.quick = args.quick
        self.tmp = tmp
        self.prefect: PrefectServer | None = None

    def flow_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        if self.prefect is None:
            server = PrefectServer(self.tmp / "prefect-home")
            if not self.args.no_prefect_server and server.start():
                self.prefect = server
                print(f"  (prefect server on {server.api_url}, healthy after {server.startup_seconds:.1f}s)",
                      flush=True)
            else:
                if server.error:
                    print(f"  (no shared prefect server: {server.error}; each run starts a temporary one)", flush=True)
                self.prefect = server
                server.proc = None
        env = self.prefect.env()
        if self.prefect.proc is not None:
            env["PREFECT_API_URL"] = self.prefect.api_url
        env.update({"EDGAR8K_CONFIG": str(self.tmp / "no-config.toml")})  # ignore any edgar8k.toml in the cwd
        env.update(extra or {})
        return env


def run_sampled(cmd: list[str], env: dict[str, str], timeout: float, cwd: Path = REPO,
                trace: Path | None = None) -> dict[str, Any]:
    """Run cmd, sampling its process tree's RSS; returns wall time, rc, output tail and RSS figures.
    `trace` gets every sample as CSV (seconds, tree MB, main-process MB, tree anonymous MB), for plotting."""
    out_path = Path(tempfile.mktemp(prefix="bench-out-", dir=env.get("BENCH_TMP")))
    t0 = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        with RssSampler(proc.pid) as sampler:
            try:
                rc = proc.wait(timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
    wall = time.monotonic() - t0
    text = out_path.read_text(errors="replace")
    out_path.unlink(missing_ok=True)
    if trace is not None:
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.write_text("seconds,tree_mb,main_mb,tree_anon_mb\n" + "".join(
            f"{t:.2f},{tree / 2**20:.1f},{main / 2**20:.1f},{anon / 2**20:.1f}\n" for t, tree, main, anon in sampler.samples))
    return {"wall_seconds": round(wall, 2), "rc": rc, "timed_out": timed_out, "output": text[-3000:],
            **sampler.summary()}


def last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.splitlines()):
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON "):])
    return {}


def latest_run_record(out: Path, flow: str | None = None) -> dict[str, Any]:
    """The newest run record the flows keep beside the data (`_runs/*-{flow}-*.json`)."""
    runs = sorted((out / "_runs").glob(f"*-{flow}-*.json" if flow else "*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text()) if runs else {}


def row(bench: str, metric: str, value: Any, target: str = "", ok: bool | None = None) -> dict[str, Any]:
    return {"benchmark": bench, "metric": metric, "value": value, "target": target,
            "verdict": "" if ok is None else ("PASS" if ok else "FAIL")}


# ---- 1. parse ----------------------------------------------------------------------------------

def bench_parse(ctx: Ctx) -> dict[str, Any]:
    import csv
    import warnings

    from parse_bench import pin_one_core

    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.model import ParseError
    from edgar8k.transform.records import FilingMeta, process_submission
    from edgar8k.transform.sgml import parse_submission
    from edgar8k.transform.text import html_to_text

    corpus = ctx.args.shared / "corpus"
    manifest = {r["path"]: r for r in csv.DictReader((corpus / "MANIFEST.csv").open())}
    files = sorted(p for p in (corpus / "filings").iterdir() if p.is_file())
    if ctx.quick:
        files = files[::4]
    inputs = []
    for p in files:
        r = manifest.get(f"filings/{p.name}", {})
        filed = r.get("filed_date") or ""
        meta = FilingMeta(accession_number=r.get("accession") or p.stem, cik=int(r.get("cik") or 0),
                          company_name=r.get("company") or None, form_type=r.get("form_type") or None,
                          filing_date=dt.date.fromisoformat(filed) if filed else dt.date(2000, 1, 3))
        inputs.append((p.read_bytes(), meta))
    size = sum(len(raw) for raw, _ in inputs) / MB
    passes = 2 if ctx.quick else 5
    budget = 60.0 if ctx.quick else 300.0  # no further pass once this many seconds are spent
    old_affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pinned = pin_one_core()
    res: dict[str, Any] = {"files": len(inputs), "mb": round(size, 2), "pinned": pinned,
                           "subset": "every 4th file (--quick)" if ctx.quick else "all"}
    try:
        # HTML documents inside these submissions (primary 8-K and EX-99*), untimed extraction
        html_docs = []
        for raw, _ in inputs:
            with contextlib.suppress(Exception):
                for d in parse_submission(raw).documents:
                    head = d.body[:2000].lower()
                    if not d.is_binary and ("<html" in head or "<body" in head or "<div" in head or "<p" in head):
                        html_docs.append(d.body)
        html_mb = sum(len(b.encode()) for b in html_docs) / MB

        per_pass: list[list[tuple[float, str, int]]] = []

        def transform_pass() -> None:
            times = []
            for raw, m in inputs:
                t = time.perf_counter()
                process_submission(raw, m)
                times.append((time.perf_counter() - t, m.accession_number, len(raw)))
            per_pass.append(times)

        secs, n = median_time(transform_pass, passes, budget)
        res["transform"] = {"seconds": round(secs, 3), "passes": n, "filings_per_s": round(len(inputs) / secs, 1),
                            "mb_per_s": round(size / secs, 2)}
        per_file = sorted(per_pass[-1], reverse=True)
        res["transform"]["slowest"] = [{"accession": a, "kb": round(b / 1e3), "seconds": round(s, 2)}
                                       for s, a, b in per_file[:5]]
        res["transform"]["median_file_ms"] = round(statistics.median(s for s, _, _ in per_file) * 1e3, 1)
        def parse_text_pass() -> None:
            for raw, _ in inputs:
                with contextlib.suppress(ParseError):
                    build_filing_text(parse_submission(raw))

        secs, n = median_time(parse_text_pass, passes, budget)
        res["parse_text"] = {"seconds": round(secs, 3), "passes": n, "filings_per_s": round(len(inputs) / secs, 1),
                             "mb_per_s": round(size / secs, 2)}
        secs, n = median_time(lambda: [parse_submission(raw) for raw, _ in inputs], passes, budget)
        res["sgml_edgar8k"] = {"seconds": round(secs, 4), "passes": n, "filings_per_s": round(len(inputs) / secs, 1),
                               "mb_per_s": round(size / secs, 1)}
        secs, n = median_time(lambda: [html_to_text(b) for b in html_docs], passes, budget)
        res["html_edgar8k"] = {"docs": len(html_docs), "mb": round(html_mb, 2), "seconds": round(secs, 4),
                               "passes": n, "mb_per_s": round(html_mb / secs, 2)}
        try:
            from edgar.documents import parse_html
            from edgar.sgml import FilingSGML

            def et_sgml() -> None:
                for raw, _ in inputs:
                    with contextlib.suppress(Exception):
                        FilingSGML.from_text(raw.decode("utf-8", errors="replace"))

            def et_html() -> None:
                for b in html_docs:
                    with contextlib.suppress(Exception):
                        parse_html(b).text()

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                et_sgml()
                if html_docs:
                    parse_html(html_docs[0]).text()  # warm-up: imports and caches are not parsing cost
                secs, n = median_time(et_sgml, passes, budget)
                res["sgml_edgartools"] = {"seconds": round(secs, 4), "passes": n,
                                          "filings_per_s": round(len(inputs) / secs, 1),
                                          "mb_per_s": round(size / secs, 1)}
                secs, n = median_time(et_html, passes, budget)
                res["html_edgartools"] = {"seconds": round(secs, 4), "passes": n, "mb_per_s": round(html_mb / secs, 2)}
        except ImportError as e:
            res["edgartools_error"] = f"edgartools not installed ({e}); pip install edgartools for the comparison"
    finally:
        if old_affinity:
            os.sched_setaffinity(0, old_affinity)
    t = res["transform"]
    rows = [row("parse", f"whole transform, {res['files']} submissions, {res['mb']} MB ({res['subset']}), "
                         f"median of {t['passes']}", f"{t['filings_per_s']} filings/s, {t['mb_per_s']} MB/s",
                ">= 100 filings/s/core", t["filings_per_s"] >= 100),
            row("parse", "whole transform: median file / slowest file",
                f"{t['median_file_ms']} ms / {t['slowest'][0]['seconds']} s ({t['slowest'][0]['accession']}, "
                f"{t['slowest'][0]['kb']} KB)")]
    pt = res["parse_text"]
    rows.append(row("parse", "  of which SGML + text + items (before extraction)",
                    f"{pt['filings_per_s']} filings/s, {pt['mb_per_s']} MB/s"))
    s = res["sgml_edgar8k"]
    if "sgml_edgartools" in res:
        e = res["sgml_edgartools"]
        rows.append(row("parse", "SGML parse: edgar8k vs edgartools FilingSGML.from_text",
                        f"{s['filings_per_s']} vs {e['filings_per_s']} filings/s ({e['seconds'] / s['seconds']:.1f}x)"))
    h = res["html_edgar8k"]
    if "html_edgartools" in res:
        e = res["html_edgartools"]
        x = e["seconds"] / h["seconds"]
        res["html_speedup"] = round(x, 2)
        rows.append(row("parse", f"HTML -> text, {h['docs']} docs, {h['mb']} MB: edgar8k vs edgartools "
                                 "parse_html().text()", f"{h['mb_per_s']} vs {e['mb_per_s']} MB/s ({x:.1f}x)",
                        ">= 2x edgartools", x >= 2))
    res["rows"] = rows
    return res


# ---- 2. scale ----------------------------------------------------------------------------------

def _mirror_days(root: Path) -> list[dt.date]:
    days = set()
    for p in (root / "Archives" / "edgar" / "daily-index").rglob("form.*.idx"):
        s = p.name.split(".")[1]
        days.add(dt.date(int(s[:4]), int(s[4:6]), int(s[6:])))
    return sorted(days)


def _reprocess_cmd(raw: Path, out: Path, mirror: Path, start: dt.date, end: dt.date) -> tuple[list[str], str]:
    """`edgar8k reprocess` when the CLI has it, else this script's own worker (transform + load directly)."""
    from edgar8k import cli

    parser = cli.build_parser()
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)  # noqa: SLF001
    rp = sub.choices.get("reprocess") if sub else None
    if rp is not None:
        opts = {s for a in rp._actions for s in a.option_strings}  # noqa: SLF001
        cmd = [sys.executable, "-m", "edgar8k.cli", "reprocess"]
        for flag, value in (("--raw", raw), ("--out", out), ("--start", start), ("--end", end),
                            ("--progress", "off")):
            if flag in opts:
                cmd += [flag, str(value)]
        return cmd, "edgar8k reprocess (CLI)"
    return ([sys.executable, str(Path(__file__).resolve()), "--worker", "reprocess", "--raw", str(raw), "--out",
             str(out), "--mirror", str(mirror)],
            "benchmarks/run.py worker: raw store -> transform.records.process_submission -> steps.write_batch "
            "(no `edgar8k reprocess` yet)")


def _trace(ctx: Ctx, name: str) -> Path | None:
    return ctx.args.rss_trace / f"{name}.csv" if ctx.args.rss_trace else None


def bench_scale(ctx: Ctx) -> dict[str, Any]:
    from generate_mirror import generate

    from edgar8k.testing.edgar_server import EdgarServer

    n = ctx.args.scale_n or (60 if ctx.quick else 100_000)
    root = ctx.args.scale_mirror or ctx.tmp / "scale-mirror"
    print(f"  generating a {n:,}-filing mirror under {root} (reused if already there) ...", flush=True)
    info = generate(root, n)
    res: dict[str, Any] = {"mirror": info.summary()}
    days = info.days
    limit = ctx.args.backfill_n or n
    # backfill consecutive days holding `limit` 8-Ks; in a mirror of eras (all text filings first) they
    # are placed across the text/HTML boundary so that the subset keeps the mirror's mix
    per_day: dict[dt.date, int] = {}
    for f in info.filings:
        if f.form_type.startswith("8-K"):
            per_day[f.filing_date] = per_day.get(f.filing_date, 0) + 1
    eras = info.text_flags == sorted(info.text_flags, reverse=True)  # every text filing first
    skip = max(0, min(n - limit, info.n_text - int(limit * info.n_text / max(1, n)))) if eras else 0
    cum, first = 0, days[0]
    for d in days:
        if cum + per_day.get(d, 0) > skip:
            first = d
            break
        cum += per_day.get(d, 0)
    count, end = 0, days[-1]
    for d in days[days.index(first):]:
        count += per_day.get(d, 0)
        if count >= limit:
            end = d
            break
    n_text_window = sum(1 for is_text, f in zip(info.text_flags, (x for x in info.filings if x.form_type.startswith("8-K")))
                        if first <= f.filing_date <= end and is_text)
    res["window"] = {"start": first.isoformat(), "end": end.isoformat(), "filings": count, "text_era": n_text_window}
    out, raw = ctx.tmp / "scale-out", ctx.tmp / "scale-raw"
    timeout = 180.0 if ctx.quick else ctx.args.scale_timeout
    with EdgarServer(root, rate_limit=None) as server:
        cmd = [sys.executable, "-m", "edgar8k.cli", "backfill", "--start", first.isoformat(), "--end",
               end.isoformat(), "--source", server.url, "--out", str(out), "--raw", str(raw), "--rate", "2000",
               "--workers", "8", "--user-agent", USER_AGENT]
        print(f"  backfill {first}..{end} ({count:,} filings, {n_text_window:,} of them old text) over {server.url} ...",
              flush=True)
        r = run_sampled(cmd, ctx.flow_env(), timeout, trace=_trace(ctx, "scale-backfill"))
        log = server.requests_log()
    rec = latest_run_record(out, "backfill")
    done = rec.get("counts", {}).get("filings", 0)
    flow_secs = rec.get("elapsed_seconds")
    fetched = sum(1 for x in log if "/data/" in x.path and x.status == 200)
    r.update({"filings_planned": count, "filings_written": done, "submissions_fetched": fetched,
              "requests": len(log), "flow_seconds": flow_secs, "counts": rec.get("counts"),
              "command": " ".join(cmd)})
    base_secs = flow_secs or r["wall_seconds"]
    r["filings_per_s"] = round((done or fetched) / base_secs, 2) if base_secs else None
    if r["timed_out"]:
        r["note"] = f"stopped after {timeout:.0f}s; {fetched} submissions fetched by then"
        r["filings_per_s"] = round(fetched / r["wall_seconds"], 2)
    r["prefect_overhead_seconds"] = round(r["wall_seconds"] - flow_secs, 1) if flow_secs else None
    res["backfill"] = r
    if ctx.args.no_reprocess:
        return _scale_done(ctx, res, root)
    # reprocess whatever the raw store holds
    rcmd, how = _reprocess_cmd(raw, out, root, first, end)
    print(f"  reprocess via {how.split(':')[0]} ...", flush=True)
    rr = run_sampled(rcmd, ctx.flow_env(), timeout, trace=_trace(ctx, "scale-reprocess"))
    stats = last_json(rr["output"])
    rrec = latest_run_record(out, "reprocess")
    n_re = stats.get("filings") or rrec.get("counts", {}).get("filings", 0)
    secs = stats.get("seconds") or rrec.get("elapsed_seconds") or rr["wall_seconds"]
    rr["prefect_overhead_seconds"] = round(rr["wall_seconds"] - secs, 1) if secs else None
    rr.update({"how": how, "filings": n_re, "seconds": secs, "filings_per_s": round(n_re / secs, 2) if secs else None,
               "command": " ".join(rcmd)})
    res["reprocess"] = rr
    return _scale_done(ctx, res, root)


def _scale_done(ctx: Ctx, res: dict[str, Any], root: Path) -> dict[str, Any]:
    for k in ("backfill", "reprocess"):
        if k in res and res[k]["rc"] == 0:
            res[k].pop("output", None)
    if not ctx.args.keep and not ctx.args.scale_mirror:
        shutil.rmtree(root, ignore_errors=True)
    b, p = res["backfill"], res.get("reprocess")

    def rss_rows(name: str, x: dict[str, Any]) -> list[dict[str, Any]]:
        if "peak_rss_mb" not in x:
            return []
        flat = x["last_over_first"] is not None and x["last_over_first"] <= 1.0
        return [row("scale", f"{name}: peak RSS (process tree incl. children; main process)",
                    f"{x['peak_rss_mb']} MB ({x['peak_main_rss_mb']} MB)", "< 500 MB", x["peak_rss_mb"] < 500),
                row("scale", f"{name}: RSS peak last quarter / first quarter",
                    f"{x['last_quarter_peak_mb']} / {x['first_quarter_peak_mb']} MB = {x['last_over_first']}"
                    f" (medians {x['last_quarter_median_mb']} / {x['first_quarter_median_mb']} MB;"
                    f" anonymous memory {x['last_quarter_anon_peak_mb']} / {x['first_quarter_anon_peak_mb']} MB"
                    f" = {x['anon_last_over_first']})",
                    "<= 1.0 (flat)", flat)]

    m = res["mirror"]
    rows = [row("scale", "mirror", f"{m['filings_8k']:,} 8-Ks ({m['text_era']:,} text ~{m['mean_kb_text']} KB, "
                                   f"{m['html_era']:,} HTML ~{m['mean_kb_html']} KB; {m['total_mb']} MB, "
                                   f"{m['business_days']} days), generated in {m['generate_seconds']} s"
                                   + (" (reused)" if m.get("reused") else "")),
            row("scale", f"backfill (rate 2000, 8 workers): {b['filings_written'] or b['submissions_fetched']:,} "
                         f"of {b['filings_planned']:,} filings ({res['window']['text_era']:,} old text), "
                         f"{res['window']['start']}..{res['window']['end']}"
                         + (" (timed out)" if b["timed_out"] else ""),
                f"{b['filings_per_s']} filings/s (flow {b['flow_seconds']} s, wall {b['wall_seconds']} s)",
                f">= {2 * SEC_RATE} filings/s (2x sec.gov's {SEC_RATE} requests/s: a live run waits on the network)",
                (b["filings_per_s"] or 0) >= 2 * SEC_RATE),
            *rss_rows("backfill", b)]
    if p is not None:
        rows += [row("scale", f"reprocess ({p['how'].split(':')[0]}): {p['filings']:,} filings"
                              + (" (timed out)" if p["timed_out"] else ""),
                     f"{p['filings_per_s']} filings/s ({p['seconds']} s)", ">= 100 filings/s",
                     (p["filings_per_s"] or 0) >= 100),
                 *rss_rows("reprocess", p)]
    res["rows"] = rows
    return res


def reprocess_worker(args: argparse.Namespace) -> int:
    """Reprocess every stored submission, day by day, writing a batch every 5,000 filings."""
    from edgar8k.extract.edgar_index import parse_index
    from edgar8k.extract.raw_store import RawStore
    from edgar8k.flows import steps
    from edgar8k.transform.records import process_submission

    t0 = time.monotonic()
    store = RawStore(args.raw)
    total = 0
    batch = steps.BatchResult()
    for idx in sorted((Path(args.mirror) / "Archives" / "edgar" / "daily-index").rglob("form.*.idx")):
        for e in parse_index(idx.read_bytes()):
            if not e.form_type.startswith("8-K"):
                continue
            rec = store.get(e.accession_number)
            if rec is None:
                continue
            p = process_submission(rec.data, steps.meta_for(e, rec, None))
            batch.add(e.filing_date, p.filing, p.issuances)
            if len(batch.filings) >= 5000:
                steps.write_batch(batch, args.out)
                total += len(batch.filings)
                batch = steps.BatchResult()
    if batch.filings:
        steps.write_batch(batch, args.out)
        total += len(batch.filings)
    print("BENCH-JSON " + json.dumps({"filings": total, "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    return 0


# ---- 3. rate -----------------------------------------------------------------------------------

def bench_rate(ctx: Ctx) -> dict[str, Any]:
    from edgar8k.testing.edgar_server import EdgarServer
    from edgar8k.testing.mirror import write_mirror

    n = 120 if ctx.quick else 800
    root = ctx.tmp / "rate-mirror"
    filings = write_mirror(root, n, per_day=60)
    days = _mirror_days(root)
    out, raw = ctx.tmp / "rate-out", ctx.tmp / "rate-raw"
    rate = 9.0  # the configured default: 90% of the SEC's 10/s
    with EdgarServer(root, rate_limit=10, lockout=10.0) as server:
        cmd = [sys.executable, "-m", "edgar8k.cli", "backfill", "--start", days[0].isoformat(), "--end",
               days[-1].isoformat(), "--source", server.url, "--out", str(out), "--raw", str(raw), "--rate",
               str(rate), "--workers", "4", "--user-agent", USER_AGENT]
        print(f"  backfill of {n} small filings at --rate {rate:g} against a 10/s ceiling ...", flush=True)
        r = run_sampled(cmd, ctx.flow_env({"EDGAR8K_THROTTLE_COOLDOWN": "10"}), 240 if ctx.quick else 600)
        log = server.requests_log()
        achieved = server.achieved_rate()
        busiest = server.max_in_window(1.0)
        trips = server.throttle_trips
    rec = latest_run_record(out, "backfill")
    throttled = sum(1 for x in log if x.fault == "throttle")
    res = {"filings": sum(f.form_type.startswith("8-K") for f in filings), "configured_rate": rate,
           "requests": len(log), "achieved_rate": round(achieved, 2), "achieved_share": round(achieved / rate, 3),
           "busiest_second": busiest, "throttle_responses": throttled, "throttle_trips": trips,
           "client_http": rec.get("http"), "wall_seconds": r["wall_seconds"], "rc": r["rc"],
           "flow_seconds": rec.get("elapsed_seconds"), "command": " ".join(cmd)}
    if not ctx.args.keep:
        shutil.rmtree(root, ignore_errors=True)
    res["rows"] = [
        row("rate", f"backfill, {res['requests']} requests, configured rate {rate:g}/s, ceiling 10/s",
            f"{res['achieved_rate']}/s ({res['achieved_share']:.0%} of configured)", ">= 90% of configured",
            res["achieved_share"] >= 0.9),
        row("rate", "busiest sliding second (server log)", f"{busiest} requests", "<= 10", busiest <= 10),
        row("rate", "throttle responses", throttled, "0", throttled == 0)]
    return res


# ---- 4. nightly --------------------------------------------------------------------------------

def nightly_worker(args: argparse.Namespace) -> int:
    from edgar8k import cli

    cli._prefect_env()  # noqa: SLF001 - the CLI's quiet Prefect defaults
    from edgar8k.flows.backfill import nightly_flow

    overrides = {"source": args.source, "out": args.out, "raw": args.raw, "user_agent": USER_AGENT,
                 "rate": args.rate, "workers": 4}
    t0 = time.monotonic()
    summary = nightly_flow(overrides, today=dt.date.fromisoformat(args.today))
    wall = time.monotonic() - t0
    print("BENCH-JSON " + json.dumps({"flow_call_seconds": round(wall, 3), "elapsed_seconds": summary.get(
        "elapsed_seconds"), "counts": summary.get("counts"), "http": summary.get("http")}, default=str), flush=True)
    return 0


def bench_nightly(ctx: Ctx) -> dict[str, Any]:
    from edgar8k.extract.edgar_index import is_business_day
    from edgar8k.testing.edgar_server import EdgarServer
    from edgar8k.testing.mirror import write_mirror

    n = 100 if ctx.quick else 600
    root = ctx.tmp / "nightly-mirror"
    write_mirror(root, n, per_day=40)
    days = _mirror_days(root)
    today = days[-1] + dt.timedelta(days=1)
    while not is_business_day(today):
        today += dt.timedelta(days=1)
    out, raw = ctx.tmp / "nightly-out", ctx.tmp / "nightly-raw"
    runs = []
    with EdgarServer(root, rate_limit=10, lockout=10.0) as server:
        for i in range(2):
            server.reset_log()
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "nightly", "--today", today.isoformat(),
                   "--source", server.url, "--out", str(out), "--raw", str(raw), "--rate", "9"]
            r = run_sampled(cmd, ctx.flow_env(), 300)
            log = server.requests_log()
            stats = last_json(r["output"])
            runs.append({"wall_seconds": r["wall_seconds"], "rc": r["rc"], "flow_call_seconds":
                         stats.get("flow_call_seconds"), "flow_elapsed_seconds": stats.get("elapsed_seconds"),
                         "counts": stats.get("counts"), "requests": len(log),
                         "paths": sorted({x.path for x in log}) if len(log) < 50 else None,
                         "non_index_requests": sum(1 for x in log if "/daily-index/" not in x.path
                                                   and "/full-index/" not in x.path),
                         "output": r["output"][-1500:] if r["rc"] else None})
    if not ctx.args.keep:
        shutil.rmtree(root, ignore_errors=True)
    first, second = runs
    relisted = len({p.rsplit(".", 2)[-2] for p in (second["paths"] or []) if "/daily-index/" in p})
    res = {"today": today.isoformat(), "mirror_days": len(days), "first": first, "second": second,
           "relisted_days": relisted, "command": "benchmarks/run.py --worker nightly --today "
           f"{today} (nightly_flow(overrides, today=...); the CLI has no --today)"}
    res["rows"] = [
        row("nightly", f"first run ({first['counts'].get('filings', 0) if first['counts'] else '?'} filings)",
            f"{first['requests']} requests, flow {first['flow_elapsed_seconds']} s, process {first['wall_seconds']} s"),
        row("nightly", "no-op run: wall time (flow / flow call / process)",
            f"{second['flow_elapsed_seconds']} s / {second['flow_call_seconds']} s / {second['wall_seconds']} s"),
        row("nightly", f"no-op run: requests ({relisted} re-listed days)",
            f"{second['requests']} ({second['non_index_requests']} not index files)",
            "only the re-listed days' index requests", second["non_index_requests"] == 0)]
    return res


# ---- 5. write ----------------------------------------------------------------------------------

def bench_write(ctx: Ctx) -> dict[str, Any]:
    import random

    from edgar8k.flows import steps
    from edgar8k.load.parquet import to_table, write_partitions
    from edgar8k.testing.mirror import plan_filings, submission_text
    from edgar8k.transform.records import FilingMeta, process_submission

    # realistic rows: the transform's own output for generated filings, cloned with fresh accessions
    rng = random.Random(5)
    n_base = ctx.args.write_rows or 75_000
    n_templates = 200 if n_base >= 10_000 else 30
    templates: list[tuple[dict, list[dict]]] = []
    for f in [f for f in plan_filings(300, dt.date(2021, 1, 4), seed=5) if f.form_type.startswith("8-K")][:n_templates]:
        meta = FilingMeta(f.accession_number, f.ciks[0], f.company_name, f.form_type, f.filing_date,
                          source_url="https://www.sec.gov/Archives/edgar/data/x", raw_sha256="0" * 64,
                          fetched_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), ciks=f.ciks)
        p = process_submission(submission_text(f, rng), meta)
        templates.append((p.filing, p.issuances))
    seq = iter(range(10**7))
    start = dt.date(2021, 1, 1)

    def day_rows(day: dt.date, n: int) -> steps.BatchResult:
        b = steps.BatchResult()
        for i in range(n):
            f, iss = templates[i % len(templates)]
            acc = f"{9000000 + i % 97:010d}-21-{next(seq):06d}"
            cik = rng.randrange(1000, 2_000_000)
            fr = {**f, "accession_number": acc, "filing_date": day, "filing_year": day.year, "cik": cik,
                  "filer_ciks": [cik], "company_name": f"{f['company_name']} {cik % 1000}",
                  "raw_sha256": rng.randbytes(32).hex(), "text_chars": rng.randrange(2_000, 200_000),
                  "source_url": f"https://www.sec.gov/Archives/edgar/data/{cik}/{acc.replace('-', '')}/{acc}.txt"}
            b.add(day, fr, [{**x, "accession_number": acc, "filing_date": day, "filing_year": day.year, "cik": cik,
                             "company_name": fr["company_name"]} for x in iss])
        return b

    out = ctx.tmp / "write-out"
    t = time.perf_counter()
    base = steps.BatchResult()
    day = start
    per_day = -(-n_base // 365)  # the year's filings spread over every month, as EDGAR's are
    while base.size < n_base:
        steps.merge(base, day_rows(day, min(per_day, n_base - base.size)))
        day += dt.timedelta(days=1)
    steps.write_batch(base, str(out))
    build = time.perf_counter() - t
    n_iss_base = len(base.issuances)
    del base
    part_mb = sum(p.stat().st_size for p in (out / "filings" / "filing_year=2021").glob("*.parquet")) / MB
    passes = 3 if ctx.quick else 7
    times, f_times, tt_times = [], [], []
    for i in range(passes):
        b = day_rows(dt.date(2021, 12, 1 + i), 300)
        t0 = time.perf_counter()
        steps.write_batch(b, str(out))
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        tbl = to_table("filings", b.filings)
        tt_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        write_partitions("filings", tbl, str(out), {f["accession_number"]: f["filing_date"] for f in b.filings})
        f_times.append(time.perf_counter() - t0)
    res = {"partition_filings": n_base, "partition_issuance_rows": n_iss_base, "partition_file_mb": round(part_mb, 2),
           "day_filings": 300, "build_seconds": round(build, 1), "passes": passes,
           "write_batch_seconds": round(statistics.median(times), 3),
           "filings_write_partitions_seconds": round(statistics.median(f_times), 3),
           "to_table_300_seconds": round(statistics.median(tt_times), 4)}
    shutil.rmtree(out, ignore_errors=True)
    res["rows"] = [
        row("write", f"upsert one day (300 filings) into a {n_base:,}-filing year partition "
                     f"({part_mb:.1f} MB), median of {passes}: filings + issuances (write_batch)",
            f"{res['write_batch_seconds']} s"),
        row("write", "  of which filings write_partitions / to_table(300 rows)",
            f"{res['filings_write_partitions_seconds']} s / {res['to_table_300_seconds']} s")]
    return res


# ---- the table ---------------------------------------------------------------------------------

def print_table(rows: list[dict[str, Any]], m: dict[str, Any]) -> str:
    lines = [f"Machine: {machine_line(m)}", ""]
    w = [max(len(str(r[k])) for r in rows + [{"benchmark": "benchmark", "metric": "metric", "value": "value",
                                              "target": "target", "verdict": "verdict"}])
         for k in ("benchmark", "metric", "value", "target", "verdict")]
    w[1] = min(w[1], 100)
    head = ("benchmark", "metric", "value", "target", "verdict")
    lines.append("  ".join(h.ljust(x) for h, x in zip(head, w)))
    lines.append("  ".join("-" * x for x in w))
    for r in rows:
        lines.append("  ".join(str(r[k]).ljust(x) for k, x in zip(head, w)))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="edgar8k bench", description="edgar8k benchmarks: prints a table and writes JSON.")
    ap.add_argument("--quick", action="store_true", help="every benchmark scaled down (minutes, not hours)")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    ap.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "latest.json")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("EDGAR8K_SHARED") or REPO.parent / "shared"))
    ap.add_argument("--scale-n", type=int, help="filings in the scale mirror (default 100,000; 300 with --quick)")
    ap.add_argument("--backfill-n", type=int, help="backfill only the first days holding this many filings")
    ap.add_argument("--scale-timeout", type=float, default=1800, help="seconds per scale run before it is stopped")
    ap.add_argument("--no-reprocess", action="store_true", help="scale: the backfill only")
    ap.add_argument("--scale-mirror", type=Path, help="scale: keep the generated mirror in this folder and "
                                                      "reuse it on the next run (it is ~110 KB a filing)")
    ap.add_argument("--write-rows", type=int, help="filings in the year partition (default 75,000)")
    ap.add_argument("--rss-trace", type=Path, help="scale: write every RSS sample of each run as CSV in this folder")
    ap.add_argument("--tmp", type=Path, help="work folder (default: a new temporary folder under /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep mirrors and outputs")
    ap.add_argument("--no-prefect-server", action="store_true", help="let each flow start a temporary server")
    ap.add_argument("--worker", choices=("reprocess", "nightly"), help=argparse.SUPPRESS)
    for a in ("--raw", "--out", "--mirror", "--source", "--today"):
        ap.add_argument(a, help=argparse.SUPPRESS)
    ap.add_argument("--rate", type=float, default=9.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker == "reprocess":
        return reprocess_worker(args)
    if args.worker == "nightly":
        return nightly_worker(args)

    names = [n.strip() for n in (args.only or ",".join(BENCHES)).split(",") if n.strip()]
    bad = set(names) - set(BENCHES)
    if bad:
        ap.error(f"unknown benchmark(s) {sorted(bad)}; choose from {', '.join(BENCHES)}")
    m = machine()
    print(f"edgar8k benchmarks ({'quick' if args.quick else 'full'}): {', '.join(names)}")
    print(f"Machine: {machine_line(m)}\n", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="edgar8k-bench-", dir=args.tmp))
    ctx = Ctx(args, tmp)
    os.environ["BENCH_TMP"] = str(tmp)
    results: dict[str, Any] = {}
    t_all = time.monotonic()
    try:
        for name in names:
            print(f"[{name}]", flush=True)
            t0 = time.monotonic()
            try:
                results[name] = globals()[f"bench_{name}"](ctx)
            except Exception as e:  # one broken benchmark must not hide the others' figures
                import traceback

                traceback.print_exc()
                results[name] = {"error": f"{type(e).__name__}: {e}",
                                 "rows": [row(name, "error", f"{type(e).__name__}: {e}"[:160])]}
            results[name]["bench_seconds"] = round(time.monotonic() - t0, 1)
            for r in results[name]["rows"]:
                print(f"  {r['metric']}: {r['value']}" + (f"  [{r['target']}: {r['verdict']}]" if r["verdict"] else ""),
                      flush=True)
    finally:
        if ctx.prefect is not None:
            ctx.prefect.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    m["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    rows = [r for n in names for r in results[n]["rows"]]
    table = print_table(rows, m)
    print("\n" + table)
    total = time.monotonic() - t_all
    print(f"\ntotal {total:.0f} s; load average at end {m['load_avg_end']}")
    if ctx.prefect is not None and ctx.prefect.startup_seconds:
        print(f"prefect server start-up (once, not in any figure): {ctx.prefect.startup_seconds:.1f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {"mode": "quick" if args.quick else "full", "started_at": dt.datetime.now(dt.timezone.utc).isoformat(),
               "total_seconds": round(total, 1), "machine": m, "machine_line": machine_line(m),
               "prefect_server_startup_seconds": ctx.prefect.startup_seconds if ctx.prefect else None,
               "argv": list(argv) if argv is not None else sys.argv[1:], "table": rows, "results": results}
    args.json.write_text(json.dumps(payload, indent=2, default=str))
    print(f"wrote {args.json}")
    return 0


# ---- 6. listing --------------------------------------------------------------------------------

_LISTING_WORKER = """
import json, os, sys, threading, time
from pathlib import Path
from edgar8k.extract.edgar_index import DEFAULT_FORMS, parse_index
mode, path = sys.argv[1:3]
# Warmed up as a backfill is: Arrow's compute functions load on first use (~50 MB RSS, once a process).
parse_index(Path(path).read_bytes()[:20000].rsplit(b"\\n", 1)[0], DEFAULT_FORMS)
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
peak, done = [0], threading.Event()
def sample():
    while not done.wait(0.002):
        peak[0] = max(peak[0], rss())
before = rss()
threading.Thread(target=sample, daemon=True).start()
data = Path(path).read_bytes()
t0 = time.perf_counter()
if mode == "filtered":
    entries = parse_index(data, DEFAULT_FORMS)
else:
    entries = [e for e in parse_index(data) if e.form_type in DEFAULT_FORMS]
seconds = time.perf_counter() - t0
done.set()
print("BENCH-JSON " + json.dumps({"entries": len(entries), "seconds": round(seconds, 3),
                                  "start_mb": round(before / 1e6, 1), "peak_mb": round(max(peak[0], rss()) / 1e6, 1)}))
"""
"""List one index file's 8-Ks in a fresh process, its RSS read every 2 ms from /proc/self/statm (the
process's import-time high-water mark would hide the listing's own), after listing the index's first
rows once so that one-time loading is not counted."""


def quarter_index(daily: Path, days: int = 63) -> bytes:
    """A quarter-sized form.idx: the daily index's rows once per business day, each copy with its own
    accession numbers (the rows of one filing keep sharing theirs) and its own filing date."""
    text = daily.read_text(encoding="latin-1")
    lines = text.split("\n")
    dash = next(i for i, l in enumerate(lines) if len(l) > 20 and set(l.strip()) == {"-"})
    rows = [l.rstrip() for l in lines[dash + 1:] if l.strip()]
    acc = re.compile(r"(\d{10})-(\d\d)-(\d{6})")
    out, fresh = lines[:dash + 1], {}
    for k in range(days):
        day = f"202003{1 + k % 28:02d}"
        for r in rows:
            out.append(acc.sub(lambda m: f"{m[1]}-{m[2]}-{fresh.setdefault((k, m[0]), len(fresh)):06d}", r)
                       .replace("20200318", day))
    return ("\n".join(out) + "\n").encode("latin-1")


def bench_listing(ctx: Ctx) -> dict[str, Any]:
    daily = ctx.args.shared / "corpus" / "index" / "form.20200318.idx"
    if not daily.exists():
        return {"rows": [row("listing", "skipped", f"{daily} not found (../shared/corpus is needed)")]}
    path = ctx.tmp / "quarter-form.idx"
    data = quarter_index(daily)
    path.write_bytes(data)
    n_rows = data.count(b"edgar/data/")
    res: dict[str, Any] = {"index_mb": round(len(data) / MB, 1), "rows_in_index": n_rows}
    del data
    for mode in ("filtered", "all"):
        runs = []
        for _ in range(1 if ctx.quick else 3):
            r = subprocess.run([sys.executable, "-c", _LISTING_WORKER, mode, str(path)],
                               capture_output=True, text=True, timeout=600, cwd=REPO)
            runs.append(last_json(r.stdout))
        res[mode] = {"entries": runs[0].get("entries"), "seconds": statistics.median(x["seconds"] for x in runs),
                     "start_mb": max(x["start_mb"] for x in runs), "peak_mb": max(x["peak_mb"] for x in runs)}
    f, a = res["filtered"], res["all"]
    what = f"one quarter's form.idx ({n_rows:,} rows, {res['index_mb']} MB; {f['entries']:,} 8-Ks)"
    res["rows"] = [
        row("listing", f"{what}: 8-Ks picked while parsing (time; process peak RSS, before reading)",
            f"{f['seconds']:.2f} s; {f['peak_mb']} MB ({f['start_mb']} MB)"),
        row("listing", "the same quarter, every row parsed first, then filtered",
            f"{a['seconds']:.2f} s; {a['peak_mb']} MB ({a['start_mb']} MB)")]
    return res


if __name__ == "__main__":
    sys.exit(main())
