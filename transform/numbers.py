"""The grammar of numbers, money, dates and terms as 8-K filings write them.

Filings spell the same value many ways ("1,250,000", "1.25 million", "one million two hundred
fifty thousand (1,250,000)", "$5.0 million", "$.75", "US$"), and dates likewise ("March 8, 2001",
"March 8th, 2001", "8 March 2001", "3/8/01"). Every finder returns the value together with its
offsets so the extractor can cite exactly where it read it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from edgar8k.transform.filing_cache import per_filing
from edgar8k.transform.gated import AnyOf, fold_ignorecase, lacks  # noqa: F401 - fold_ignorecase: re-exported

SCALES = {
    "thousand": Decimal(1_000), "million": Decimal(1_000_000), "billion": Decimal(1_000_000_000),
    "mm": Decimal(1_000_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000), "b": Decimal(1_000_000_000),
}

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "fifteenth": 15, "twentieth": 20,
    "thirtieth": 30,
}
_HALF_WORDS = {"one-half": Decimal("0.5"), "one half": Decimal("0.5"), "half": Decimal("0.5"),
               "one-third": Decimal(1) / 3, "one-quarter": Decimal("0.25"), "one-fourth": Decimal("0.25")}

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_NUM_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|" \
    r"thousand|million|billion)"
WORD_NUMBER = rf"(?:{_NUM_WORD}(?:[\s-]+(?:and[\s-]+)?{_NUM_WORD})*)"

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SCALE = r"(?:\s*(?:thousand|million|billion)\b|\s?(?:MM|mm|bn|M|B)\b)"
_CURRENCY = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|C\$|CAD\s?\$?|A\$|HK\$|\$|€|£|¥|EUR\s?|GBP\s?|CHF\s?|JPY\s?)"
_QUALIFIER = r"(?:(?:approximately|approx\.|about|up\s+to|an\s+aggregate\s+of|aggregate\s+of|in\s+excess\s+of|" \
    r"at\s+least|not\s+less\s+than|not\s+more\s+than|no\s+more\s+than|a\s+total\s+of|a\s+maximum\s+of)\s+)"

# The lookaheads name each alternation's first letters: where none is, it is not tried.
MONEY_RE = AnyOf([
    (("$", "usd", "cad", "€", "£", "¥", "eur", "gbp", "chf", "jpy"),
     rf"(?P<qual>(?=[auin]){_QUALIFIER})?(?P<cur>(?=[uach$€£¥egj]){_CURRENCY})\s?(?P<num>{_DIGITS})(?P<scale>{_SCALE})?"),
    (("dollars", "usd", "eur"),
     rf"(?P<qual2>(?=[auin]){_QUALIFIER})?(?=[\d.])(?P<num2>{_DIGITS})(?P<scale2>{_SCALE})?\s"
     rf"(?P<cur2>dollars|U\.S\. dollars|USD|EUR|euros?)\b"),
])
# Every WORD_NUMBER_RE match holds one of these words.
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "teen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion")

NUMBER_RE = re.compile(
    rf"(?<![\w$.,/])(?P<qual>(?=[auin]){_QUALIFIER})?(?=[\d.])(?P<num>{_DIGITS})(?P<scale>\s*(?:thousand|million|billion)\b)?(?![\w/])",
    re.IGNORECASE,
)
SPELLED_RE = re.compile(rf"\b(?P<words>{WORD_NUMBER})\s*\((?P<num>{_DIGITS})\)", re.IGNORECASE)
WORD_NUMBER_RE = re.compile(rf"\b(?=[zotfsenhmb]){WORD_NUMBER}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number as written: value, the text it came from, and whether it was money."""
    value: Decimal
    text: str
    start: int
    end: int
    is_money: bool = False
    currency: str | None = None
    approximate: bool = False
    up_to: bool = False


@dataclass(frozen=True)
class DateMention:
    value: dt.date
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Term:
    """A period such as "five years" or "the fifth anniversary of", kept as written."""
    years: int
    months: int
    days: int
    text: str
    start: int
    end: int


# Characters besides A-Z that re.IGNORECASE lets match an ASCII letter (found by trying every code point).
def parse_decimal(digits: str) -> Decimal:
    """'1,250,000' -> 1250000; '.75' -> 0.75. Raises ValueError on anything else."""
    cleaned = digits.replace(",", "").strip()
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {digits!r}") from exc


def _scale(word: str | None) -> Decimal:
    if not word:
        return Decimal(1)
    w = word.strip()
    if w in ("M", "MM", "mm", "B", "bn"):
        return SCALES[w.lower()]
    return SCALES.get(w.lower(), Decimal(1))


def words_to_int(words: str) -> int | None:
    """'one million two hundred fifty thousand' -> 1250000; None when not a number phrase."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    total = 0
    current = 0
    for tok in tokens:
        if tok in _UNITS:
            current += _UNITS[tok]
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok in _MULTIPLIERS:
            total += (current or 1) * _MULTIPLIERS[tok]
            current = 0
        else:
            return None
    return total + current


def _currency_code(cur: str | None) -> str | None:
    if not cur:
        return None
    c = cur.upper().replace(" ", "").replace(".", "")
    if c.startswith("C$") or c.startswith("CAD"):
        return "CAD"
    if c.startswith("A$"):
        return "AUD"
    if c.startswith("HK$"):
        return "HKD"
    if c.startswith("€") or c.startswith("EUR"):
        return "EUR"
    if c.startswith("£") or c.startswith("GBP"):
        return "GBP"
    if c.startswith("CHF"):
        return "CHF"
    if c.startswith("¥") or c.startswith("JPY"):
        return "JPY"
    return "USD"


def find_money(text: str) -> list[Quantity]:
    """Every amount of money: '$5,000,000', 'approximately $5.0 million', '$.75', 'US$1.2 billion'."""
    return list(_find_money(text))


@per_filing()
def _find_money(text: str) -> tuple[Quantity, ...]:
    if _DIGIT.search(text) is None:  # every amount has a digit
        return ()
    out: list[Quantity] = []
    for m in MONEY_RE.finditer(text):
        g = m.groupdict()  # a subset of MONEY_RE's alternatives: groups of the others are missing
        num = g.get("num") or g.get("num2")
        written = g.get("qual") or g.get("qual2") or ""
        qual = written.lower()
        scale = g.get("scale") or g.get("scale2")
        cur = g.get("cur") or g.get("cur2")
        try:
            value = parse_decimal(num) * _scale(scale)
        except ValueError:
            continue
        start = m.start() + len(written)
        out.append(Quantity(value, text[start:m.end()], start, m.end(), True, _currency_code(cur),
                            "approx" in qual or "about" in qual, "up to" in " ".join(qual.split())))
    return tuple(out)


def find_numbers(text: str) -> list[Quantity]:
    """Every plain (non-money) number, including spelled-out numbers with digits in parentheses.

    "one million two hundred fifty thousand (1,250,000)" yields one Quantity spanning the digits;
    a spelled-out number alone ("one million shares") yields its value.
    """
    return list(_find_numbers(text))


@per_filing()
def _find_numbers(text: str) -> tuple[Quantity, ...]:
    money_spans = [(q.start, q.end) for q in find_money(text)]
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in money_spans + taken)

    for m in NUMBER_RE.finditer(text) if _DIGIT.search(text) is not None else ():
        s = m.start("num")
        if not free(s, m.end()):
            continue
        qual = (m.group("qual") or "").lower()
        try:
            value = parse_decimal(m.group("num")) * _scale(m.group("scale"))
        except ValueError:
            continue
        out.append(Quantity(value, text[s:m.end()], s, m.end(), False, None,
                            "approx" in qual or "about" in qual, "up to" in " ".join(qual.split())))
        taken.append((s, m.end()))
    for m in () if lacks(text, _NUMBER_WORDS) else WORD_NUMBER_RE.finditer(text):
        value = words_to_int(m.group(0))
        if value is None or not free(m.start(), m.end()):
            continue
        tail = text[m.end():m.end() + 3].lstrip()
        if tail.startswith("("):
            continue  # the digits that follow carry the value and the evidence
        out.append(Quantity(Decimal(value), m.group(0), m.start(), m.end()))
    return tuple(sorted(out, key=lambda q: q.start))


def parse_money(s: str) -> Decimal | None:
    """The value of the first amount of money in s, or None."""
    found = find_money(s)
    return found[0].value if found else None


def parse_number(s: str) -> Decimal | None:
    """The value of the first number (or amount) in s, or None."""
    found = sorted(find_money(s) + find_numbers(s), key=lambda q: q.start)
    return found[0].value if found else None


_MONTH_NAMES = r"(?=[jfmasond])(?:January|February|March|April|May|June|July|August|September|October|November|" \
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DATE_RE = AnyOf([
    (_MONTH_WORDS, rf"\b(?P<m1>{_MONTH_NAMES})\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y1>(?:19|20)\d\d)\b"),
    (_MONTH_WORDS, rf"\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<m2>{_MONTH_NAMES}),?\s+(?P<y2>(?:19|20)\d\d)\b"),
    (("/",), r"(?<![\d/])(?P<m3>\d{1,2})/(?P<d3>\d{1,2})/(?P<y3>\d{4}|\d{2})(?![\d/])"),
])


_DIGIT = re.compile(r"\d")


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 50 else 1900 + n
    return n


def find_dates(text: str) -> list[DateMention]:
    """Every full calendar date; impossible dates (February 30) are skipped, not guessed."""
    return list(_find_dates(text))


@per_filing()
def _find_dates(text: str) -> tuple[DateMention, ...]:
    out: list[DateMention] = []
    if not _DIGIT.search(text):
        return ()  # every DATE_RE alternative has digits
    for m in DATE_RE.finditer(text):
        g = m.groupdict()  # a subset of DATE_RE's alternatives: groups of the others are missing
        if g.get("m1"):
            month, day, year = MONTHS.get(g["m1"].lower().rstrip(".")), g["d1"], g["y1"]
        elif g.get("m2"):
            month, day, year = MONTHS.get(g["m2"].lower().rstrip(".")), g["d2"], g["y2"]
        else:
            month, day, year = int(g["m3"]), g["d3"], g["y3"]
        try:
            value = dt.date(_year(year), int(month), int(day))
        except (TypeError, ValueError):
            continue
        out.append(DateMention(value, m.group(0), m.start(), m.end()))
    return tuple(out)


def parse_date(s: str) -> dt.date | None:
    found = find_dates(s)
    return found[0].value if found else None


_TERM_NUM = rf"(?:\d+|{WORD_NUMBER})(?:\s*\(\d+\))?"
TERM_RE = re.compile(
    rf"\b(?P<n>{_TERM_NUM})(?P<half>\s+and\s+(?:one[- ]half|a\s+half))?[\s-]+(?P<unit>year|month|day)s?\b"
    rf"|\b(?:the\s+)?(?P<ord>\w+?)(?:\s*\(\d+(?:st|nd|rd|th)\))?\s+anniversary\b",
    re.IGNORECASE,
)
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)$", re.I)


def _term_count(s: str) -> int | None:
    s = re.sub(r"\s*\(\d+\)", "", s).strip().lower()
    if s.isdigit():
        return int(s)
    return words_to_int(s)


def find_terms(text: str) -> list[Term]:
    """Periods: 'five years', 'five (5) years', '18-month', 'the fifth anniversary'."""
    out: list[Term] = []
    for m in TERM_RE.finditer(text):
        if m.group("n"):
            n = _term_count(m.group("n"))
            if n is None:
                continue
            unit = m.group("unit").lower()
            years, months, days = (n, 0, 0) if unit == "year" else (0, n, 0) if unit == "month" else (0, 0, n)
            if m.group("half") and unit == "year":
                months = 6
        else:
            word = m.group("ord").lower()
            md = _ORDINAL_DIGITS.match(word)
            n = int(md.group(1)) if md else _ORDINALS.get(word)
            if n is None:
                continue
            years, months, days = n, 0, 0
        out.append(Term(years, months, days, m.group(0), m.start(), m.end()))
    return out


def add_term(start: dt.date, term: Term) -> dt.date:
    """The date a term ends, counted from start; Feb 29 rolls back to Feb 28 in common years."""
    month_index = start.month - 1 + term.months + 12 * term.years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=term.days)


def fraction_word(s: str) -> Decimal | None:
    """'one-half' -> 0.5, 'one' -> 1: the ratio words that define units."""
    low = s.lower().strip()
    if low in _HALF_WORDS:
        return _HALF_WORDS[low]
    n = words_to_int(low)
    if n is not None:
        return Decimal(n)
    try:
        return parse_decimal(low)
    except ValueError:
        return None
