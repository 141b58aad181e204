"""SGML full submissions, feed `.nc` files and bare documents to `Submission`."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from edgar8k.transform.model import ParseError
from edgar8k.transform.sgml import decode_text, parse_submission
from tests.corpus import require_shared

HEADER = (
    "<SEC-DOCUMENT>0000950123-10-000001.txt : 20100105\n"
    "<SEC-HEADER>0000950123-10-000001.hdr.sgml : 20100105\n"
    "<ACCEPTANCE-DATETIME>20100105171500\n"
    "ACCESSION NUMBER:\t\t0000950123-10-000001\n"
    "CONFORMED SUBMISSION TYPE:\t8-K/A\n"
    "PUBLIC DOCUMENT COUNT:\t\t3\n"
    "CONFORMED PERIOD OF REPORT:\t20091231\n"
    "ITEM INFORMATION:\t\tEntry into a Material Definitive Agreement\n"
    "ITEM INFORMATION:\t\n"
    "ITEM INFORMATION:\t\tUnregistered Sales of Equity Securities\n"
    "FILED AS OF DATE:\t\t20100105\n"
    "\n"
    "SUBJECT COMPANY:\t\n"
    "\n"
    "\tCOMPANY DATA:\t\n"
    "\t\tCOMPANY CONFORMED NAME:\t\t\tTARGET CORP\t\n"
    "\t\tCENTRAL INDEX KEY:\t\t\t0000012345\n"
    "\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\tPHARMACEUTICAL PREPARATIONS [2834]\n"
    "\t\tSTATE OF INCORPORATION:\t\t\tDE\n"
    "\t\tFISCAL YEAR END:\t\t\t1231\n"
    "\tFORMER COMPANY:\t\n"
    "\t\tFORMER CONFORMED NAME:\tOLD TARGET INC\n"
    "\t\tDATE OF NAME CHANGE:\t19990101\n"
    "\n"
    "FILED BY:\t\n"
    "\n"
    "\tCOMPANY DATA:\t\n"
    "\t\tCOMPANY CONFORMED NAME:\t\t\tBUYER LLC\n"
    "\t\tCENTRAL INDEX KEY:\t\t\t0000067890\n"
    "\tBUSINESS ADDRESS:\t\n"
    "\t\tSTATE:\t\t\tNY\n"
    "</SEC-HEADER>\n"
)


def doc(type_: str, seq: int, body: str, filename: str | None = None, description: str | None = None) -> str:
    meta = f"<TYPE>{type_}\n<SEQUENCE>{seq}\n"
    meta += f"<FILENAME>{filename}\n" if filename else ""
    meta += f"<DESCRIPTION>{description}\n" if description else ""
    return f"<DOCUMENT>\n{meta}<TEXT>\n{body}\n</TEXT>\n</DOCUMENT>\n"


def submission(*docs: str, header: str = HEADER) -> bytes:
    return (header + "".join(docs) + "</SEC-DOCUMENT>\n").encode("latin-1")


def test_header_fields_subject_and_filed_by_blocks() -> None:
    sub = parse_submission(submission(doc("8-K/A", 1, "Item 3.02 Unregistered Sales", "a.txt")))
    assert sub.accession_number == "0000950123-10-000001"
    assert sub.form_type == "8-K/A"
    assert sub.filing_date == dt.date(2010, 1, 5)
    assert sub.period_of_report == dt.date(2009, 12, 31)
    assert sub.acceptance_datetime == dt.datetime(2010, 1, 5, 17, 15)
    assert sub.public_document_count == 3
    assert sub.item_titles == ("Entry into a Material Definitive Agreement", "Unregistered Sales of Equity Securities")
    subject, filed_by = sub.filers
    assert (subject.role, subject.cik, subject.name, subject.sic) == ("subject", 12345, "TARGET CORP", 2834)
    assert (subject.state_of_incorporation, subject.fiscal_year_end) == ("DE", "1231")
    assert subject.former_names == ("OLD TARGET INC",)
    assert (filed_by.role, filed_by.cik, filed_by.name, filed_by.state_of_incorporation) == (
        "filed_by", 67890, "BUYER LLC", None)
    assert sub.primary_filer == subject


def test_documents_type_sequence_filename_description_and_text() -> None:
    sub = parse_submission(submission(
        doc("8-K", 1, "<html><body><p>Item 8.01</p></body></html>", "d8k.htm", "FORM 8-K"),
        doc("EX-99.1", 2, "Press release text", "ex991.txt", "PRESS RELEASE"),
        doc("EX-10.1", 3, "Agreement"),
    ))
    assert [(d.type, d.sequence, d.filename, d.description) for d in sub.documents] == [
        ("8-K", 1, "d8k.htm", "FORM 8-K"), ("EX-99.1", 2, "ex991.txt", "PRESS RELEASE"), ("EX-10.1", 3, None, None)]
    assert sub.documents[1].body.strip() == "Press release text"
    assert not any(d.is_binary for d in sub.documents)


def test_binaries_are_skipped_without_decoding() -> None:
    uu = "begin 644 logo.jpg\nM_]C_X``02D9)1@`!`0$`8`!@``#_VP!#``@&!@<&!0@'!P<)\"0@*#!0-#`L+\n`\nend"
    pdf = "<PDF>\nbegin 644 report.pdf\nM)5!$1BTQ+C0*)>+CS],*\n\nend\n</PDF>"
    sub = parse_submission(submission(
        doc("8-K", 1, "Body"), doc("GRAPHIC", 2, uu, "logo.jpg"), doc("EX-99.2", 3, pdf, "report.pdf"),
        doc("EX-99.3", 4, uu.replace("logo.jpg", "chart")),
    ))
    assert [(d.type, d.is_binary, d.body) for d in sub.documents[1:]] == [
        ("GRAPHIC", True, ""), ("EX-99.2", True, ""), ("EX-99.3", True, "")]


def test_xbrl_wrapper_is_removed() -> None:
    sub = parse_submission(submission(doc("8-K", 1, "<XBRL>\n<?xml version='1.0'?>\n<html><body>x</body></html>\n</XBRL>",
                                          "f.htm")))
    body = sub.documents[0].body
    assert "<XBRL>" not in body and "</XBRL>" not in body and "<html>" in body


def test_pem_wrapped_ims_header_of_1994() -> None:
    raw = (
        "-----BEGIN PRIVACY-ENHANCED MESSAGE-----\nProc-Type: 2001,MIC-CLEAR\nOriginator-Name: keymaster@town.hall.org\n"
        "MIC-Info: RSA-MD5,RSA,\n kDrHWhl6Ybr+IPnL+eDCYe6Vdr0Mgj/bE9zfWrCkwjjEeSUqfYW0cfCWOnvThxM2\n\n"
        "<IMS-DOCUMENT>0000109446-94-000005.txt : 19940323\n<IMS-HEADER>0000109446-94-000005.hdr.sgml : 19940323\n"
        "ACCESSION NUMBER:\t\t0000109446-94-000005\nCONFORMED SUBMISSION TYPE:\t8-K\nITEM INFORMATION:\t\t5\n"
        "FILED AS OF DATE:\t\t19940322\n\nFILER:\n\n\tCOMPANY DATA:\t\n\t\tCOMPANY CONFORMED NAME:\t\t\tZURN INDUSTRIES INC\n"
        "\t\tCENTRAL INDEX KEY:\t\t\t0000109446\n\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\t4991\n</IMS-HEADER>\n"
        "<DOCUMENT>\n<TYPE>8-K\n<SEQUENCE>1\n<DESCRIPTION>TEST\n<TEXT>\nITEM 5 - OTHER EVENTS\n</TEXT>\n</DOCUMENT>\n"
        "</IMS-DOCUMENT>\n-----END PRIVACY-ENHANCED MESSAGE-----\n"
    ).encode()
    sub = parse_submission(raw)
    assert sub.accession_number == "0000109446-94-000005"
    assert sub.item_titles == ("5",)
    assert sub.filers[0].sic == 4991 and sub.filers[0].cik == 109446
    assert [d.filename for d in sub.documents] == [None]


def test_feed_nc_tags_with_bare_cr_line_endings() -> None:
    raw = (
        "<SUBMISSION>\n<ACCESSION-NUMBER>0001493152-25-001317\r<TYPE>8-K\r<PUBLIC-DOCUMENT-COUNT>14\r"
        "<PERIOD>20250106\r<ITEMS>5.02\r<ITEMS>9.01\r<FILING-DATE>20250108\r<FILER>\r<COMPANY-DATA>\r"
        "<CONFORMED-NAME>ACORN ENERGY, INC.\r<CIK>0000880984\r<ASSIGNED-SIC>8711\r"
        "<ORGANIZATION-NAME>07 Trade & Services\r<STATE-OF-INCORPORATION>DE\r<FISCAL-YEAR-END>1231\r</COMPANY-DATA>\r"
        "<BUSINESS-ADDRESS>\r<STATE>NY\r</BUSINESS-ADDRESS>\r"
        "<FORMER-COMPANY>\r<FORMER-CONFORMED-NAME>ACORN FACTOR, INC.\r<DATE-CHANGED>20060920\r</FORMER-COMPANY>\r"
        "</FILER>\r<DOCUMENT>\r<TYPE>8-K\r<SEQUENCE>1\r<FILENAME>form8-k.htm\r<TEXT>\r<p>x</p>\r</TEXT>\r</DOCUMENT>\r"
        "</SUBMISSION>\r"
    ).encode()
    sub = parse_submission(raw)
    assert (sub.accession_number, sub.form_type, sub.filing_date) == ("0001493152-25-001317", "8-K", dt.date(2025, 1, 8))
    assert sub.period_of_report == dt.date(2025, 1, 6)
    assert sub.item_titles == ("5.02", "9.01")
    (f,) = sub.filers
    assert (f.name, f.cik, f.sic, f.state_of_incorporation, f.fiscal_year_end, f.former_names) == (
        "ACORN ENERGY, INC.", 880984, 8711, "DE", "1231", ("ACORN FACTOR, INC.",))
    assert [(d.type, d.filename) for d in sub.documents] == [("8-K", "form8-k.htm")]


def test_bare_document_and_bare_document_wrapper() -> None:
    sub = parse_submission(b"<html><body><p>Item 8.01 Other Events</p></body></html>")
    assert sub.accession_number is None and sub.form_type is None
    assert [d.type for d in sub.documents] == ["8-K"]
    wrapped = parse_submission(b"<DOCUMENT>\n<TYPE>EX-99.1\n<SEQUENCE>2\n<FILENAME>ex.htm\n<TEXT>\n<p>x</p>\n</TEXT>\n</DOCUMENT>\n")
    assert [(d.type, d.filename) for d in wrapped.documents] == [("EX-99.1", "ex.htm")]


def test_cp1252_and_stray_bytes_keep_the_readable_text() -> None:
    assert decode_text("caf\u00e9 \u2013 \u201cquoted\u201d".encode("utf-8")) == "caf\u00e9 \u2013 \u201cquoted\u201d"
    assert decode_text(b"Company\x92s \x93shares\x94 \x96 $5") == "Company\u2019s \u201cshares\u201d \u2013 $5"
    assert decode_text(b"a\x81b\x00c") == "a\x81bc"  # cp1252-undefined byte falls back to latin-1; NUL dropped
    mixed = "caf\u00e9 \u2014 ".encode("utf-8") + b"the Company\x92s"  # UTF-8 text with one stray cp1252 byte
    assert decode_text(mixed) == "caf\u00e9 \u2014 the Company\u2019s"
    sub = parse_submission(submission(doc("8-K", 1, "x").replace("<TEXT>\nx", "<TEXT>\nthe Company\x92s shares")))
    assert "the Company\u2019s shares" in sub.documents[0].body


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty input"),
    (b"   \r\n\t", "empty input"),
    (HEADER.encode(), "no <DOCUMENT>"),
    (submission(doc("8-K", 1, "Item 5").replace("</TEXT>\n</DOCUMENT>\n", "")), "has no </TEXT>"),
    (submission(doc("8-K", 1, "Item 5").replace("</TEXT>", ""), doc("EX-99", 2, "release")), "before the next <DOCUMENT>"),
    (bytes(range(256)) * 400, "binary data"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x03" * 5000, "binary data"),
])
def test_hostile_input_is_a_parse_error_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason.replace("<", "<").replace("(", r"\(")):
        parse_submission(raw)


def test_non_bytes_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="expected bytes"):
        parse_submission("text")  # type: ignore[arg-type]


def test_50_mb_submission_with_uuencoded_graphic_is_fast() -> None:
    line = b"M" + b"A" * 60 + b"\n"
    graphic = (b"<DOCUMENT>\n<TYPE>GRAPHIC\n<SEQUENCE>2\n<FILENAME>big.jpg\n<TEXT>\nbegin 644 big.jpg\n"
               + line * (50 * 1024 * 1024 // len(line)) + b"`\nend\n</TEXT>\n</DOCUMENT>\n")
    raw = HEADER.encode() + doc("8-K", 1, "Item 8.01 Other Events").encode() + graphic
    assert len(raw) > 50 * 1024 * 1024
    t = time.process_time()
    sub = parse_submission(raw)
    assert time.process_time() - t < 2.0
    assert [(d.type, d.is_binary, d.body) for d in sub.documents[1:]] == [("GRAPHIC", True, "")]


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
    graphics = [d for d in sub.documents if d.type in ("GRAPHIC", "ZIP", "EXCEL")]
    assert len(graphics) == 5 and all(d.is_binary and d.body == "" for d in graphics)
