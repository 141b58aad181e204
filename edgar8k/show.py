"""`edgar8k show`: one filing as an analyst checks it — header, items, and each value beside its evidence.

Offsets printed here index into the same text that `--text` prints and that `issuances.evidence_start`
and `evidence_end` refer to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from edgar8k.config import Settings
from edgar8k.transform.records import FilingMeta, Processed, process_submission

ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
BOLD, YELLOW, DIM, RESET = "\033[1m", "\033[43;30m", "\033[2m", "\033[0m"
VALUE_FIELDS = ("security_type", "security_title", "shares", "price_per_share", "exercise_price",
                "conversion_price", "expiration_date", "expiration_term", "principal_amount")
TRANSACTION_FIELDS = ("offering_type", "registration", "exemption", "aggregate_consideration", "agreement_date",
                      "closing_date", "purchasers", "source_item")


class ShowError(ValueError):
    """The filing asked for cannot be found; says where it looked."""


def load_filing_bytes(ref: str, settings: Settings, cik: int | None = None) -> tuple[bytes, FilingMeta]:
    """Bytes of a filing named by path, or by accession (raw store first, then the source)."""
    path = Path(ref)
    if path.is_file():
        data = path.read_bytes()
        acc = ref if ACCESSION.match(path.stem) else path.stem
        return data, _meta(acc, data, str(path))
    if not ACCESSION.match(ref):
        raise ShowError(f"{ref!r} is neither a file nor an accession number like 0000950150-01-500213")
    from edgar8k.extract.raw_store import RawStore

    record = RawStore(settings.raw).get(ref)
    if record is not None:
        return record.data, _meta(ref, record.data, record.source_url, record.fetched_at, record.sha256)
    if cik is None:
        cik = _cik_from_output(ref, settings.out)
    if cik is None:
        raise ShowError(f"{ref} is not in the raw store {settings.raw}; pass --cik to fetch it from {settings.source}")
    from edgar8k.extract.edgar_index import IndexEntry
    from edgar8k.extract.http import EdgarClient
    from edgar8k.extract.submissions import fetch_submission

    entry = IndexEntry(accession_number=ref, cik=cik, company_name="", form_type="8-K",
                       filing_date=dt.date(1900, 1, 1), path="", ciks=(cik,))
    record = fetch_submission(EdgarClient(settings.validate()), RawStore(settings.raw), entry)
    return record.data, _meta(ref, record.data, record.source_url, record.fetched_at, record.sha256)


def _cik_from_output(acc: str, out: str) -> int | None:
    try:
        from edgar8k.load.parquet import dataset
        import pyarrow.compute as pc

        t = dataset("filings", out).to_table(columns=["cik"], filter=pc.field("accession_number") == acc)
    except Exception:
        return None
    return t.column("cik")[0].as_py() if t.num_rows else None


def _meta(acc: str, data: bytes, source: str | None, fetched_at: dt.datetime | None = None,
          sha: str | None = None) -> FilingMeta:
    return FilingMeta(accession_number=acc, cik=0, company_name=None, form_type=None,
                      filing_date=dt.date(1900, 1, 1), source_url=source,
                      raw_sha256=sha or hashlib.sha256(data).hexdigest(), fetched_at=fetched_at)


def render(raw: bytes, meta: FilingMeta, *, as_json: bool = False, with_text: bool = False,
           color: bool = False) -> str:
    p = process_submission(raw, meta)
    if as_json:
        return json.dumps(_as_json(p, with_text), indent=2, default=str)
    return _as_text(p, with_text, color)


def _as_json(p: Processed, with_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"filing": p.filing, "issuances": p.issuances}
    if with_text and p.text is not None:
        out["text"] = p.text.text
        out["segments"] = [vars(s) for s in p.text.segments]
    return out


def _as_text(p: Processed, with_text: bool, color: bool) -> str:
    b = (lambda s: f"{BOLD}{s}{RESET}") if color else (lambda s: s)
    f = p.filing
    lines = [b(f"{f.get('company_name')} — {f.get('form_type')} {f.get('accession_number')}"),
             f"  CIK {f.get('cik')}  filed {f.get('filing_date')}  event {f.get('event_date')}  "
             f"SIC {f.get('sic')}  state {f.get('state_of_incorporation')}",
             f"  status {f.get('status')}" + (f"  error: {f.get('error')}" if f.get("error") else ""),
             f"  items: {', '.join(f.get('items') or []) or '-'}",
             f"  exhibits: {'; '.join(f.get('exhibits') or []) or '-'}",
             f"  text: {f.get('text_chars')} characters; documents: {f.get('n_documents')}", ""]
    if not p.issuances:
        lines.append("No issuance found.")
    last_t = None
    for row in p.issuances:
        if row["transaction_index"] != last_t:
            last_t = row["transaction_index"]
            lines.append(b(f"Transaction {last_t + 1}"))
            for k in TRANSACTION_FIELDS:
                if row.get(k) not in (None, [], ""):
                    lines.append(f"    {k:24} {_fmt(row[k])}")
        lines.append(f"  Security {row['security_index'] + 1}: {row['security_type']}")
        for k in VALUE_FIELDS[1:]:
            if row.get(k) is not None:
                lines.append(f"    {k:24} {_fmt(row[k])}")
        if row.get("quality_flags"):
            lines.append(f"    quality_flags            {', '.join(row['quality_flags'])}")
        lines.append(f"    evidence [{row['evidence_start']}:{row['evidence_end']}] ({row.get('source_item')}):")
        lines.append("      " + _highlight(row, color))
    if with_text and p.text is not None:
        lines += ["", b("Filing text (evidence offsets index into this)"), p.text.text]
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        return "; ".join(map(str, v))
    return str(v)


def _highlight(row: dict[str, Any], color: bool) -> str:
    """The evidence sentence with each extracted value marked: [[value]] in plain text, colour on a terminal."""
    text = row.get("evidence") or ""
    start = row.get("evidence_start") or 0
    spans = sorted({(e["start"] - start, e["end"] - start) for e in row.get("field_evidence") or []
                    if e["start"] >= start and e["end"] <= start + len(text)}, reverse=True)
    for s, e in spans:
        mark = (YELLOW, RESET) if color else ("[[", "]]")
        text = text[:s] + mark[0] + text[s:e] + mark[1] + text[e:]
    return " ".join(text.split())
