"""One raw submission in, one `filings` row and its `issuances` rows out.

Pure: everything the rows need that does not come from the bytes themselves (where they were
fetched from, when, their hash) arrives in `FilingMeta`. A submission that cannot be parsed still
yields a `filings` row, with status `parse_error` and the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from edgar8k.transform.filing_cache import forget_filing
from edgar8k.transform.filing_text import build_filing_text, exhibits
from edgar8k.transform.issuance import EXTRACTOR_VERSION, extract_issuances
from edgar8k.transform.items import item_numbers_from_titles
from edgar8k.transform.model import FilingText, ParseError, Submission, Transaction
from edgar8k.transform.sgml import parse_submission


@dataclass(frozen=True)
class FilingMeta:
    """What the index and the raw store know about a filing before it is parsed."""
    accession_number: str
    cik: int
    company_name: str | None
    form_type: str | None
    filing_date: dt.date
    source_url: str | None = None
    raw_sha256: str | None = None
    fetched_at: dt.datetime | None = None
    ciks: tuple[int, ...] = ()


@dataclass(frozen=True)
class Processed:
    filing: dict[str, Any]
    issuances: list[dict[str, Any]]
    submission: Submission | None = None
    text: FilingText | None = None


def _base_row(meta: FilingMeta) -> dict[str, Any]:
    return {
        "accession_number": meta.accession_number,
        "cik": meta.cik,
        "company_name": meta.company_name,
        "form_type": meta.form_type,
        "filing_date": meta.filing_date,
        "event_date": None,
        "filing_year": meta.filing_date.year,
    }


def failed_filing_row(meta: FilingMeta, status: str, error: str) -> dict[str, Any]:
    """The `filings` row of a filing that could not be fetched or parsed: recorded, never dropped."""
    return {
        **_base_row(meta),
        "filer_ciks": list(meta.ciks or (meta.cik,)),
        "has_issuance": False,
        "n_issuances": 0,
        "status": status,
        "error": error,
        "source_url": meta.source_url,
        "raw_sha256": meta.raw_sha256,
        "fetched_at": meta.fetched_at,
        "extractor_version": EXTRACTOR_VERSION,
    }


def process_submission(raw: bytes, meta: FilingMeta) -> Processed:
    try:
        sub = parse_submission(raw)
        text = build_filing_text(sub)
    except ParseError as e:
        return Processed(failed_filing_row(meta, "parse_error", f"parse_error: {e}"), [])
    except (RecursionError, MemoryError, UnicodeError, ValueError) as e:
        return Processed(failed_filing_row(meta, "parse_error", f"parse_error: {type(e).__name__}: {e}"), [])
    return build_rows(sub, text, meta)


def build_rows(sub: Submission, text: FilingText, meta: FilingMeta) -> Processed:
    try:
        return _build_rows(sub, text, meta)
    finally:
        forget_filing()  # the sentence caches serve one filing (transform/filing_cache.py)


def _build_rows(sub: Submission, text: FilingText, meta: FilingMeta) -> Processed:
    filer = sub.primary_filer
    filing_date = sub.filing_date or meta.filing_date
    row = _base_row(meta)
    row.update({
        "cik": meta.cik or (filer.cik if filer and filer.cik else 0),
        "company_name": (filer.name if filer and filer.name else meta.company_name),
        "form_type": sub.form_type or meta.form_type,
        "filing_date": filing_date,
        "event_date": sub.period_of_report,
        "filing_year": filing_date.year,
    })
    transactions = extract_issuances(text, filing_date=filing_date, event_date=sub.period_of_report,
                                     company_name=row["company_name"])
    issuance_rows = issuance_rows_for(row, transactions, text.text)
    body_items = [s.number for s in text.items]
    header_items = item_numbers_from_titles(sub.item_titles, filing_date)
    items = sorted(set(body_items) | set(header_items), key=_item_key)
    filer_ciks = sorted({f.cik for f in sub.filers if f.cik} | set(meta.ciks)) or [row["cik"]]
    row.update({
        "items": items,
        "filer_ciks": filer_ciks,
        "sic": filer.sic if filer else None,
        "state_of_incorporation": filer.state_of_incorporation if filer else None,
        "n_documents": len(sub.documents),
        "exhibits": exhibits(sub),
        "has_issuance": bool(issuance_rows),
        "n_issuances": len(issuance_rows),
        "status": "ok",
        "error": None,
        "source_url": meta.source_url,
        "raw_sha256": meta.raw_sha256,
        "fetched_at": meta.fetched_at,
        "text_chars": len(text.text),
        "extractor_version": EXTRACTOR_VERSION,
    })
    return Processed(row, issuance_rows, sub, text)


def _item_key(item: str) -> tuple[float, str]:
    try:
        return (float(item), item)
    except ValueError:
        return (float("inf"), item)


def issuance_rows_for(filing: dict[str, Any], transactions: list[Transaction], text: str) -> list[dict[str, Any]]:
    """One row per security; transaction-level values repeat on each of its rows."""
    rows: list[dict[str, Any]] = []
    base = {k: filing[k] for k in ("accession_number", "cik", "company_name", "form_type", "filing_date",
                                    "event_date", "filing_year")}
    for t_index, t in enumerate(transactions):
        for s_index, s in enumerate(t.securities):
            evidence = None
            if s.evidence_start is not None and s.evidence_end is not None:
                evidence = text[s.evidence_start:s.evidence_end]
            row = {
                **base,
                "transaction_index": t_index,
                "security_index": s_index,
                "offering_type": t.offering_type,
                "registration": t.registration,
                "exemption": t.exemption,
                "aggregate_consideration": t.aggregate_consideration,
                "currency": t.currency,
                "agreement_date": t.agreement_date,
                "closing_date": t.closing_date,
                "purchasers": list(t.purchasers),
                "security_type": s.security_type,
                "security_title": s.security_title,
                "shares": s.shares,
                "price_per_share": s.price_per_share,
                "exercise_price": s.exercise_price,
                "conversion_price": s.conversion_price,
                "expiration_date": s.expiration_date,
                "expiration_term": s.expiration_term,
                "principal_amount": s.principal_amount,
                "source_item": t.source_item,
                "evidence": evidence,
                "evidence_start": s.evidence_start,
                "evidence_end": s.evidence_end,
                "field_evidence": [
                    {"field": e.field, "value": e.value, "start": e.start, "end": e.end}
                    for e in [*t.field_evidence, *s.field_evidence]
                ],
                "quality_flags": quality_flags(t, s),
                "extractor_version": EXTRACTOR_VERSION,
            }
            rows.append(row)
    return rows


def quality_flags(t: Transaction, s: Any) -> list[str]:
    """Data checks: a failing row is kept and flagged, never dropped."""
    flags: list[str] = []
    for name in ("price_per_share", "exercise_price", "conversion_price", "principal_amount"):
        v = getattr(s, name)
        if v is not None and v < 0:
            flags.append(f"negative_{name}")
    if t.aggregate_consideration is not None and t.aggregate_consideration < 0:
        flags.append("negative_aggregate_consideration")
    if s.shares is not None and s.shares < 0:
        flags.append("negative_shares")
    issued = t.closing_date or t.agreement_date
    if s.expiration_date and issued and s.expiration_date <= issued:
        flags.append("expiration_not_after_issue")
    if s.price_per_share is not None and s.price_per_share > Decimal(1_000_000):
        flags.append("implausible_price_per_share")
    return flags
