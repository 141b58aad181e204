"""Fair-access benchmark: a long extract run against the test EDGAR, measured on the server's own log.

The client runs at the configured rate (default 9/s, as against sec.gov) with several threads and
injected faults; the server trips above a ceiling (default 10 per sliding second, like sec.gov).
Reported: achieved rate vs configured, the most requests in any one-second window, throttle trips,
retries and faults. Usage: `python benchmarks/extract_rate.py -n 600 --rate 9 --ceiling 10 --faults 0.05`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from edgar8k.config import Settings
from edgar8k.extract.edgar_index import list_range
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.raw_store import RawStore
from edgar8k.extract.submissions import fetch_submission
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import write_mirror


def client_run(url: str, root: str, start: str, end: str, rate: float, workers: int) -> None:
    """The client side, in its own process (as against sec.gov): list, fetch all, print stats as JSON."""
    settings = Settings(source=url, user_agent="edgar8k bench bench@example.com", rate=rate, workers=workers,
                        timeout=2.0, backoff_base=0.25, backoff_max=4.0, throttle_cooldown=6.0)
    client = EdgarClient(settings)
    store = RawStore(Path(root) / "raw")
    entries = list_range(client, date.fromisoformat(start), date.fromisoformat(end))
    errors = []

    def one(e):
        try:
            fetch_submission(client, store, e)
        except FetchError as exc:
            errors.append(str(exc))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, entries))
    print(json.dumps({"filings": len(entries), "stored": len(store.list()), "fetch_errors": len(errors),
                      "client": dataclasses.asdict(client.stats)}))


def run(n: int, rate: float, ceiling: int, faults: float, workers: int, seed: int) -> dict[str, object]:
    """Server here, client in a child process: the server's clock is not disturbed by the client's GIL."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        filings = write_mirror(root / "mirror", n, seed=seed)
        first, last = min(f.filing_date for f in filings), max(f.filing_date for f in filings)
        with EdgarServer(root / "mirror", rate_limit=ceiling, lockout=5.0, fault_rate=faults, seed=seed,
                         slow_seconds=3.0) as server:
            t0 = time.monotonic()
            out = subprocess.run([sys.executable, __file__, "--client", server.url, tmp, first.isoformat(),
                                  last.isoformat(), str(rate), str(workers)],
                                 check=True, capture_output=True, text=True).stdout
            elapsed = time.monotonic() - t0
            log = server.requests_log()
        return {**json.loads(out.strip().splitlines()[-1]), "requests": len(log), "elapsed_s": round(elapsed, 2),
                "configured_rate": rate, "achieved_rate": round(server.achieved_rate(), 3),
                "achieved_fraction": round(server.achieved_rate() / rate, 3),
                "max_in_any_1s": server.max_in_window(1.0), "ceiling": ceiling,
                "throttle_trips": server.throttle_trips, "faults": sum(1 for r in log if r.fault)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=600)
    ap.add_argument("--rate", type=float, default=9.0)
    ap.add_argument("--ceiling", type=int, default=10)
    ap.add_argument("--faults", type=float, default=0.05)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        url, root, start, end, rate, workers = sys.argv[2:8]
        return client_run(url, root, start, end, float(rate), int(workers))
    a = ap.parse_args()
    print(json.dumps(run(a.n, a.rate, a.ceiling, a.faults, a.workers, a.seed), indent=1))


if __name__ == "__main__":
    main()
