"""8-K item headings: where each reported item's text starts and ends, in both numbering schemes.

Before 23 August 2004 items are numbered 1-12 ("Item 5. Other Events"); since then 1.01-9.01
("Item 3.02 Unregistered Sales of Equity Securities"). Headings are found at line starts; a table of
contents that lists the items before the body is resolved by taking, per number, the last heading
that is followed by body text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from edgar8k.transform.model import ItemSection
from edgar8k.transform.numbers import fold_ignorecase

NEW_ITEMS_DATE = dt.date(2004, 8, 23)

MODERN_ITEMS = frozenset({
    "1.01", "1.02", "1.03", "1.04", "1.05", "2.01", "2.02", "2.03", "2.04", "2.05", "2.06",
    "3.01", "3.02", "3.03", "4.01", "4.02", "5.01", "5.02", "5.03", "5.04", "5.05", "5.06", "5.07", "5.08",
    "6.01", "6.02", "6.03", "6.04", "6.05", "7.01", "8.01", "9.01",
})
LEGACY_ITEMS = frozenset(str(i) for i in range(1, 13))

_NUMBER = r"\d{1,2}(?:[ \t]{0,2}\.[ \t]{0,2}\d{2}(?!\d))?"  # "5", "3.02", "2. 02"
_SUBPARTS = r"(?:\([a-z0-9]{1,3}\))*"  # "1.01(a)"
_HEADING = re.compile(
    r"^[ \t|*]*ITEMS?[ \t]*(" + _NUMBER + ")" + _SUBPARTS
    + r"((?:[ \t]*(?:,|and|&|,[ \t]*and)[ \t]*(?:ITEMS?[ \t]*)?" + _NUMBER + _SUBPARTS + ")*)"
    + r"[ \t]*(?:[.:)\-\u2014|][ \t.:|\-\u2014]*)?(.*)$",
    re.I | re.M,
)
_MORE = re.compile(_NUMBER)
_PAREN = re.compile(r"\([a-z0-9]{1,3}\)", re.I)
_MIN_BODY = 20
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z0-9(\"'])")


def _normalise_number(raw: str) -> str:
    return re.sub(r"[ \t]", "", raw)


def _valid(num: str, modern: bool | None) -> bool:
    if modern is None:
        return num in MODERN_ITEMS or num in LEGACY_ITEMS
    return num in (MODERN_ITEMS if modern else LEGACY_ITEMS)


def _era(filing_date: dt.date | None) -> bool | None:
    return None if filing_date is None else filing_date >= NEW_ITEMS_DATE


def _title_ok(rest: str) -> bool:
    """A heading's number is followed by its title or nothing: 'Item 1.01 of this report' is a reference."""
    rest = rest.strip()
    if not rest:
        return True
    c = rest[0]
    return c.isupper() or c.isdigit() or c in "\"'(["


def find_headings(text: str, filing_date: dt.date | None = None) -> list[tuple[int, int, list[str], str]]:
    """Every item heading as (start, end of heading line, numbers, title), in text order."""
    modern = _era(filing_date)
    found: list[tuple[int, int, list[str], str]] = []
    for m in _heading_matches(text):
        first = _normalise_number(m.group(1))
        numbers = [first] + [_normalise_number(x) for x in _MORE.findall(_PAREN.sub("", m.group(2) or ""))]
        numbers = [n for n in numbers if _valid(n, modern)]
        rest = m.group(3) or ""
        if not numbers or not _title_ok(rest) or _continues_sentence(text, m.start()):
            continue
        title = _SENTENCE_END.split(" ".join(rest.strip(" \t.:|-\u2014").split()), maxsplit=1)[0].strip(" .")
        if "|" in title:
            title = title.split("|")[0].strip()
        if not title:
            title = _next_line(text, m.end())
        found.append((m.start(), m.end(), list(dict.fromkeys(numbers)), title[:200]))
    return found


def _heading_matches(text: str) -> list[re.Match[str]]:
    """_HEADING.finditer(text), trying the pattern only at line starts followed by 'item' (after
    spaces, '|' or '*'), in order and never inside an earlier match: the only places it can match.
    The multi-line pattern would otherwise be tried at every character of a long filing."""
    folded = fold_ignorecase(text)
    out: list[re.Match[str]] = []
    pos = 0
    i = folded.find("item")
    while i >= 0:
        line_start = text.rfind("\n", 0, i) + 1
        if line_start >= pos and not text[line_start:i].strip(" \t|*"):
            m = _HEADING.match(text, line_start)
            if m:
                out.append(m)
                pos = m.end()
                i = folded.find("item", max(pos, i + 1))
                continue
        i = folded.find("item", i + 1)
    return out


def _continues_sentence(text: str, start: int) -> bool:
    """A hard-wrapped reference: the line just above runs straight into this one ("...referred to in\nItem 2.")."""
    if start < 2 or text[start - 1] != "\n" or text[start - 2] == "\n":
        return False
    prev = text[max(0, start - 200):start - 1].rstrip(" \t")
    if not prev:
        return False
    last_word = prev.rsplit(None, 1)[-1]
    return prev[-1] == "," or (last_word.isalpha() and last_word.islower())


def _next_line(text: str, pos: int) -> str:
    """The title of a heading written alone ("ITEM 5." then "OTHER EVENTS"): a short line standing by itself."""
    lines = text[pos:pos + 600].split("\n")[1:]
    for k, line in enumerate(lines[:3]):
        line = " ".join(line.strip(" \t.:|").split())
        if not line:
            continue
        following = lines[k + 1].strip() if k + 1 < len(lines) else ""
        return line if len(line) <= 120 and not line.endswith(".") and not following else ""
    return ""


def split_items(text: str, filing_date: dt.date | None) -> tuple[ItemSection, ...]:
    """Item sections in text order; each runs from its heading to the next chosen heading."""
    heads = find_headings(text, filing_date)
    if not heads:
        return ()
    ends = [h[0] for h in heads[1:]] + [len(text)]
    best: dict[str, int] = {}
    for i, (start, hend, numbers, _title) in enumerate(heads):
        body = len(text[hend:ends[i]].strip())
        for n in numbers:
            prev = best.get(n)
            if prev is None:
                best[n] = i
                continue
            pbody = len(text[heads[prev][1]:ends[prev]].strip())
            if body >= _MIN_BODY or pbody < _MIN_BODY and body >= pbody:
                best[n] = i
    chosen = sorted(set(best.values()))
    sections: list[ItemSection] = []
    for k, i in enumerate(chosen):
        start, _hend, numbers, title = heads[i]
        end = heads[chosen[k + 1]][0] if k + 1 < len(chosen) else len(text)
        for n in numbers:
            if best.get(n) == i:
                sections.append(ItemSection(number=n, title=title, start=start, end=end))
    return tuple(sections)


# (number, title keywords) in order of specificity; every keyword must occur in the normalised title.
_MODERN_TITLES: list[tuple[str, tuple[str, ...]]] = [
    ("1.01", ("entry", "material definitive agreement")),
    ("1.02", ("termination", "material definitive agreement")),
    ("1.03", ("bankruptcy",)),
    ("1.04", ("mine safety",)),
    ("1.05", ("cybersecurity",)),
    ("2.01", ("acquisition or disposition",)),
    ("2.02", ("results of operations",)),
    ("2.03", ("creation of a direct financial obligation",)),
    ("2.03", ("direct financial obligation", "creation")),
    ("2.04", ("triggering event",)),
    ("2.05", ("exit or disposal",)),
    ("2.06", ("material impairment",)),
    ("3.01", ("delisting",)),
    ("3.01", ("transfer of listing",)),
    ("3.02", ("unregistered sale",)),
    ("3.03", ("material modification",)),
    ("4.01", ("certifying accountant",)),
    ("4.02", ("non reliance",)),
    ("4.02", ("nonreliance",)),
    ("5.01", ("changes in control",)),
    ("5.01", ("change in control",)),
    ("5.02", ("departure of directors",)),
    ("5.02", ("departure of",)),
    ("5.02", ("election of directors",)),
    ("5.03", ("articles of incorporation",)),
    ("5.03", ("bylaws",)),
    ("5.03", ("change in fiscal year",)),
    ("5.04", ("temporary suspension of trading",)),
    ("5.05", ("code of ethics",)),
    ("5.06", ("shell company",)),
    ("5.07", ("vote of security holders",)),
    ("5.08", ("director nominations",)),
    ("6.01", ("abs informational",)),
    ("6.02", ("servicer or trustee",)),
    ("6.03", ("credit enhancement",)),
    ("6.04", ("required distribution",)),
    ("6.05", ("securities act updating",)),
    ("7.01", ("regulation fd",)),
    ("8.01", ("other events",)),
    ("9.01", ("financial statements",)),
    ("9.01", ("exhibits",)),
]
_LEGACY_TITLES: list[tuple[str, tuple[str, ...]]] = [
    ("1", ("change", "control")),
    ("2", ("acquisition or disposition",)),
    ("3", ("bankruptcy",)),
    ("4", ("certifying accountant",)),
    ("5", ("other events",)),
    ("6", ("resignation",)),
    ("7", ("financial statements",)),
    ("7", ("exhibits",)),
    ("8", ("change in fiscal year",)),
    ("9", ("regulation s",)),
    ("9", ("regulation fd",)),
    ("10", ("code of ethics",)),
    ("11", ("temporary suspension of trading",)),
    ("12", ("results of operations",)),
]


def _norm_title(t: str) -> str:
    t = t.lower().replace("\u2019", "'").replace("-", " ")
    t = re.sub(r"[^a-z0-9' ]+", " ", t)
    return " ".join(t.split())


def item_number_from_title(title: str, filing_date: dt.date | None) -> str | None:
    """One header `ITEM INFORMATION` value to an item number; numbers pass through; None when unknown."""
    raw = title.strip()
    m = re.fullmatch(r"(?:item\s*)?(\d{1,2})(?:\s*\.\s*(\d{1,2}))?\.?", raw, re.I)
    if m:
        return m.group(1) if m.group(2) is None else f"{int(m.group(1))}.{int(m.group(2)):02d}"
    norm = _norm_title(raw)
    if not norm:
        return None
    modern = _era(filing_date)
    table = _LEGACY_TITLES if modern is False else _MODERN_TITLES
    for number, keys in table:
        if all(k in norm for k in keys):
            return number
    return None


def item_numbers_from_titles(titles: Iterable[str], filing_date: dt.date | None) -> list[str]:
    """Header `ITEM INFORMATION` titles (or `<ITEMS>` numbers) to item numbers, era-aware, de-duplicated."""
    out: list[str] = []
    for t in titles:
        n = item_number_from_title(t, filing_date)
        if n is not None and n not in out:
            out.append(n)
    return out
