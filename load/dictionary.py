"""The data dictionary (`docs/data-dictionary.md`), generated from `load/schema.py` plus the known limits
of extraction kept here, so the document cannot drift from the files readers open.

Regenerate after a schema change:  python -m edgar8k.load.dictionary
Check without writing (CI, tests):  python -m edgar8k.load.dictionary --check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa

from edgar8k.load.schema import PARTITION_COLUMN, SCHEMA_VERSION, SORT_KEYS, TABLES, Column

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"

TABLE_GRAIN = {
    "filings": "One row per 8-K or 8-K/A submission processed, including those that could not be fetched or "
               "parsed (see `status`). Key: `accession_number`.",
    "issuances": "One row per security issued in a transaction: a PIPE of shares plus warrants is two rows "
                 "with the same `transaction_index`, and deal-level values (`aggregate_consideration`, dates, "
                 "`purchasers`, registration) repeat on each. Key: `accession_number`, `transaction_index`, "
                 "`security_index`.",
}

KNOWN_LIMITS: list[tuple[str, str]] = [
    ("What is read", "The primary 8-K document and its press-release exhibits (EX-99.*) only. Purchase "
     "agreements, warrant forms and other legal exhibits (EX-4, EX-10) are skipped, so a term stated only "
     "there is missing. Images and PDF-only exhibits are not read."),
    ("Counting deals", "Deal-level values repeat on every security row of a transaction. Count deals and sum "
     "`aggregate_consideration` over distinct (`accession_number`, `transaction_index`), never over rows."),
    ("Amendments", "An 8-K/A is its own filing; the original it corrects stays in the tables. To keep the "
     "latest version of an event, keep the last filing per (`cik`, `event_date`) by `filing_date`."),
    ("aggregate_consideration", "Gross consideration as the filing states it; never computed from shares x "
     "price. Null when not stated. For 'up to' agreements (at-the-market programs, equity lines) it is the "
     "cap, not money received. 'Approximately $15.0 million' is stored as 15000000."),
    ("Money and currency", "Amounts are in the currency named in `currency` (USD unless the filing says "
     "otherwise); nothing is converted. Decimals are exact: read them with `dtype_backend='pyarrow'` or "
     "`edgar8k.read_issuances`, not as floats, when sums must reconcile."),
    ("shares", "For warrants, options and convertibles, the shares underlying. Null for a convertible note "
     "whose share count depends on a future conversion, and for counts the filing does not state."),
    ("Prices", "`price_per_share` is what purchasers paid per share (per unit on a unit's main row; for "
     "pre-funded warrants the purchase price). `exercise_price` of a pre-funded warrant is nominal "
     "(e.g. $0.001) and says nothing about valuation."),
    ("Dates", "Dates written without a year, and expiries stated as a term ('five years'), are resolved "
     "against the closing date, else the agreement date, else the event date. `expiration_date` is null "
     "when the expiry depends on an event (e.g. 'five years after stockholder approval')."),
    ("registration", "`registered` when the filing cites an effective registration statement or prospectus "
     "supplement, `exempt` when it cites an exemption or reports under Item 3.02, `unknown` when it "
     "says neither. `mixed` only when the filing says both."),
    ("purchasers", "Named purchasers only; 'certain institutional investors' gives an empty list."),
    ("What is not an issuance", "Repurchases, tender offers, dividends, shares outstanding, option grants "
     "under equity plans and offerings merely intended are filtered out, which can also drop a real "
     "issuance described in the same words. A filing with no row is not proof that nothing was issued."),
    ("Evidence", "`evidence` is the sentence the security's terms came from; a value bound from a "
     "neighbouring sentence has its own offsets in `field_evidence`. Offsets index into the filing text "
     "that `edgar8k show --text` prints, not into the raw HTML."),
    ("Accuracy", "Measured with `edgar8k evaluate` on hand-checked labels (benchmarks/). At the time of "
     "writing, key-field micro F1 was about 0.85 and issuance detection F1 about 0.95 on the development "
     "labels. Treat single values as leads to check against their evidence, and aggregates as estimates."),
]


def pandas_dtype(t: pa.DataType) -> str:
    """The dtype pandas gives the column when read with pyarrow dtypes (`edgar8k.read_*`)."""
    return str(pd.ArrowDtype(t))


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _column_row(c: Column) -> str:
    meaning = c.meaning
    if c.allowed:
        meaning += " One of: " + ", ".join(f"`{a}`" for a in c.allowed) + "."
    required = "no" if c.nullable else "**yes**"
    return (f"| `{c.name}` | `{c.type}` | `{pandas_dtype(c.type)}` | {required} | {_cell(c.unit)} | "
            f"{_cell(meaning)} | {_cell(c.derivation)} | {_cell(c.example)} |")


def render_markdown() -> str:
    """The whole data dictionary as Markdown."""
    out = [
        "# edgar8k data dictionary",
        "",
        "<!-- GENERATED by `python -m edgar8k.load.dictionary` from load/schema.py and load/dictionary.py; "
        "do not edit by hand. -->",
        "",
        f"Schema version {SCHEMA_VERSION}. Two tables, each a Hive-partitioned Parquet dataset under the "
        f"output folder (`<out>/<table>/{PARTITION_COLUMN}=YYYY/part-MM.parquet`, one file per "
        f"filing month). `{PARTITION_COLUMN}` lives "
        "in the folder name, not inside the files. Read them with `edgar8k.read_filings` / "
        "`edgar8k.read_issuances` (exact pyarrow dtypes, shown below) or `edgar8k.duckdb_connection`.",
        "",
        "Columns: *type* is the Arrow type in the files; *pandas* is the dtype with pyarrow dtypes; "
        "*required* columns are never null.",
        "",
    ]
    for table, cols in TABLES.items():
        out += [f"## `{table}`", "", TABLE_GRAIN[table], "",
                f"Sorted by {', '.join(f'`{k}`' for k in SORT_KEYS[table])} within each partition.", "",
                "| column | type | pandas | required | unit | meaning | derivation | example |",
                "|---|---|---|---|---|---|---|---|"]
        out += [_column_row(c) for c in cols]
        out.append("")
    out += ["## Known limits of extraction", ""]
    out += [f"- **{title}.** {text}" for title, text in KNOWN_LIMITS]
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edgar8k.load.dictionary",
                                     description="Write docs/data-dictionary.md from the declared schemas.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs instead of writing it")
    parser.add_argument("--path", type=Path, default=DOC_PATH, help=f"output file (default {DOC_PATH})")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.check:
        current = args.path.read_text() if args.path.is_file() else ""
        if current != text:
            print(f"{args.path} is out of date: run python -m edgar8k.load.dictionary", file=sys.stderr)
            return 1
        return 0
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_text(text)
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
