"""Run the real pipeline on gold-labelled filings and print per-field and key-field scores.

Usage: .venv/bin/python benchmarks/evaluate.py [GOLD.jsonl ...] [--shared DIR] [--verbose] [--out DIR]
Defaults to ../shared/corpus/gold-dev.jsonl plus every tests/data/gold-*.jsonl (our own hand-checked
labels: gold-x801 = 138 Item 8.01 sections, gold-labelled = corpus filings not in gold-dev, labelled
independently of the extractor; they show how well it generalises beyond the dev labels).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from edgar8k.evaluation import run_evaluation
from edgar8k.transform.evaluate import format_report

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("gold", nargs="*", type=Path)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("EDGAR8K_SHARED") or REPO.parent / "shared"))
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--out", type=Path, help="write report.txt and report.json here")
    args = ap.parse_args(argv)
    golds = args.gold or [p for p in (args.shared / "corpus" / "gold-dev.jsonl",
                                      *sorted((REPO / "tests/data").glob("gold-*.jsonl"))) if p.exists()]
    for gold in golds:
        report = run_evaluation(gold, args.shared)
        text = format_report(report, verbose=args.verbose)
        print(f"== {gold}\n{text}\n")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{gold.stem}.txt").write_text(text + "\n")
            (args.out / f"{gold.stem}.json").write_text(json.dumps(asdict(report), default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
