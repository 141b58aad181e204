"""Reprocess one raw store on each engine against a real Prefect server, and print what each costs.

    .venv/bin/python benchmarks/dask_engines.py [-n 3000] [--raw RAW] [--engines pool,dask,prefect-dask]
                                                [--workers 2] [--timeout 900] [--keep]

Engines (each in its own subprocess, all against one `prefect server start` on a loopback port):

* `pool`         - `reprocess_flow(workers=N)`: the process pool (the default engine), for reference;
* `dask`         - `reprocess_flow(workers=N, dask=True)`: edgar8k's own choice, a `distributed.Client` on a
                   LocalCluster driven from inside each batch task; Prefect sees one task per write batch;
* `prefect-dask` - prefect-dask's `DaskTaskRunner` (LocalCluster of N processes) with one Prefect task per
                   chunk of 32 filings (`reprocess_flow`'s chunk size), batches written as `reprocess_flow`
                   writes them. Its workers run Prefect tasks, so they import Prefect and report to the API.

Printed per engine: wall time of the subprocess and elapsed inside the flow, filings/s (flow elapsed),
task runs the Prefect API recorded, peak RSS of the whole process tree and of each process in it (psutil,
every 0.25 s), the tree's peak in the first and the last quarter of the run, whether it completed, and
whether its Parquet output is byte-identical to the first engine's. The raw store is made from a
generated mirror (benchmarks/generate_mirror.py) by `RawStore.put` unless --raw names one.
Benchmarks print figures; nothing here is a test assertion.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from run import PrefectServer, RssSampler  # noqa: E402 - benchmarks/ is on the path only from here

ENGINES = ("pool", "dask", "prefect-dask")


# ---- the parent: raw store, Prefect server, one sampled subprocess per engine ------------------------

def make_raw_store(n: int, tmp: Path) -> Path:
    """Every submission of a generated n-filing mirror, put into a raw store as a backfill would."""
    from generate_mirror import generate

    from edgar8k.extract.raw_store import RawStore

    info = generate(tmp / "mirror", n)
    raw = tmp / "raw"
    store = RawStore(raw)
    seen: set[str] = set()
    data = tmp / "mirror" / "Archives" / "edgar" / "data"
    for p in sorted(data.rglob("*.txt")):
        if p.stem not in seen:
            seen.add(p.stem)
            store.put(p.stem, p.read_bytes(), f"https://www.sec.gov/{p.relative_to(tmp / 'mirror').as_posix()}")
    print(f"raw store {raw}: {len(seen):,} filings ({info.summary()['total_mb']} MB of submissions)", flush=True)
    return raw


def task_run_count(api_url: str) -> int | None:
    req = urllib.request.Request(f"{api_url}/task_runs/count", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return int(json.loads(r.read()))
    except (OSError, ValueError):
        return None


def digest(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*.parquet")):
        h.update(str(p.relative_to(out)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def run_engine(engine: str, raw: Path, out: Path, workers: int, batch: int | None, env: dict[str, str],
               api_url: str | None, timeout: float) -> dict[str, Any]:
    before = task_run_count(api_url) if api_url else None
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, "--raw", str(raw), "--out", str(out),
           "--workers", str(workers)] + (["--batch-filings", str(batch)] if batch else [])
    log = out.with_suffix(".log")
    t0 = time.monotonic()
    with open(log, "wb") as f:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        with RssSampler(proc.pid) as sampler:
            try:
                proc.wait(timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    wall = time.monotonic() - t0
    result: dict[str, Any] = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    after = task_run_count(api_url) if api_url else None
    filings = result.get("filings")
    elapsed = result.get("elapsed_seconds")
    return {"engine": engine, "completed": proc.returncode == 0 and bool(result) and not timed_out,
            "rc": proc.returncode, "timed_out": timed_out, "wall_seconds": round(wall, 1),
            "flow_seconds": elapsed, "filings": filings,
            "filings_per_s": round(filings / elapsed, 1) if filings and elapsed else None,
            "task_runs": (after - before) if before is not None and after is not None else None,
            **sampler.summary(), "log": str(log),
            "log_tail": "" if result else "\n".join(log.read_text(errors="replace").splitlines()[-8:])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=3000, help="filings in the generated mirror (without --raw)")
    ap.add_argument("--raw", type=Path, help="an existing raw store instead of a generated one")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-filings", type=int, default=None,
                    help="filings per write batch (default: the setting's 5,000)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per engine before it is killed")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        return child(a.child, a.raw, a.out, a.workers, a.batch_filings)

    tmp = Path(tempfile.mkdtemp(prefix="edgar8k-dask-engines-"))
    server = PrefectServer(tmp / "prefect-home")
    rows: list[dict[str, Any]] = []
    try:
        raw = a.raw or make_raw_store(a.n, tmp)
        if not server.start():
            print(f"prefect server did not start: {server.error}", file=sys.stderr)
            return 1
        print(f"prefect server {server.api_url} healthy after {server.startup_seconds:.1f}s", flush=True)
        env = server.env()
        env.update({"PREFECT_API_URL": server.api_url, "EDGAR8K_CONFIG": str(tmp / "no-config.toml")})
        first_digest = None
        for rep in range(a.repeat):
            for engine in a.engines.split(","):
                out = tmp / f"out-{engine}-{rep}"
                row = run_engine(engine, raw, out, a.workers, a.batch_filings, env, server.api_url, a.timeout)
                row["repeat"] = rep + 1
                if row["completed"]:
                    d = digest(out)
                    first_digest = first_digest or d
                    row["same_bytes_as_first"] = d == first_digest
                rows.append(row)
                print(json.dumps({k: v for k, v in row.items() if k != "log"}), flush=True)
                shutil.rmtree(out, ignore_errors=True)
    finally:
        server.stop()
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'engine':13} {'done':5} {'wall s':>7} {'flow s':>7} {'filings/s':>9} {'task runs':>9} "
          f"{'tree peak MB':>12} {'q1/q4 peak MB':>13}  per-process peak MB")
    for r in rows:
        print(f"{r['engine']:13} {'yes' if r['completed'] else 'NO':5} {r['wall_seconds']:7} "
              f"{r['flow_seconds'] or '-':>7} {r['filings_per_s'] or '-':>9} {r['task_runs'] if r['task_runs'] is not None else '-':>9} "
              f"{r.get('peak_rss_mb', '-'):>12} {str(r.get('first_quarter_peak_mb')) + '/' + str(r.get('last_quarter_peak_mb')):>13}  "
              f"{', '.join(r.get('per_process_peak_mb', []))}")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2))
    return 0


# ---- the child: one engine, one reprocess ----------------------------------------------------------

def child(engine: str, raw: Path, out: Path, workers: int, batch: int | None) -> int:
    t0 = time.monotonic()
    overrides: dict[str, Any] = {"raw": str(raw), "out": str(out)}
    if batch:
        overrides["batch_filings"] = batch
    if engine in ("pool", "dask"):
        from edgar8k.flows.reprocess import reprocess_flow

        summary = reprocess_flow(overrides=overrides, workers=workers, dask=engine == "dask", show_progress=False)
        counts, elapsed = summary["counts"], summary["elapsed_seconds"]
    else:
        counts, elapsed = prefect_dask_flow(overrides, workers)
    print("RESULT " + json.dumps({"filings": counts.get("filings", 0), "skipped": counts.get("skipped", 0),
                                  "elapsed_seconds": round(elapsed, 2),
                                  "process_seconds": round(time.monotonic() - t0, 2)}), flush=True)
    return 0


def prefect_dask_flow(overrides: dict[str, Any], workers: int) -> tuple[dict[str, int], float]:
    """The same reprocess with prefect-dask's DaskTaskRunner: one Prefect task per chunk of 32 filings,
    submitted a write batch at a time; the parent writes each batch as reprocess_flow does."""
    from prefect import flow, task
    from prefect.cache_policies import NONE as NO_CACHE
    from prefect_dask import DaskTaskRunner

    from edgar8k.config import load_settings
    from edgar8k.flows import reprocess, steps
    from edgar8k.flows.reprocess_worker import reprocess_chunk

    chunk_task = task(reprocess_chunk, name="reprocess chunk", cache_policy=NO_CACHE)
    runner = DaskTaskRunner(cluster_class="distributed.LocalCluster",
                            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                            "dashboard_address": None, "host": "127.0.0.1"})

    @flow(name="edgar8k-reprocess-prefect-dask", task_runner=runner)
    def run() -> tuple[dict[str, int], float]:
        t0 = time.monotonic()
        settings = load_settings(overrides)
        raw, out = settings.raw, settings.out
        total = steps.BatchResult()
        for accs in reprocess.slices(raw, None, None):
            if not len(accs):
                continue
            p = reprocess.plan(out, accs, None, None)
            for batch, known in p.batches(settings.batch_filings):
                futures = [chunk_task.submit(raw, part, {a: known[a] for a in part if a in known}, None, None)
                           for part in reprocess.chunks(batch, reprocess.CHUNK)]
                result = steps.BatchResult()
                for f in futures:
                    steps.merge(result, f.result())
                steps.write_batch(result, out)
                steps.merge(total, result, rows=False)
        return dict(total.counts), time.monotonic() - t0

    return run()


if __name__ == "__main__":
    sys.exit(main())
