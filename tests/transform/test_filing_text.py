"""The filing text: primary 8-K document plus press releases, with segments and items."""

from __future__ import annotations

import pytest

from edgar8k.transform.filing_text import MAX_PRIMARY_CHARS, build_filing_text, exhibits
from edgar8k.transform.model import Document, ParseError, Submission
from edgar8k.transform.sgml import parse_submission
from tests.corpus import require_shared


def make(*docs: Document) -> Submission:
    return Submission(None, "8-K", None, None, None, (), (), tuple(docs))


PRIMARY = Document("8-K", 1, "d8k.htm", "FORM 8-K",
                   "<html><body><p>Item 8.01 Other Events.</p><p>We sold shares.</p>"
                   "<p>Item 9.01 Financial Statements and Exhibits.</p><p>99.1 Press release</p></body></html>")
RELEASE = Document("EX-99.1", 2, "ex991.htm", "PRESS RELEASE",
                   "<html><body><p>ACME prices offering</p><p>Item 3.02 is not a heading of the 8-K.</p></body></html>")
DECK = Document("EX-99.2", 3, "ex992.txt", None, "Investor presentation\r\nslide 1\r\n")
AGREEMENT = Document("EX-10.1", 4, "ex101.htm", "PURCHASE AGREEMENT", "<p>Agreement</p>")
LOGO = Document("EX-99.3", 5, "logo.jpg", None, "", is_binary=True)


def test_primary_then_press_releases_with_labelled_separators() -> None:
    ft = build_filing_text(make(PRIMARY, RELEASE, AGREEMENT, DECK, LOGO))
    assert ft.text == (
        "Item 8.01 Other Events.\n\nWe sold shares.\n\nItem 9.01 Financial Statements and Exhibits.\n\n99.1 Press release"
        "\n\n[EX-99.1: PRESS RELEASE]\n\nACME prices offering\n\nItem 3.02 is not a heading of the 8-K."
        "\n\n[EX-99.2: ex992.txt]\n\nInvestor presentation\nslide 1"
    )
    assert [s.label for s in ft.segments] == ["8-K", "EX-99.1", "EX-99.2"]
    primary, release, deck = ft.segments
    assert primary.start == 0 and ft.text[primary.start:primary.end].endswith("99.1 Press release")
    assert ft.text[release.start:release.end].startswith("[EX-99.1: PRESS RELEASE]\n\nACME")
    assert ft.text[deck.start:deck.end] == "[EX-99.2: ex992.txt]\n\nInvestor presentation\nslide 1"
    assert deck.end == len(ft.text)


def test_items_come_from_the_8k_segment_only() -> None:
    ft = build_filing_text(make(PRIMARY, RELEASE))
    assert [(i.number, i.title) for i in ft.items] == [
        ("8.01", "Other Events"), ("9.01", "Financial Statements and Exhibits")]
    assert ft.items[-1].end == ft.segments[0].end
    assert ft.text[ft.items[0].start:ft.items[0].end].startswith("Item 8.01 Other Events.\n\nWe sold shares.")


def test_primary_is_the_first_8k_type_else_the_first_text_document() -> None:
    amended = Document("8-K/A", 2, None, None, "Item 5. Other events\nAmended text.\n")
    ft = build_filing_text(make(AGREEMENT, amended))
    assert ft.text.startswith("Item 5. Other events") and [s.label for s in ft.segments] == ["8-K"]
    ft2 = build_filing_text(make(LOGO, AGREEMENT))
    assert ft2.text == "Agreement"
    pdf_copy = Document("8-K", 1, "form.pdf", None, "", is_binary=True)
    ft3 = build_filing_text(make(pdf_copy, amended))
    assert ft3.text.startswith("Item 5. Other events")


def test_no_documents_gives_empty_text() -> None:
    ft = build_filing_text(make())
    assert (ft.text, ft.segments, ft.items) == ("", (), ())


def test_oversized_primary_is_a_parse_error_and_oversized_exhibit_is_left_out() -> None:
    huge = Document("8-K", 1, "a.txt", None, "x" * (MAX_PRIMARY_CHARS + 1))
    with pytest.raises(ParseError, match="over the"):
        build_filing_text(make(huge))
    tape = Document("EX-99.1", 2, "tape.txt", None, "loan 1\n" * 1_000_000)
    ft = build_filing_text(make(PRIMARY, tape))
    assert [s.label for s in ft.segments] == ["8-K"]


def test_exhibit_list_for_the_filings_table() -> None:
    assert exhibits(make(PRIMARY, RELEASE, DECK, AGREEMENT, LOGO)) == [
        "EX-99.1: PRESS RELEASE", "EX-99.2: ex992.txt", "EX-10.1: PURCHASE AGREEMENT", "EX-99.3: logo.jpg"]


def test_text_is_deterministic() -> None:
    sub = make(PRIMARY, RELEASE, DECK)
    assert build_filing_text(sub) == build_filing_text(sub)


def test_seed_text_and_items() -> None:
    shared = require_shared()
    ft = build_filing_text(parse_submission((shared / "seeds" / "000_c925b9460a6f9d51.txt").read_bytes()))
    assert [s.label for s in ft.segments] == ["8-K"]
    assert [i.number for i in ft.items] == ["5", "7"]
    item5 = ft.text[ft.items[0].start:ft.items[0].end]
    assert item5.startswith("ITEM 5. OTHER EVENTS")
    assert "issued 1,250,000\nshares of common stock" in item5
    assert "<PAGE>" not in ft.text


def test_apple_2019_items_from_inline_xbrl() -> None:
    shared = require_shared()
    ft = build_filing_text(parse_submission((shared / "corpus" / "filings" / "0001193125-19-292676.txt").read_bytes()))
    assert [i.number for i in ft.items] == ["8.01", "9.01"]
    assert "dei:" not in ft.text and "xbrli" not in ft.text
    assert "consummated the issuance and sale of" in ft.text[ft.items[0].start:ft.items[0].end]


def test_old_filing_with_lettered_press_release_exhibits() -> None:
    shared = require_shared()
    sub = parse_submission((shared / "corpus" / "filings" / "0000914760-99-000229.txt").read_bytes())
    ft = build_filing_text(sub)
    assert [s.label for s in ft.segments] == [
        "8-K", "EX-99.1", "EX-99.2", "EX-99.3", "EX-99.4(A)", "EX-99.4(B)", "EX-99.4(C)"]
    for seg in ft.segments[1:]:
        assert ft.text[seg.start:].startswith(f"[{seg.label}")


def test_50_mb_text_submission_is_a_quick_parse_error() -> None:
    import time

    line = b"The Company issued shares of common stock to investors in a private placement.\n"
    raw = (b"<SEC-DOCUMENT>\n<SEC-HEADER>\nACCESSION NUMBER:\t0000000000-26-000001\n</SEC-HEADER>\n"
           b"<DOCUMENT>\n<TYPE>8-K\n<SEQUENCE>1\n<TEXT>\n" + line * (50 * 1024 * 1024 // len(line))
           + b"</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n")
    t = time.process_time()
    with pytest.raises(ParseError, match=r"primary document \(8-K\) is [\d,]+ characters, over the"):
        build_filing_text(parse_submission(raw))
    assert time.process_time() - t < 3.0
