"""SGML full submissions, feed files and bare documents to `Submission`."""

from __future__ import annotations

import datetime as dt

import pytest

from edgar8k.transform.model import ParseError
from edgar8k.transform.sgml import parse_submission
from tests.corpus import require_shared


def test_seed_is_a_bare_document_with_one_8k() -> None:
    shared = require_shared()
    sub = parse_submission((shared / "seeds" / "000_c925b9460a6f9d51.txt").read_bytes())
    assert sub.accession_number is None and sub.filing_date is None and sub.filers == ()
    assert [d.type for d in sub.documents] == ["8-K"]
    assert "IAT ReInsurance Syndicate Ltd." in sub.documents[0].body


def test_apple_2019_submission_header_and_documents() -> None:
    shared = require_shared()
    sub = parse_submission((shared / "corpus" / "filings" / "0001193125-19-292676.txt").read_bytes())
    assert sub.accession_number == "0001193125-19-292676"
    assert sub.form_type == "8-K"
    assert sub.filing_date == dt.date(2019, 11, 15)
    assert sub.period_of_report == dt.date(2019, 11, 7)
    assert sub.acceptance_datetime == dt.datetime(2019, 11, 15, 6, 2, 24)
    assert sub.item_titles == ("Other Events", "Financial Statements and Exhibits")
    assert sub.public_document_count == 19
    (filer,) = sub.filers
    assert (filer.role, filer.cik, filer.name, filer.sic) == ("filer", 320193, "Apple Inc.", 3571)
    assert (filer.state_of_incorporation, filer.fiscal_year_end) == ("CA", "0928")
    assert filer.former_names == ("APPLE INC", "APPLE COMPUTER INC")
    types = [d.type for d in sub.documents]
    assert types[:4] == ["8-K", "EX-1.1", "EX-4.1", "EX-5.1"]
    first = sub.documents[0]
    assert (first.sequence, first.filename, first.description) == (1, "d828969d8k.htm", "8-K")
    assert first.body.lstrip().startswith("<?xml")
    graphics = [d for d in sub.documents if d.type == "GRAPHIC"]
    assert graphics and all(d.is_binary and d.body == "" for d in graphics)


def test_empty_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_submission(b"  \n")
