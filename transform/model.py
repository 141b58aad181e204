"""The records the transform layer passes around.

Plain frozen dataclasses: parsing produces a `Submission`, text building a `FilingText`, extraction
a list of `Transaction`s. Offsets always index into `FilingText.text`, the exact text that
`edgar8k show` prints, so an analyst can find every value where it was read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class ParseError(ValueError):
    """A submission that cannot be parsed; the message says what is wrong and is stored in `filings.error`."""


@dataclass(frozen=True)
class Filer:
    role: str  # "filer" | "subject" | "filed_by" | "reporting_owner"
    cik: int | None
    name: str | None
    sic: int | None = None
    state_of_incorporation: str | None = None
    fiscal_year_end: str | None = None
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    type: str
    sequence: int | None
    filename: str | None
    description: str | None
    body: str  # the <TEXT> content decoded to str; "" for binaries (not decoded)
    is_binary: bool = False


@dataclass(frozen=True)
class Submission:
    accession_number: str | None
    form_type: str | None
    filing_date: dt.date | None
    period_of_report: dt.date | None
    acceptance_datetime: dt.datetime | None
    item_titles: tuple[str, ...]  # ITEM INFORMATION lines (titles) or <ITEMS> numbers, as written
    filers: tuple[Filer, ...]
    documents: tuple[Document, ...]
    public_document_count: int | None = None

    @property
    def primary_filer(self) -> Filer | None:
        for f in self.filers:
            if f.role in ("filer", "subject"):
                return f
        return self.filers[0] if self.filers else None


@dataclass(frozen=True)
class Segment:
    """A labelled stretch of the filing text: the main 8-K body or one exhibit."""
    label: str  # "8-K" or the exhibit type, e.g. "EX-99.1"
    start: int
    end: int


@dataclass(frozen=True)
class ItemSection:
    number: str  # "5", "3.02"
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class FilingText:
    text: str
    segments: tuple[Segment, ...]
    items: tuple[ItemSection, ...] = ()


@dataclass(frozen=True)
class Evidence:
    field: str
    value: str  # as written in the filing
    start: int
    end: int


@dataclass
class Security:
    security_type: str
    security_title: str | None = None
    shares: int | None = None
    price_per_share: Decimal | None = None
    exercise_price: Decimal | None = None
    conversion_price: Decimal | None = None
    expiration_date: dt.date | None = None
    expiration_term: str | None = None
    principal_amount: Decimal | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    field_evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Transaction:
    offering_type: str = "other"
    registration: str = "unknown"
    exemption: str | None = None
    aggregate_consideration: Decimal | None = None
    currency: str = "USD"
    agreement_date: dt.date | None = None
    closing_date: dt.date | None = None
    purchasers: list[str] = field(default_factory=list)
    source_item: str | None = None
    securities: list[Security] = field(default_factory=list)
    field_evidence: list[Evidence] = field(default_factory=list)
