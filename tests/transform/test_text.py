"""HTML, inline XBRL and old plain text to the text the extractor reads."""

from __future__ import annotations

import pytest

from edgar8k.transform.model import Document
from edgar8k.transform.sgml import parse_submission
from edgar8k.transform.text import document_text, html_to_text, looks_like_html, plain_text
from tests.corpus import require_shared

IXBRL = """<?xml version="1.0" encoding="utf-8" ?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL">
<head><title>8-K</title><style>p {color: red}</style></head>
<body>
<div style="display:none"><ix:header><ix:hidden><ix:nonNumeric name="dei:AmendmentFlag">false</ix:nonNumeric>
</ix:hidden><ix:resources><xbrli:context id="c1">0000320193</xbrli:context></ix:resources></ix:header></div>
<p style="font-weight:bold">Item&#160;3.02&nbsp;&nbsp;Unregistered Sales of Equity Securities.</p>
<p>On March&nbsp;9, 2021, the Company issued <ix:nonFraction name="us-gaap:Shares">1,250,000</ix:nonFraction>
   shares at $5.00 per share &amp; a warrant.<br/>The Company&#8217;s &#8220;Warrant&#8221; expires.</p>
<div><div><span>Nested</span> <b>inline</b><i>text</i></div></div>
<table>
<tr><td>Exhibit No.</td><td>&#160;</td><td>Description</td></tr>
<tr><td><p>99.1</p></td><td></td><td>Press release<br>dated March 9</td></tr>
</table>
<p style="DISPLAY: NONE">hidden paragraph</p>
<script>var x = "script";</script>
</body></html>"""


def test_inline_xbrl_to_text() -> None:
    text = html_to_text(IXBRL)
    assert text == (
        "Item 3.02 Unregistered Sales of Equity Securities.\n\n"
        "On March 9, 2021, the Company issued 1,250,000 shares at $5.00 per share & a warrant.\n"
        "The Company's \"Warrant\" expires.\n\n"
        "Nested inlinetext\n\n"
        "Exhibit No. | Description\n"
        "99.1 | Press release dated March 9"
    )


def test_hidden_content_never_reaches_the_text() -> None:
    text = html_to_text(IXBRL)
    for hidden in ("AmendmentFlag", "false", "0000320193", "hidden paragraph", "var x", "color: red", "8-K"):
        assert hidden not in text


def test_text_is_deterministic_and_has_no_stray_whitespace() -> None:
    a, b = html_to_text(IXBRL), html_to_text(IXBRL)
    assert a == b
    assert "\xa0" not in a and "  " not in a and "\n\n\n" not in a
    assert all(line == line.strip() for line in a.split("\n"))


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<html><body><div style='display:none'>x</div></body></html>",
                                  "<!-- only a comment -->"])
def test_markup_without_visible_text_is_empty(html: str) -> None:
    assert html_to_text(html) == ""


def test_broken_and_deeply_nested_markup_does_not_fail() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>both</p><td>cell outside a row") == "unclosed bold both\n\ncell outside a row"
    deep = "<div>" * 5000 + "deep" + "</div>" * 5000
    assert html_to_text(deep) == "deep"


def test_plain_text_keeps_lines_and_drops_sgml_markup() -> None:
    raw = ("\r\n   FORM 8-K\r\n\r\n\r\n\r\nITEM 5.  OTHER EVENTS\r\n   The Company issued 1,000\r\nshares.\f\r\n"
           "<PAGE>   2\r\n<TABLE>\r\n<CAPTION>\r\n<S>          <C>\r\n  Shares       1,000\r\n</TABLE>\r\n"
           "Page 3<PAGE>\r\n")
    assert plain_text(raw) == ("   FORM 8-K\n\nITEM 5.  OTHER EVENTS\n   The Company issued 1,000\nshares.\n\n"
                               "   2\n  Shares       1,000\nPage 3")


def test_html_is_recognised_by_name_or_tags_not_by_page_markers() -> None:
    assert looks_like_html("plain", "x.htm")
    assert not looks_like_html("<p>looks like html</p>", "x.txt")
    assert looks_like_html("<?xml version='1.0'?>\n<HTML><BODY>x", "misnamed.txt")
    assert looks_like_html("<HTML><BODY>x", None)
    assert looks_like_html("\n<P>Paragraph", None)
    assert not looks_like_html("<PAGE>\n<TABLE>\n<CAPTION>\n<S> <C>\n", None)


def test_document_text_dispatches_and_skips_binaries() -> None:
    html_doc = Document("8-K", 1, "a.htm", None, "<p>Item&nbsp;8.01</p>")
    txt_doc = Document("8-K", 1, None, None, "<PAGE>\nItem 5.\n")
    binary = Document("GRAPHIC", 2, "g.jpg", None, "", is_binary=True)
    assert [document_text(d) for d in (html_doc, txt_doc, binary)] == ["Item 8.01", "Item 5.", ""]


def test_every_corpus_document_converts_to_text() -> None:
    shared = require_shared()
    paths = sorted(p for p in (shared / "corpus" / "documents").rglob("*") if p.is_file())
    assert len(paths) > 300
    empty = []
    for p in paths:
        sub = parse_submission(p.read_bytes())
        text = document_text(sub.documents[0])
        if len(text) < (200 if p.suffix.startswith(".htm") else 50):
            empty.append(p.name)
        assert "ix:" not in text and "xbrli:" not in text and "\xa0" not in text, p
    assert empty == []


def test_table_cells_keep_currency_percent_and_bullets_with_their_values() -> None:
    html = ("<table><tr><td>Gross proceeds</td><td>$</td><td>5,000,000</td><td>(12.5</td><td>%)</td></tr>"
            "<tr><td>&#9679;</td><td>Warrants to purchase 125,000 shares</td></tr>"
            "<tr><td>&#9744;</td><td>Written communications</td><td>&#8212;</td></tr></table>")
    assert html_to_text(html) == ("Gross proceeds | $5,000,000 | (12.5%)\n"
                                  "\u25cf Warrants to purchase 125,000 shares\n"
                                  "\u2610 Written communications | \u2014")


def test_preformatted_text_keeps_its_lines_and_paragraphs() -> None:
    html = ("<html><body><p>Intro</p><pre>ITEM 5.  OTHER EVENTS\n\n   The Company issued 1,000\n"
            "shares of <b>common\nstock</b> today.\n\n\nSIGNATURE</pre><p>after</p></body></html>")
    assert html_to_text(html) == ("Intro\n\nITEM 5. OTHER EVENTS\n\nThe Company issued 1,000\nshares of common\n"
                                  "stock today.\n\nSIGNATURE\n\nafter")


def test_finish_passes_equal_the_reference_regex_passes() -> None:
    """_collapse_spaces and _marks_to_newlines are faster forms of three regex substitutions; on
    random runs of text, spaces (odd ones too) and paragraph/line marks they give the same string."""
    import random
    import re

    from edgar8k.transform.text import _SPACES, _collapse_spaces, _marks_to_newlines

    para_run = re.compile(r"[ \x02]*\x01[ \x01\x02]*")
    line_run = re.compile(r" *\x02[ \x02]*")
    rng = random.Random(7)
    alphabet = ["a", "bc", " ", "  ", "\t", "\n", "\xa0", "\u2003", "\x85", "\u2028", "\x01", "\x02"]
    for _ in range(20_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        want = line_run.sub("\n", para_run.sub("\n\n", _SPACES.sub(" ", s)))
        assert _marks_to_newlines(_collapse_spaces(s)) == want, repr(s)


def test_text_split_by_the_parser_is_read_whole() -> None:
    """libxml2 hands text over in pieces (at entities, at a removed comment); a blank line in <pre>
    that straddles two pieces is still a paragraph break, as it is in the element's whole text."""
    assert html_to_text("<pre>Item 1\n<!-- page break -->\nItem 2 &amp; more</pre>") == "Item 1\n\nItem 2 & more"
