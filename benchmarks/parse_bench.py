"""Parsing speed on the shared corpus, on one core: median wall time of several passes.

(a) HTML/iXBRL -> text over every HTML document in `corpus/documents/`, side by side in the same run
    with edgartools' `edgar.documents.parse_html(html).text()` on the same strings (and, for
    reference, a plain BeautifulSoup("lxml") `get_text`). Target: at least 2x edgartools.
(b) The whole transform (SGML parse, text, items, extraction, rows) over every 8-K in the corpus,
    in filings/second. Target: at least 100 filings/second/core.

edgartools is a dev-only dependency of this script, never of the package.

    .venv/bin/python benchmarks/parse_bench.py [--passes 5] [--whole-passes 3] [--shared ../shared] [--no-edgartools]

Figures are medians; rates and ratios use CPU seconds of this process, which stay honest when other
work shares the machine; wall seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pin_one_core() -> str:
    """Run on a single CPU so the figures are per core."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


@dataclass(frozen=True)
class Timing:
    wall: float  # median wall-clock seconds
    cpu: float  # median CPU seconds of this process: robust when other work shares the machine


def median_seconds(fn: Callable[[], object], passes: int) -> Timing:
    walls, cpus = [], []
    for _ in range(passes):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return Timing(statistics.median(walls), statistics.median(cpus))


def load_html_documents(corpus: Path) -> list[tuple[str, str]]:
    """(name, document body) for every HTML file under documents/, envelope removed once, untimed."""
    from edgar8k.transform.sgml import parse_submission

    out = []
    for p in sorted(corpus.glob("documents/**/*")):
        if p.is_file() and p.suffix.lower() in (".htm", ".html"):
            out.append((str(p.relative_to(corpus)), parse_submission(p.read_bytes()).documents[0].body))
    return out


def bench_html(docs: Sequence[tuple[str, str]], passes: int, with_edgartools: bool) -> list[tuple[str, Timing]]:
    from edgar8k.transform.text import html_to_text

    bodies = [b for _, b in docs]
    rows = [("edgar8k html_to_text", median_seconds(lambda: [html_to_text(b) for b in bodies], passes))]

    def bs4_text() -> None:
        from bs4 import BeautifulSoup
        for b in bodies:
            BeautifulSoup(b, "lxml").get_text("\n")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows.append(("bs4('lxml').get_text (reference)", median_seconds(bs4_text, passes)))
    if with_edgartools:
        try:
            from edgar.documents import parse_html
        except ImportError:
            print("    edgartools is not installed (pip install edgartools): its column is skipped")
            return rows

        def edgartools_text() -> None:
            for b in bodies:
                parse_html(b).text()

        edgartools_text()  # warm-up: imports and caches inside edgartools are not parsing cost
        rows.append(("edgartools parse_html().text()", median_seconds(edgartools_text, passes)))
    return rows


def load_8k_inputs(corpus: Path) -> list[tuple[str, bytes, dict[str, str]]]:
    """Every 8-K in the corpus: full submissions and bare primary documents (per MANIFEST.csv)."""
    manifest = {r["path"]: r for r in csv.DictReader((corpus / "MANIFEST.csv").open())}
    out = []
    for path, row in sorted(manifest.items()):
        if row["kind"] not in ("submission", "document") or not row["form_type"].startswith("8-K"):
            continue
        p = corpus / path
        if p.is_file():
            out.append((row["kind"], p.read_bytes(), row))
    return out


def parse_layer(raw: bytes, row: dict[str, str]) -> object:
    """SGML parse, text and items only: the part of the transform before extraction."""
    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.model import ParseError
    from edgar8k.transform.sgml import parse_submission

    try:
        return build_filing_text(parse_submission(raw))
    except ParseError as e:
        return e


def transform_fn() -> tuple[Callable[[bytes, dict[str, str]], object], str]:
    """The whole transform when records.process_submission exists, else parse + text + items only."""
    try:
        from edgar8k.transform.records import FilingMeta, process_submission
    except ImportError:
        from edgar8k.transform.filing_text import build_filing_text
        from edgar8k.transform.sgml import parse_submission
        return (lambda raw, row: build_filing_text(parse_submission(raw))), "parse + text + items (no records.py)"

    def run(raw: bytes, row: dict[str, str]) -> object:
        meta = FilingMeta(
            accession_number=row["accession"] or "unknown", cik=int(row["cik"] or 0),
            company_name=row["company"] or None, form_type=row["form_type"] or None,
            filing_date=dt.date.fromisoformat(row["filed_date"]) if row["filed_date"] else dt.date(2021, 1, 4),
        )
        return process_submission(raw, meta)

    return run, "records.process_submission (SGML, text, items, extraction, rows)"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--whole-passes", type=int, default=3, help="passes of the whole transform (slower)")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("EDGAR8K_SHARED") or REPO.parent / "shared"))
    ap.add_argument("--no-edgartools", action="store_true")
    args = ap.parse_args(argv)
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; pass --shared", file=sys.stderr)
        return 2
    print(f"edgar8k parse benchmark: {pin_one_core()}, median of {args.passes} passes\n")

    docs = load_html_documents(corpus)
    mb = sum(len(b.encode()) for _, b in docs) / 1e6
    rows = bench_html(docs, args.passes, not args.no_edgartools)
    ours = rows[0][1]
    print(f"(a) HTML/iXBRL -> text: {len(docs)} files, {mb:.1f} MB")
    print(f"    {'implementation':36} {'wall s':>8} {'cpu s':>8} {'MB/s':>7} {'x ours':>7}")
    for name, t in rows:
        print(f"    {name:36} {t.wall:8.3f} {t.cpu:8.3f} {mb / t.cpu:7.1f} {t.cpu / ours.cpu:7.2f}")
    edgar = dict(rows).get("edgartools parse_html().text()")
    if edgar:
        ratio = edgar.cpu / ours.cpu
        print(f"    speed-up over edgartools: {ratio:.1f}x CPU, {edgar.wall / ours.wall:.1f}x wall "
              f"(target >= 2x: {'PASS' if ratio >= 2 else 'FAIL'})")

    inputs = load_8k_inputs(corpus)
    run, what = transform_fn()
    print(f"\n(b) transform over every 8-K in the corpus; whole = {what}")
    print(f"    {'input':24} {'filings':>7} {'MB':>5} {'stage':>10} {'wall s':>8} {'cpu s':>8} {'filings/s':>10}")
    groups = {"SGML full submissions": [i for i in inputs if i[0] == "submission"],
              "bare primary documents": [i for i in inputs if i[0] == "document"],
              "all 8-Ks": inputs}
    rates: dict[str, float] = {}
    for label, group in groups.items():
        size = sum(len(raw) for _, raw, _ in group) / 1e6
        for stage, fn, passes in (("parse+text", parse_layer, args.passes), ("whole", run, args.whole_passes)):
            t = median_seconds(lambda g=group, f=fn: [f(raw, row) for _, raw, row in g], passes)
            rates[stage] = len(group) / t.cpu
            print(f"    {label:24} {len(group):7d} {size:5.1f} {stage:>10} {t.wall:8.3f} {t.cpu:8.3f} "
                  f"{len(group) / t.cpu:10.1f}")
    for stage, rate in rates.items():
        print(f"    {stage} over all 8-Ks: {rate:.0f} filings per CPU-second (target >= 100/s/core: "
              f"{'PASS' if rate >= 100 else 'FAIL'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
