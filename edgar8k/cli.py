"""The `edgar8k` command. Mistakes get one clear line on stderr and a non-zero exit, never a traceback.

Prefect is imported only by the commands that run flows, so `show`, `config` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from edgar8k import __version__
from edgar8k.config import SEC_BASE_URL, ConfigError, Settings, load_settings
from edgar8k.locations import LocationError, local_path, remote_filesystem
from edgar8k.memory import tune_allocator

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_MIRROR = REPO_ROOT / "data" / "demo"

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "CRITICAL",  # the temporary server's shutdown noise is not the user's business
}


class UsageError(Exception):
    """A command line that cannot work; the message says what to do instead."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the command and where its help is, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}; see `{self.prog} --help`\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2001-03-13") from None


def _add_common(p: argparse.ArgumentParser, out: bool = True, raw: bool = True) -> None:
    p.add_argument("--source", help=f"EDGAR to read: {SEC_BASE_URL} (default), any http(s)://host:port "
                                    "EDGAR-compatible server, or a local mirror folder")
    p.add_argument("--user-agent", dest="user_agent",
                   help="'Name email@example.com' sent to EDGAR (or EDGAR8K_USER_AGENT); required for sec.gov")
    if out:
        p.add_argument("--out", help="output folder or URI (s3://bucket/prefix) for the Parquet datasets "
                                     "(default data/parquet)")
    if raw:
        p.add_argument("--raw", help="raw store folder or URI, where fetched submissions are kept compressed "
                                     "(default data/raw)")
    p.add_argument("--rate", type=float, help="requests per second across all threads (default 9; at most 10 "
                                              "for sec.gov)")
    p.add_argument("--workers", type=int, help="fetch threads (default 4)")


def _add_progress(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", choices=("auto", "bar", "lines", "off"), default=None,
                   help="progress display: a bar on a terminal, log lines otherwise (auto, the default), "
                        "or off (or EDGAR8K_PROGRESS)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="edgar8k",
        description="Fetch SEC Form 8-K filings, extract the terms of securities the companies issued, "
                    "and write Hive-partitioned Parquet (filings/, issuances/).",
        epilog="Settings: flags > EDGAR8K_* environment > edgar8k.toml (or the file named by EDGAR8K_CONFIG) "
               "> defaults; `edgar8k config` prints them. Run `edgar8k demo` for a first look; `edgar8k COMMAND "
               "--help` for a command's options. In Python: `import edgar8k; edgar8k.read_issuances()` (see "
               "notebooks/issuance_explorer.ipynb and docs/data-dictionary.md).")
    parser.add_argument("--version", action="version", version=f"edgar8k {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("backfill", help="fetch and extract every 8-K filed in a date range",
                       description="Fetch, extract and write every 8-K and 8-K/A filed from START to END "
                                   "(inclusive). Rerunning a range replaces exactly those filings' rows.")
    p.add_argument("--start", type=_date, required=True, help="first filing date, YYYY-MM-DD")
    p.add_argument("--end", type=_date, required=True, help="last filing date, YYYY-MM-DD")
    _add_common(p)
    _add_progress(p)

    p = sub.add_parser("nightly", help="the scheduled job: the business days not yet done",
                       description="Process the business days after the last complete one, plus the last "
                                   "3 business days again (EDGAR's daily index can appear late).")
    _add_common(p)
    _add_progress(p)

    p = sub.add_parser("serve", help="serve the nightly flow as a Prefect deployment on a schedule",
                       description="Serve the nightly flow on a cron schedule in America/New_York. Needs a "
                                   "Prefect server: run `prefect server start`, then set PREFECT_API_URL.")
    p.add_argument("--cron", default="0 6 * * 1-6", help="cron schedule in America/New_York "
                                                         "(default '0 6 * * 1-6')")
    p.add_argument("--interval", type=float, help="serve on an interval of this many seconds instead of cron")
    _add_common(p)

    p = sub.add_parser("reprocess", help="rebuild filings/issuances from the raw store, no request to EDGAR",
                       description="Re-extract every stored filing (filed from START to END, or all) with the "
                                   "current extractor and replace its rows: how history gets better extraction. "
                                   "Runs on a process pool, or on Dask with --dask/--scheduler.")
    p.add_argument("--start", type=_date, help="first filing date, YYYY-MM-DD (default: the earliest stored)")
    p.add_argument("--end", type=_date, help="last filing date, YYYY-MM-DD (default: the latest stored)")
    p.add_argument("--out", help="output folder or URI (s3://bucket/prefix) (default data/parquet)")
    p.add_argument("--raw", help="raw store folder or URI to read (default data/raw)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per core; 0 runs in this process)")
    p.add_argument("--dask", action="store_true", help="run on a new Dask LocalCluster of --workers processes")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (workers need edgar8k installed)")
    _add_progress(p)

    p = sub.add_parser("demo", help="backfill the bundled demo mirror into data/parquet and summarise",
                       description="Run the backfill over the demo EDGAR mirror shipped in data/demo/.")
    p.add_argument("--out", default="data/parquet", help="output folder (default data/parquet)")
    p.add_argument("--raw", default="data/raw", help="raw store folder (default data/raw)")

    p = sub.add_parser("show", help="parse one filing and print its header, items and extracted terms",
                       description="Parse one filing (a file, or an accession number found in the raw "
                                   "store or fetched from --source) and print what edgar8k extracts.")
    p.add_argument("filing", metavar="ACCESSION_OR_FILE",
                   help="a submission file (.txt/.nc, or a bare HTML/text 8-K), or an accession number such as "
                        "0000950150-01-500213 looked up in --raw, then fetched from --source")
    p.add_argument("--json", action="store_true", help="print JSON for machines (decimals as exact strings)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="highlight values with colour: on a terminal (auto, the default; NO_COLOR turns it off), "
                        "always, or never (values are then marked [[like this]])")
    p.add_argument("--text", action="store_true", help="also print the filing text that evidence offsets "
                                                       "index into")
    p.add_argument("--cik", type=int, help="CIK of the filer: to fetch an accession not in the raw store, or "
                                          "for a bare document that does not name one")
    _add_common(p, out=True, raw=True)

    p = sub.add_parser("config", help="print the effective settings and where each came from",
                       description="Print every setting, its value and where it came from: a flag, an "
                                   "EDGAR8K_<NAME> environment variable, the TOML file (./edgar8k.toml or "
                                   "EDGAR8K_CONFIG; keys as printed, optionally under [edgar8k]), or the default. "
                                   "Ends with what a run would refuse, if anything.")
    _add_common(p)
    p.add_argument("--json", action="store_true", help="print JSON for machines")

    p = sub.add_parser("bench", help="run the benchmarks (benchmarks/run.py) and print their table",
                       description="Run benchmarks/run.py from a source checkout with this Python; every "
                                   "argument after `bench` is passed on (e.g. `edgar8k bench --quick`, "
                                   "`edgar8k bench --only parse,rate`, `edgar8k bench -- --help`).",
                       add_help=False)
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for benchmarks/run.py")

    p = sub.add_parser("evaluate", help="score the extractor against hand-checked labels",
                       description="Run the real pipeline on labelled filings and print per-field "
                                   "precision/recall/F1, detection and the key-field micro F1.")
    p.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="hand-checked labels, one filing per line")
    p.add_argument("--shared", type=Path, help="folder that text_path values are relative to "
                                               "(default: the gold file's parent's parent)")
    p.add_argument("--out", type=Path, help="write predictions and the report here")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("source", "user_agent", "out", "raw", "rate", "workers")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _prefect_env(args: argparse.Namespace | None = None) -> None:
    for k, v in PREFECT_DEFAULTS.items():
        os.environ.setdefault(k, v)
    mode = getattr(args, "progress", None)
    if mode and mode != "auto":
        os.environ["EDGAR8K_PROGRESS"] = mode


def main(argv: Sequence[str] | None = None) -> int:
    tune_allocator()  # before pyarrow loads and before Prefect or a fetch pool starts a thread
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # everything after it belongs to benchmarks/run.py, flags included
        try:
            return cmd_bench(argparse.Namespace(bench_args=argv[1:]))
        except UsageError as e:
            print(f"edgar8k: {e}", file=sys.stderr)
            return 2
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("edgar8k: interrupted; rerun the same command to finish (nothing is fetched twice)", file=sys.stderr)
        return 130
    except (ConfigError, UsageError) as e:
        print(f"edgar8k: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # the one place a failed run becomes a one-line cause
        if args.verbose:
            raise
        print(f"edgar8k {args.command} failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


def cmd_backfill(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}; swap them")
    if args.start < dt.date(1993, 1, 1):
        raise UsageError(f"--start {args.start} is before EDGAR's first electronic filings (1993)")
    overrides = _overrides(args)
    load_settings(overrides).validate()
    _check_writable(load_settings(overrides).out)
    _prefect_env(args)
    from edgar8k.flows.backfill import backfill_flow

    summary = backfill_flow(args.start, args.end, overrides)
    return _report(summary)


def cmd_nightly(args: argparse.Namespace) -> int:
    overrides = _overrides(args)
    load_settings(overrides).validate()
    _check_writable(load_settings(overrides).out)
    _prefect_env(args)
    from edgar8k.flows.backfill import nightly_flow

    return _report(nightly_flow(overrides))


def cmd_serve(args: argparse.Namespace) -> int:
    overrides = _overrides(args)
    load_settings(overrides).validate()
    _prefect_env()
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            raise UsageError("schedules need a running Prefect server: start one with `prefect server start`, "
                             "then `export PREFECT_API_URL=http://127.0.0.1:4200/api` and run `edgar8k serve` again")
    from edgar8k.flows.backfill import nightly_flow

    # limit=1: a night that runs long delays the next one instead of racing it for the output lock
    kwargs: dict[str, Any] = {"name": "edgar8k-nightly", "parameters": {"overrides": overrides}, "limit": 1}
    if args.interval:
        kwargs["interval"] = args.interval
    else:
        from prefect.schedules import Cron

        kwargs["schedule"] = Cron(args.cron, timezone="America/New_York")
    nightly_flow.serve(**kwargs)
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}; swap them")
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must be 0 or more, got {args.workers}")
    if args.scheduler and "://" not in args.scheduler:
        raise UsageError(f"--scheduler {args.scheduler!r} is not a Dask address; use e.g. tcp://127.0.0.1:8786")
    settings = load_settings({k: getattr(args, k) for k in ("out", "raw") if getattr(args, k) is not None})
    raw_local = _location("raw store", settings.raw)
    if raw_local is not None and not Path(raw_local).is_dir():
        raise UsageError(f"raw store {settings.raw} does not exist; point --raw at the folder a backfill filled")
    _check_writable(settings.out)
    _prefect_env(args)
    from edgar8k.flows.reprocess import reprocess_flow

    summary = reprocess_flow(args.start, args.end, {"out": settings.out, "raw": settings.raw},
                             workers=args.workers, dask=args.dask, scheduler=args.scheduler)
    c = summary.get("counts", {})
    print(f"reprocess: {c.get('filings', 0)} filings, {c.get('ok', 0)} ok, {c.get('parse_error', 0)} parse "
          f"errors, {c.get('filings_with_issuance', 0)} with issuances ({c.get('issuance_rows', 0)} rows), "
          f"{c.get('skipped', 0)} skipped, on {summary['workers']} {summary['engine']} worker(s) in "
          f"{summary.get('elapsed_seconds', 0):.1f}s -> {summary.get('out')}")
    return 0


def demo_days(mirror: Path) -> list[dt.date]:
    """The days the demo mirror has daily indexes for: the demo lists only those, not every weekday."""
    days = set()
    for p in (mirror / "Archives" / "edgar" / "daily-index").rglob("*.idx"):
        stem = p.name.split(".")[1]
        if len(stem) == 8 and stem.isdigit():
            days.add(dt.date(int(stem[:4]), int(stem[4:6]), int(stem[6:])))
    return sorted(days)


def cmd_demo(args: argparse.Namespace) -> int:
    if not DEMO_MIRROR.is_dir():
        raise UsageError(f"the demo mirror {DEMO_MIRROR} is missing; run from a full clone of the repository")
    overrides = {"source": str(DEMO_MIRROR), "out": args.out, "raw": args.raw, "rate": 1000.0}
    _check_writable(args.out)
    _prefect_env()
    from edgar8k.flows.backfill import backfill_flow

    days = demo_days(DEMO_MIRROR)
    if not days:
        raise UsageError(f"the demo mirror {DEMO_MIRROR} has no daily index files")
    summary = backfill_flow(days[0], days[-1], overrides, days=days)
    code = _report(summary)
    _print_demo_summary(args.out)
    return code


def _print_demo_summary(out: str) -> None:
    from edgar8k.load.parquet import read_table

    iss = read_table("issuances", out)
    fil = read_table("filings", out)
    print(f"\n{len(fil)} filings, {int(fil['has_issuance'].sum())} with issuances, {len(iss)} issuance rows "
          f"in {out}/filings and {out}/issuances")
    cols = ["filing_date", "company_name", "security_type", "shares", "price_per_share", "exercise_price",
            "expiration_date", "aggregate_consideration"]
    if len(iss):
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 28):
            print(iss[cols].to_string(index=False))


def _report(summary: dict[str, Any]) -> int:
    c = summary.get("counts", {})
    print(f"{summary.get('flow', 'run')}: {c.get('filings', 0)} filings, {c.get('ok', 0)} ok, "
          f"{c.get('fetch_error', 0)} fetch errors, {c.get('parse_error', 0)} parse errors, "
          f"{c.get('filings_with_issuance', 0)} with issuances ({c.get('issuance_rows', 0)} rows) "
          f"in {summary.get('elapsed_seconds', 0):.1f}s -> {summary.get('out')}"
          + (f"; {c['already_done']} already done by an earlier run" if c.get("already_done") else ""))
    if c.get("fetch_error"):
        print(f"edgar8k: {c['fetch_error']} filing(s) could not be fetched; they are recorded with status "
              "fetch_error and the next run retries them", file=sys.stderr)
        return 1
    return 0


def _location(name: str, location: str) -> str | None:
    """The local path a folder setting names, or None for a remote one that opens; else a one-line error."""
    try:
        local = local_path(location)
        if local is None:
            remote_filesystem(location)
    except LocationError as e:
        raise UsageError(f"{name} {e}") from None
    return local


def _check_writable(out: str) -> None:
    local = _location("output", out)
    if local is None:
        return
    p = Path(local)
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / ".edgar8k-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise UsageError(f"cannot write to output folder {out}: {e.strerror}; choose another with --out") from None


def cmd_show(args: argparse.Namespace) -> int:
    from edgar8k.show import load_filing_bytes, render

    from edgar8k.show import ShowError

    try:
        raw, meta = load_filing_bytes(args.filing, load_settings(_overrides(args)), cik=args.cik)
    except ShowError as e:
        raise UsageError(str(e)) from None
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    print(render(raw, meta, as_json=args.json, with_text=args.text, color=color))
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    s = load_settings(_overrides(args))
    values = {k: v for k, v in sorted(vars(s).items()) if k != "sources_of_values"}
    path = Path(os.environ.get("EDGAR8K_CONFIG") or "edgar8k.toml")
    try:
        s.validate()
        problem = None
    except ConfigError as e:
        problem = str(e)
    if args.json:
        print(json.dumps({"config_file": str(path), "config_file_found": path.is_file(), "problem": problem,
                          "settings": {k: {"value": list(v) if isinstance(v, tuple) else v,
                                           "source": s.sources_of_values.get(k, "default")}
                                       for k, v in values.items()}}, indent=2))
        return 0
    print(f"# config file: {path} ({'read' if path.is_file() else 'not found'}); "
          "precedence: flags > EDGAR8K_* > file > default")
    for name, value in values.items():
        print(f"{name:20} = {value!r:50} ({s.sources_of_values.get(name, 'default')})")
    print(f"# a run would refuse: {problem}" if problem else "# ok: a run would start with these settings")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from edgar8k.evaluation import run_evaluation
    from edgar8k.transform.evaluate import format_report

    if not args.gold.is_file():
        raise UsageError(f"gold file {args.gold} not found")
    shared = args.shared or args.gold.resolve().parent.parent
    report = run_evaluation(args.gold, shared)
    text = format_report(report)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "report.txt").write_text(text)
        if hasattr(report, "to_json"):
            (args.out / "report.json").write_text(json.dumps(report.to_json(), indent=2, default=str))
    return 0


def bench_script() -> Path:
    """benchmarks/ ships with the source, not with the installed package: find it beside the package."""
    here = Path(__file__).resolve().parent.parent
    script = here / "benchmarks" / "run.py"
    if not script.is_file():
        raise UsageError(f"edgar8k bench needs a source checkout: {script} does not exist; clone the "
                         "repository and install it with `pip install -e '.[test,bench]'`")
    return script


def cmd_bench(args: argparse.Namespace) -> int:
    import subprocess

    rest = list(args.bench_args)
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return subprocess.call([sys.executable, str(bench_script()), *rest])


COMMANDS = {
    "backfill": cmd_backfill, "nightly": cmd_nightly, "serve": cmd_serve, "reprocess": cmd_reprocess,
    "demo": cmd_demo,
    "show": cmd_show, "config": cmd_config, "evaluate": cmd_evaluate, "bench": cmd_bench,
}

if __name__ == "__main__":
    sys.exit(main())
