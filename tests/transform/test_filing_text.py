"""The filing text: primary 8-K document plus press releases, with segments and items."""

from __future__ import annotations

from edgar8k.transform.filing_text import build_filing_text
from edgar8k.transform.sgml import parse_submission
from tests.corpus import require_shared


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
