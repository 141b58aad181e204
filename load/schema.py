"""Every output column, declared once.

The pyarrow schemas, the data dictionary in the README and the validation of DataFrames are all
generated from the `Column` lists below, so the documentation cannot drift from the files.
Schema changes only ever add columns; bump SCHEMA_VERSION when they do.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = "1"

PRICE = pa.decimal128(24, 8)  # per-share prices: pre-funded warrants go down to $0.0001 and below
MONEY = pa.decimal128(24, 4)  # aggregate amounts in USD
PARTITION_COLUMN = "filing_year"

OFFERING_TYPES = (
    "registered_direct", "private_placement", "public_offering", "at_the_market", "equity_line",
    "exchange", "conversion", "acquisition_consideration", "debt_financing", "other",
)
REGISTRATIONS = ("registered", "exempt", "mixed", "unknown")
SECURITY_TYPES = (
    "common_stock", "preferred_stock", "warrant", "pre_funded_warrant", "option",
    "convertible_note", "note", "unit", "right", "other",
)
STATUSES = ("ok", "fetch_error", "parse_error")

FIELD_EVIDENCE = pa.list_(pa.struct([
    ("field", pa.string()), ("value", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
]))


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    meaning: str
    example: str = ""
    unit: str = ""
    derivation: str = ""
    nullable: bool = True
    allowed: tuple[str, ...] = ()


_FILING_KEYS = [
    Column("accession_number", pa.string(), "EDGAR accession number of the submission; the table's key.",
           "0000950150-01-500123", derivation="SGML header ACCESSION NUMBER, else the index file's path.",
           nullable=False),
    Column("cik", pa.int64(), "Central Index Key of the filer (the first FILER block).", "711404",
           derivation="SGML header CENTRAL INDEX KEY, else the index row.", nullable=False),
    Column("company_name", pa.string(), "Filer's conformed name at filing time.", "NEOTHERAPEUTICS INC"),
    Column("form_type", pa.string(), "Submission type.", "8-K", allowed=("8-K", "8-K/A", "…")),
    Column("filing_date", pa.date32(), "Date EDGAR accepted the filing as filed.", "2001-03-13",
           derivation="SGML FILED AS OF DATE, else the index row's Date Filed."),
    Column("event_date", pa.date32(), "Date of the earliest event reported (period of report).",
           "2001-03-09", derivation="SGML CONFORMED PERIOD OF REPORT."),
]

FILINGS_COLUMNS: list[Column] = _FILING_KEYS + [
    Column("items", pa.list_(pa.string()), "8-K item numbers reported, as numbers.", "['5', '7']",
           derivation="Item headings in the body, merged with the header's ITEM INFORMATION titles."),
    Column("filer_ciks", pa.list_(pa.int64()), "Every CIK the submission is filed under (co-registrants).",
           "[711404]"),
    Column("sic", pa.int32(), "Standard Industrial Classification code of the filer.", "2834"),
    Column("state_of_incorporation", pa.string(), "Two-letter state or country code.", "DE"),
    Column("n_documents", pa.int32(), "Number of <DOCUMENT> blocks in the submission.", "4"),
    Column("exhibits", pa.list_(pa.string()),
           "Exhibit documents as 'TYPE: description' (or the file name when there is no description).",
           "['EX-99.1: PRESS RELEASE']"),
    Column("has_issuance", pa.bool_(), "True when at least one issuance row was extracted.", "true",
           nullable=False),
    Column("n_issuances", pa.int32(), "Number of rows this filing contributes to `issuances`.", "2"),
    Column("status", pa.string(), "Outcome of fetching and parsing this filing.", "ok",
           allowed=STATUSES, nullable=False),
    Column("error", pa.string(), "Why status is not ok: what failed, in one line.",
           "parse_error: no <DOCUMENT> block found"),
    Column("source_url", pa.string(), "Where the raw submission was fetched from.",
           "https://www.sec.gov/Archives/edgar/data/711404/0000950150-01-500123.txt"),
    Column("raw_sha256", pa.string(), "SHA-256 of the raw submission bytes as fetched.", "9f2c…"),
    Column("fetched_at", pa.timestamp("us", tz="UTC"), "When the raw bytes were first fetched; "
           "comes from the raw store, so reprocessing never changes it.", "2026-11-25 19:00:00+00:00"),
    Column("text_chars", pa.int64(), "Length of the filing text the extractor read (what `edgar8k show` prints).",
           "4100", unit="characters"),
    Column("extractor_version", pa.string(), "Version of the extractor that produced the row.", "0.1.0"),
    Column(PARTITION_COLUMN, pa.int32(), "Year of filing_date; the Hive partition key.", "2001",
           nullable=False),
]

ISSUANCES_COLUMNS: list[Column] = _FILING_KEYS + [
    Column("transaction_index", pa.int32(), "0-based index of the transaction within the filing.", "0",
           nullable=False),
    Column("security_index", pa.int32(), "0-based index of the security within the transaction.", "1",
           nullable=False),
    Column("offering_type", pa.string(), "Kind of transaction.", "registered_direct", allowed=OFFERING_TYPES),
    Column("registration", pa.string(), "Registered under the Securities Act, exempt, both, or not stated.",
           "registered", allowed=REGISTRATIONS),
    Column("exemption", pa.string(), "Exemption relied on, as cited.", "Section 4(a)(2)"),
    Column("aggregate_consideration", MONEY, "Gross consideration for the whole transaction "
           "(gross proceeds; for 'up to' agreements the cap).", "5000000.0000", unit="USD"),
    Column("currency", pa.string(), "Currency of the money fields (USD unless stated otherwise).", "USD"),
    Column("agreement_date", pa.date32(), "Date of the purchase/underwriting agreement.", "2001-03-08"),
    Column("closing_date", pa.date32(), "Date the securities were (or are to be) issued.", "2001-03-09"),
    Column("purchasers", pa.list_(pa.string()), "Named purchasers; empty when unnamed.",
           "['IAT ReInsurance Syndicate Ltd.']"),
    Column("security_type", pa.string(), "Kind of security.", "warrant", allowed=SECURITY_TYPES),
    Column("security_title", pa.string(), "The security as the filing names it.", "warrant to purchase common stock"),
    Column("shares", pa.int64(), "Shares issued; for warrants, options and convertibles the shares underlying.",
           "125000", unit="shares"),
    Column("price_per_share", PRICE, "Purchase/offering price per share (or per unit, on the unit's main row).",
           "4.0000", unit="USD per share"),
    Column("exercise_price", PRICE, "Exercise price of a warrant, option or right.", "5.0000",
           unit="USD per share"),
    Column("conversion_price", PRICE, "Conversion price of a convertible note or preferred stock.", "1.2500",
           unit="USD per share"),
    Column("expiration_date", pa.date32(), "Expiry of a warrant/option; a stated term "
           "(\"five years from issuance\") is resolved against the stated closing/issue date only, "
           "and left null when no issue date is stated.", "2006-03-08"),
    Column("expiration_term", pa.string(), "The expiry as stated, when stated as a term.", "five years"),
    Column("principal_amount", MONEY, "Principal of a note, or aggregate stated value of preferred stock.",
           "275000.0000", unit="USD"),
    Column("source_item", pa.string(), "Item (or exhibit) whose text the row was extracted from.", "5"),
    Column("evidence", pa.string(), "The sentence the security's terms came from.",
           "On March 9, 2001, NeoTherapeutics, Inc. ... issued 1,250,000 shares ..."),
    Column("evidence_start", pa.int64(), "Start offset of `evidence` in the filing text.", "1523",
           unit="characters"),
    Column("evidence_end", pa.int64(), "End offset (exclusive) of `evidence` in the filing text.", "1980",
           unit="characters"),
    Column("field_evidence", FIELD_EVIDENCE, "Per value: the field, the value as written, and its offsets.",
           "[{'field': 'shares', 'value': '1,250,000', 'start': 1580, 'end': 1589}]"),
    Column("quality_flags", pa.list_(pa.string()), "Data checks this row failed (kept, not dropped).",
           "['expiration_before_issue']"),
    Column("extractor_version", pa.string(), "Version of the extractor that produced the row.", "0.1.0"),
    Column(PARTITION_COLUMN, pa.int32(), "Year of filing_date; the Hive partition key.", "2001",
           nullable=False),
]

TABLES: dict[str, list[Column]] = {"filings": FILINGS_COLUMNS, "issuances": ISSUANCES_COLUMNS}
SORT_KEYS: dict[str, list[str]] = {
    "filings": ["filing_date", "accession_number"],
    "issuances": ["filing_date", "accession_number", "transaction_index", "security_index"],
}


def arrow_schema(table: str) -> pa.Schema:
    """The declared schema of a table, with the version in its metadata."""
    cols = TABLES[table]
    return pa.schema(
        [pa.field(c.name, c.type, nullable=c.nullable) for c in cols],
        metadata={"edgar8k.table": table, "edgar8k.schema_version": SCHEMA_VERSION},
    )


def file_schema(table: str) -> pa.Schema:
    """The schema inside each Parquet file: the partition column lives in the folder name."""
    schema = arrow_schema(table)
    return schema.remove(schema.get_field_index(PARTITION_COLUMN))


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown, generated so it always matches the schemas."""
    out: list[str] = []
    for table, cols in TABLES.items():
        out.append(f"### `{table}`\n")
        out.append("| column | type | unit | meaning | example |")
        out.append("|---|---|---|---|---|")
        for c in cols:
            meaning = c.meaning
            if c.allowed:
                meaning += " One of: " + ", ".join(f"`{a}`" for a in c.allowed) + "."
            if c.derivation:
                meaning += " " + c.derivation
            out.append(f"| `{c.name}` | `{c.type}` | {c.unit} | {meaning} | {c.example} |")
        out.append("")
    return "\n".join(out)
