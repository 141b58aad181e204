"""Issuances of a company's own securities, read from 8-K text with the evidence for every value.

The extractor is a small grammar, not a list of document patterns: sentences are split the way
filings are written (hard-wrapped old text, one paragraph per line in HTML text), counts are bound
to the security nouns that follow them ("1,250,000 shares of common stock", "warrants to purchase
up to 125,000 shares"), money to the phrase that says what it is ("exercise price of", "per share",
"gross proceeds of", "principal amount of"), and dates to the verbs and agreements around them.
Sentences about something else (repurchases, dividends, compensation, resales, earlier deals,
another company's stock, anti-dilution formulas, average prices) are filtered before binding.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re as _stdlib_re
import types
from dataclasses import dataclass, field
from decimal import Decimal
from collections.abc import Iterator
from functools import lru_cache

from edgar8k.transform.filing_cache import forget_filing, per_filing
from edgar8k.transform.model import Evidence, FilingText, Security, Segment, Transaction
from edgar8k.transform.gated import FirstOf, lacks, search_from, search_gated
from edgar8k.transform.numbers import (
    Quantity, Term, add_term, find_dates, find_money, find_numbers, find_terms, fold_ignorecase, fraction_word,
)


@lru_cache(maxsize=4096)
def _rx(pattern, flags=0):
    return _stdlib_re.compile(pattern, flags)


def _re_namespace() -> types.SimpleNamespace:
    """The re module with a C-level cache of compiled patterns: the stdlib's own cache lookup (flag
    enum arithmetic per call) cost a fifth of extraction time over ~100k calls per corpus."""
    ns = types.SimpleNamespace(**{k: v for k, v in vars(_stdlib_re).items() if not k.startswith("__")})
    ns.search = lambda p, s, flags=0: _rx(p, flags).search(s)
    ns.match = lambda p, s, flags=0: _rx(p, flags).match(s)
    ns.fullmatch = lambda p, s, flags=0: _rx(p, flags).fullmatch(s)
    ns.finditer = lambda p, s, flags=0: _rx(p, flags).finditer(s)
    ns.findall = lambda p, s, flags=0: _rx(p, flags).findall(s)
    ns.split = lambda p, s, maxsplit=0, flags=0: _rx(p, flags).split(s, maxsplit)
    ns.sub = lambda p, r, s, count=0, flags=0: _rx(p, flags).sub(r, s, count)
    return ns


re = _re_namespace()

EXTRACTOR_VERSION = "0.11.2"

# ---------------------------------------------------------------------------------------------
# Sentences

_ABBREVIATIONS = frozenset({
    "inc", "ltd", "corp", "co", "no", "nos", "u.s", "sec", "mr", "mrs", "ms", "dr", "l.p", "l.l.c", "n.a",
    "s.a", "n.v", "b.v", "st", "jr", "sr", "vs", "v", "etc", "approx", "i.e", "e.g", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "p.c", "u.s.a", "est", "ste", "fig",
    "par", "inc.", "plc", "s.p.a", "ag", "cos", "bros", "assoc", "dept", "av", "ave", "p.a", "a.g",
})
_BOUNDARY = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9$])")
_BLANK = re.compile(r"\n[ \t]*\n")
_NUMBERED = re.compile(r"\b(?:item|no|nos|section|rule|article|exhibit)\s+[\d.]+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str  # the slice of the filing text with newlines as spaces (same length, same offsets)


_STARTS_NEW = _stdlib_re.compile(r"[\"'(]?[A-Z0-9$]")
_ENUMERATOR = _stdlib_re.compile(r"\((?:[a-z]|[ivx]+|\d+)\)\s")
_BULLETS = ("|", "·", "•", "*")


def _hard_line_breaks(block: str) -> list[int]:
    """Offsets (within block) of single newlines that end a heading, table row or bullet."""
    cuts: list[int] = []
    lines = block.split("\n")
    if len(lines) < 2:
        return cuts
    stripped_lines = [line.strip() for line in lines]
    starts_new, enumerator = _STARTS_NEW.match, _ENUMERATOR.match
    pos = 0
    for i in range(len(lines) - 1):
        line = lines[i]
        pos += len(line)
        stripped = stripped_lines[i]
        nxt = stripped_lines[i + 1]
        n = len(stripped)
        if (n > 100 or n < 45 and not stripped.endswith(",") and starts_new(nxt) or " | " in line
                or nxt.startswith(_BULLETS) or " | " in lines[i + 1] or nxt[:1] == "(" and enumerator(nxt)):
            cuts.append(pos)
        pos += 1
    return cuts


def _trailing_token(before: str) -> str:
    """What the pattern ([\\w.&]+)$ would capture, found from the end instead of by a scan from the start."""
    end = len(before) - 1 if before.endswith("\n") else len(before)
    i = end
    while i > 0:
        c = before[i - 1]
        if c.isalnum() or c in "_.&":
            i -= 1
        else:
            break
    return before[i:end]


def _is_abbreviation(before: str) -> bool:
    token = _trailing_token(before)
    if not token:
        return False
    word = token.lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # initials: "John E. Feltl"
    return "." in word and bool(_INITIALS.fullmatch(word))


_INITIALS = _stdlib_re.compile(r"(?:[a-z]\.)+[a-z]")


def _ends_numbered(before: str) -> bool:
    """_NUMBERED.search(before), searched only where a match can start: the pattern ends in
    \\s+[\\d.]+$, so a match ends the keyword just before the trailing run of spaces and digits."""
    i = len(before)
    if not i:
        return False
    c = before[i - 1]
    if c != "." and not c.isdecimal():  # \d is str.isdecimal(); `before` holds no newline for $ to skip
        return False
    while i and (before[i - 1] == "." or before[i - 1].isdecimal()):
        i -= 1
    j = i
    while j and before[j - 1].isspace():  # \s is str.isspace()
        j -= 1
    if j == i:
        return False
    return _NUMBERED.search(before, max(0, j - 7)) is not None  # longest keyword: 7 letters


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences with their offsets in text; blank lines and headings are boundaries, a single
    newline inside a wrapped paragraph is a space."""
    end = len(text) if end is None else end
    out: list[Sentence] = []
    region = text[start:end]
    bs = 0
    for m in [*_BLANK.finditer(region), None]:
        be = len(region) if m is None else m.start()
        block = region[bs:be]
        if "\n" in block:
            ps = 0
            for cut in _hard_line_breaks(block):
                _split_piece(out, block[ps:cut].replace("\n", " "), start + bs + ps)
                ps = cut + 1
            _split_piece(out, block[ps:].replace("\n", " "), start + bs + ps)
        else:
            _split_piece(out, block, start + bs)
        if m is not None:
            bs = m.end()
    return out


def _split_piece(out: list[Sentence], piece: str, base: int) -> None:
    """The sentences of one piece (a paragraph or a line, newlines already spaces) at offset base."""
    s0 = 0
    if "." in piece or "!" in piece or "?" in piece:  # every _BOUNDARY match starts with one
        for m in _BOUNDARY.finditer(piece):
            before = piece[s0:m.start()]
            if not before[-1:].isdigit() and _is_abbreviation(before) or _ends_numbered(before):
                continue
            me = m.end()
            _append_sentence(out, piece, base, s0, me)
            s0 = me
    _append_sentence(out, piece, base, s0, len(piece))


def _append_sentence(out: list[Sentence], piece: str, base: int, s: int, e: int) -> None:
    """piece[s:e] without its outer whitespace, unless nothing is left; piece is the filing text
    at `base` with newlines as spaces, so offsets carry over unchanged."""
    body = piece[s:e] if s or e != len(piece) else piece
    stripped = body.strip()
    if stripped:
        s += len(body) - len(body.lstrip())
        out.append(Sentence(base + s, base + s + len(stripped), stripped))


# ---------------------------------------------------------------------------------------------
# Regions: which item or exhibit a sentence belongs to

_ITEM_HEAD = re.compile(r"(?im)^[ \t|]*item[ \t]+(\d{1,2}(?:\.\d{2})?)\.?(?=[\s|.:])")


@dataclass(frozen=True)
class Region:
    label: str | None
    start: int
    end: int


def regions(ft: FilingText) -> list[Region]:
    """The stretches of text to read: items of the body (from ft.items, else headings found here)
    and each exhibit; the cover page before the first item is left out when items are found."""
    out: list[Region] = []
    segments = ft.segments or ()
    if not segments:
        segments = (Segment("8-K", 0, len(ft.text)),)
    for seg in segments:
        if seg.label.upper().startswith("EX-"):
            out.append(Region(seg.label.upper(), seg.start, seg.end))
            continue
        items = [i for i in ft.items if seg.start <= i.start < seg.end]
        if items:
            out.extend(Region(i.number, i.start, min(i.end, seg.end)) for i in items)
            continue
        heads = [(m.start(), m.group(1)) for m in _ITEM_HEAD.finditer(ft.text, seg.start, seg.end)]
        if not heads:
            out.append(Region(None, seg.start, seg.end))
            continue
        for k, (pos, num) in enumerate(heads):
            stop = heads[k + 1][0] if k + 1 < len(heads) else seg.end
            out.append(Region(_item_number(num), pos, stop))
    return out


_PROSPECTUS = re.compile(r"PROSPECTUS\s+SUPPLEMENT|Rule\s+424\s*\(b\)|Filed\s+Pursuant\s+to\s+Rule\s+424", re.I)
_PROSPECTUS_STARTS = ("prospectus", "rule", "filed")  # the first word of each alternative (see gated.search_from)
_OFFERING_HEAD = re.compile(r"(?m)^[ \t]*THE\s+OFFERING[ \t]*$")
_NEXT_HEAD = re.compile(r"(?m)^[ \t]*(?:RISK\s+FACTORS|USE\s+OF\s+PROCEEDS|SUMMARY\s+\w+|CAPITALIZATION|DILUTION)[ \t]*$")


def _prospectus_regions(ft: FilingText) -> list[Region]:
    """A prospectus (424B) states the deal on its cover and in 'The Offering'; the rest (capitalization,
    dilution, earlier financings, descriptions of securities) is about everything else."""
    head = ft.text[:2000]
    if not search_from(_PROSPECTUS, head, _folded(head), _PROSPECTUS_STARTS) \
            or re.search(r"(?im)^[ \t|]*item[ \t]+\d", ft.text[:20000]):
        return []
    toc = re.search(r"(?m)^[ \t]*TABLE\s+OF\s+CONTENTS", ft.text)
    cover_end = toc.start() if toc else min(len(ft.text), 8000)
    out = [Region("PROSPECTUS", 0, cover_end)]
    heads = [m for m in _OFFERING_HEAD.finditer(ft.text) if m.start() > cover_end + 2000]
    if heads:
        start = heads[0].start()
        nxt = _NEXT_HEAD.search(ft.text, heads[0].end())
        out.append(Region("PROSPECTUS", start, nxt.start() if nxt else min(len(ft.text), start + 8000)))
    return out


def _item_number(num: str) -> str:
    return num.lstrip("0") if "." not in num else num


_EXHIBIT_ITEMS = {"7", "9.01", "13"}
_SUBSIDIARY_BY = (  # 'offering of ... by X, an indirect wholly-owned subsidiary': starts with its first word
    r"(?:offering|sale|issuance|notes?)\s+(?:of\s+[^.;]{0,60}?\s+)?(?:by|issued\s+by)\s+[A-Z][^;]{0,200}?\b(?:an?|its)\s+"
    r"(?:(?:indirect|direct|newly\s+formed|wholly[- ]owned|majority[- ]owned|consolidated)[,]?\s+)*subsidiary")
_SUBSIDIARY_OF = (  # 'a subsidiary of X, closed ...'
    r"\b(?:an?|its)\s+(?:(?:indirect|direct|wholly[- ]owned|majority[- ]owned)\s+)*subsidiary\s+of\s+[^;]{0,80}?,\s+"
    r"(?:closed|completed|priced|issued|sold)\b")
_SUBSIDIARY_BY_RE = re.compile(_SUBSIDIARY_BY, re.IGNORECASE)
_SUBSIDIARY_OF_RE = re.compile(_SUBSIDIARY_OF, re.IGNORECASE)
_SPACED_OF = re.compile(r"\s+of\s+", re.IGNORECASE)


def _subsidiary_issuer(text: str, folded: str) -> bool:
    """bool(re.search(_SUBSIDIARY_BY + "|" + _SUBSIDIARY_OF, text, re.I)), folded = _folded(text) (a
    test holds that reference). The pattern has no literal prefix
    and a whole item is long, so each alternative is tried only where it can begin: the first
    alternative where one of its opening words stands, the second only when 'subsidiary of' occurs."""
    if "subsidiary" not in folded:
        return False
    for word in ("offering", "sale", "issuance", "note"):
        i = folded.find(word)
        while i >= 0:
            if _SUBSIDIARY_BY_RE.match(text, i):
                return True
            i = folded.find(word, i + 1)
    i = folded.find("subsidiary")
    while i >= 0:
        if _SPACED_OF.match(text, i + len("subsidiary")):
            return bool(_SUBSIDIARY_OF_RE.search(text))
        i = folded.find("subsidiary", i + 1)
    return False
_REGISTRANT_SELLS = re.compile(r"\b(?:the\s+Company|the\s+Registrant|we)\s+(?:has\s+|have\s+|also\s+)?(?:issued|sold|closed|completed|priced|agreed\s+to\s+(?:issue|sell))\b",
                               re.IGNORECASE)
_RECAP = re.compile(r"\W*As\s+(?:previously|was|we)\s+(?:previously\s+)?(?:reported|disclosed|announced)", re.I)


def _recap_opening(text: str) -> bool:
    """_RECAP.match(text): a sentence opening with a word character can match only if that is an 'a'
    (\\w is what str.isalnum() accepts, and '_'), so most sentences need no regex at all."""
    c = text[:1]
    if c.isalnum() and c not in "aA":
        return False
    return _RECAP.match(text) is not None


_NON_ISSUANCE_ITEMS = {"1.02", "2.02", "2.05", "2.06", "4.01", "4.02", "5.04", "5.05", "5.07", "6", "4", "9"}
_LEGAL_AGREEMENT = re.compile(r"\bWHEREAS\b|NOW,\s+THEREFORE|\bARTICLE\s+(?:I|1)\b|AGREEMENT\s+AND\s+PLAN\s+OF\s+MERGER|"
                              r"\bINDENTURE\b|\bSECTION\s+1\.01\b|\bTHIS\s+(?:[A-Z]+\s+){0,4}AGREEMENT\b|Gentlemen:|Ladies\s+and\s+Gentlemen")
# One word of each _LEGAL_AGREEMENT alternative (the pattern is case-sensitive): text without any of
# them cannot match, and a substring test is far cheaper than the pattern, which has no literal prefix.
_LEGAL_AGREEMENT_WORDS = ("WHEREAS", "THEREFORE", "ARTICLE", "AGREEMENT", "INDENTURE", "SECTION", "Gentlemen")


def _legal_agreement(text: str, start: int, end: int) -> bool:
    """_LEGAL_AGREEMENT.search(text, start, end), skipped when none of its words occur there."""
    window = text[start:end]
    if not any(w in window for w in _LEGAL_AGREEMENT_WORDS):
        return False
    return bool(_LEGAL_AGREEMENT.search(text, start, end))


_folded = fold_ignorecase

# ---------------------------------------------------------------------------------------------
# Security nouns

_SHARE_NOUN = re.compile(
    r"\s*(?:\([^)]{0,40}\)\s*)?(?:(?:additional|newly[- ]issued|restricted|commitment|unregistered|registered|new|fully[- ]paid|"
    r"authorized|validly[- ]issued|non-?assessable|and|,)\s+)*"
    r"(?P<noun>(?-i:(?:[A-Z][\w-]*\s+){1,3}(?:Units?|Warrants?))|pre-funded\s+warrants?|prefunded\s+warrants?|private\s+placement\s+warrants?|placement\s+warrants?|"
    r"warrants?|units?|shares?|American\s+Depositary\s+Shares|ADSs?|ordinary\s+shares|"
    r"(?:[A-Z][\w.-]*\s+){0,5}(?:Preferred|Common)\s+(?:Stock|Shares)|common\s+stock|rights?)\b",
    re.IGNORECASE,
)
_SHARES_OF = re.compile(
    r"\s+of\s+(?:the\s+Company'?s\s+|its\s+|our\s+|the\s+|such\s+|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3}'s\s+)?"
    r"(?P<title>(?:[\w.$%,-]+\s+){0,7}?(?:common\s+stock|preferred\s+stock|common\s+shares|ordinary\s+shares|"
    r"preference\s+shares|capital\s+stock|stock|shares|Common\s+Stock|Preferred\s+Stock|ADSs?|"
    r"American\s+Depositary\s+Shares))",
    re.IGNORECASE,
)
_WARRANT_LEFT = re.compile(
    r"(?P<w>(?:pre-?funded\s+)?warrants?|options?|rights?)\s+(?:\([^)]{0,60}\)\s+)?(?:(?:transactions?\s+)?(?:with\s+[^.;$]{0,80}?\s+)?"
    r"(?:to|that\s+may\s+be\s+exercised\s+to)\s+"
    r"(?:purchase|acquire|buy|subscribe\s+for)|exercisable\s+(?:for|into)|"
    r"for\s+the\s+purchase\s+of|for|which\s+are\s+exercisable\s+(?:for|into))(?:,?\s+subject\s+to\s+[^,;]{0,60},)?"
    r"(?:\s+(?:up\s+to|an\s+aggregate\s+of|a\s+total\s+of|approximately|in\s+the\s+aggregate|an\s+additional|"
    r"additional|a\s+maximum\s+of))*\s*$",
    re.IGNORECASE,
)
_CONVERTIBLE_LEFT = re.compile(
    r"(?:convertible|exchangeable|conversion)\s+(?:in)?to\s+(?:up\s+to\s+|approximately\s+|an\s+aggregate\s+of\s+)*$",
    re.IGNORECASE,
)
_NOTE_TITLE = (
    r"(?P<title>(?:[\w.%/-]*\d[\w.%/-]*,\s+|[\w.%/-]+\s+){0,8}?(?:Notes?|Debentures?|Bonds?|notes?|debentures?|bonds?)"
    r"(?:\s+due\s+(?:[A-Z][a-z]+\s+\d{1,2},\s+)?\d{4})?)"
)
_PRINCIPAL_AFTER = re.compile(
    r"\s*(?:in\s+)?(?:(?:original|initial|aggregate|total|stated)\s+)*principal\s+amount\s+of\s+"
    r"(?:(?:its|our|the\s+Company'?s|the\s+Registrant'?s|the|additional|a|an|new|newly\s+issued)\s+)*" + _NOTE_TITLE,
    re.IGNORECASE,
)
_OF_NOTES_AFTER = re.compile(
    r"\s+(?:of|in)\s+(?:(?:its|our|the\s+Company'?s|the|additional|a|an|new|newly\s+issued|aggregate)\s+)*" + _NOTE_TITLE,
    re.IGNORECASE,
)
_DIRECT_NOTES = re.compile(
    r"\s+(?:of\s+)?(?:(?:its|our|the\s+Company'?s)\s+)?(?P<title>(?:\d+(?:\.\d+)?\s?%|Floating\s+Rate|Fixed[- ]Rate|Senior|"
    r"Convertible|Subordinated)[\w\s.%/-]{0,80}?(?:Notes|Debentures|Bonds)(?:\s+due\s+(?:[A-Z][a-z]+\s+\d{1,2},\s+)?\d{4})?)")
_NOTE_BEFORE = re.compile(
    r"(?P<title>(?:(?:[A-Z0-9][\w.%/-]*|promissory|convertible|senior|secured|unsecured|subordinated|term|bridge|"
    r"exchangeable|original\s+issue\s+discount)\s+){0,7}?(?:notes?|debentures?|bonds?|Notes?|Debentures?|Bonds?))"
    r"(?:\s+\([^)]{0,60}\))?,?\s+(?:in|with|having)\s+(?:an?\s+|the\s+)?(?:(?:original|initial|aggregate|total|stated|face)\s+)*"
    r"(?:principal\s+)?(?:amount|face\s+value|principal)\s+of\s+(?:up\s+to\s+)?(?:approximately\s+)?$",
    re.IGNORECASE,
)
_STOP_TITLE = re.compile(r"^(?:the|its|our|a|an|of|and|or|in|to|for|with|such|any|all|aggregate|principal|amount)$", re.I)

# ---------------------------------------------------------------------------------------------
# Sentence classes

_ISSUE_VERB = FirstOf(r"\b{}\b", [
    (("issu",), r"issu(?:e|ed|es|ing|ance)"), (("sell", "sold", "sale"), r"s(?:ell|old|ells|elling|ale)"),
    (("offer",), r"offer(?:ed|ing|s)?"), (("purchas",), r"purchas(?:e|ed|es|ing)"),
    (("subscri",), r"subscri(?:be|bed|ption)"), (("plac",), r"plac(?:ed|ement)"), (("pric",), r"pric(?:ed|ing)"),
    (("clos",), r"clos(?:ed|ing)"), (("consummat",), r"consummat(?:ed|ion)"), (("complet",), r"complet(?:ed|ion)"),
    (("receiv",), r"receiv(?:e|ed)"), (("exchang",), r"exchang(?:e|ed)"), (("deliver",), r"deliver(?:ed)?"),
    (("agreed",), r"agreed"), (("entered",), r"entered\s+into"), (("acquir",), r"acquir(?:e|ed)"),
])
# Each alternative with the rarest word of its matches.
_NEGATIVE_SENTENCE = FirstOf(r"\b{}\b", [
    (("repurchas",), r"repurchas\w*"), (("buy",), r"buy-?backs?"), (("tender",), r"tender(?:s|ed)?"),
    (("tender",), r"tender\s+offers?"), (("accepted",), r"accepted\s+for\s+purchase"), (("split",), r"stock\s+split"),
    (("split",), r"reverse\s+split"), (("selling",), r"selling\s+(?:stock|share)holders?"),
    (("resale",), r"resales?\s+(?:by|of)\s+(?:the\s+)?(?:selling|holders)"),
    (("resale",), r"regist(?:er|ering)\s+for\s+resale"), (("float",), r"public\s+float"),
    (("affiliates",), r"held\s+by\s+non-?affiliates"), (("beneficial",), r"beneficial(?:ly)?\s+own\w*"),
    (("vot",), r"vot(?:es|ed|ing)\s+(?:for|against)"), (("broker",), r"broker\s+non-votes"),
    (("incentive",), r"equity\s+incentive"), (("incentive",), r"incentive\s+(?:stock\s+)?plan"),
    (("plan",), r"stock\s+option\s+plan"), (("restricted",), r"restricted\s+stock\s+units?"), (("rsu",), r"RSUs?"),
    (("performance",), r"performance\s+(?:share|stock)\s+units?"), (("committee",), r"compensation\s+committee"),
    (("employment",), r"employment\s+agreement"), (("forward-looking",), r"forward-looking"),
    (("effect",), r"give\s+effect\s+to"), (("effect",), r"giving\s+effect\s+to"), (("earn",), r"earn-?outs?"),
    (("may",), r"may\s+(?:also\s+)?be\s+issued"), (("contingent",), r"contingent\s+upon"), (("earn",), r"if\s+earned"),
    (("intend",), r"intends?\s+to\s+(?:commence|offer|launch)"), (("propose",), r"proposes?\s+to\s+offer"),
    (("effect",), r"after\s+giving\s+effect"), (("results",), r"per\s+share\s+results"),
    (("earn",), r"earnings\s+per\s+share"),
    (("plan",), r"(?:\d{4}|Stock|Equity|Incentive|Option|Compensation|Purchase|Award)\s+(?:\w+\s+)?Plan"),
    (("reserve",), r"share\s+reserve"), (("unlawful",), r"would\s+be\s+unlawful"),
    (("constitute",), r"does\s+not\s+constitute\s+an\s+offer"), (("constitute",), r"shall\s+not\s+constitute\s+an\s+offer"),
    (("sell",), r"not\s+an\s+offer\s+to\s+sell"), (("solicitation",), r"no\s+offer,?\s+solicitation"),
])
_SOFT_NEGATIVE = re.compile(r"\b(?:repurchas\w*|tender(?:s|ed)?|tender\s+offers?|accepted\s+for\s+purchase|"
                            r"selling\s+(?:stock|share)holders?)\b", re.I)
_STRONG_SALE = re.compile(r"\bissuance\s+and\s+sale\s+by\s+(?:the\s+Company|us)\b|\b(?:the\s+Company|we)\s+(?:issued|sold)\b", re.I)
_COMPANY_SALE_OF_SECURITIES = re.compile(  # beside selling stockholders: the company's own part of the offering
    r"\bsale\s+by\s+(?:the\s+Company|us)\s+of\s+[^.;]{0,60}?\b(?:shares|stock|warrants?|units|notes)\b", re.I)
_SELLING_HOLDERS_LEFT = re.compile(r"selling\s+(?:stock|share)holders?\b(?:(?!\b(?:the\s+Company|we)\b)[^;]){0,60}$", re.I)
_SELLING_HOLDERS_RIGHT = re.compile(
    r"\s*(?:shares\s+)?(?:of\s+(?:its\s+|our\s+|the\s+Company's\s+)?common\s+stock\s+)?"
    r"(?:(?:to\s+be\s+|being\s+|were\s+|are\s+|will\s+be\s+)?(?:sold|offered)\s+)?"
    r"by\s+(?:the\s+|certain\s+)?selling\s+(?:stock|share)holders?", re.I)
_SALE_OF_NOTES = re.compile(
    r"(?:issuance\s+and\s+sale|offer\s+and\s+sale|sale|offering|pricing|issuance)\s+(?:by\s+the\s+Company\s+)?"
    r"(?:on\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4},?\s+)?(?:of\s+)?"
    r"(?:(?:its|the|our|an?)\s+)?(?:(?:upsized|previously\s+announced|public|registered)\s+)*(?:offering\s+of\s+(?:the\s+|its\s+)?)?"
    r"(?:(?:\d+(?:\.\d+)?%|Floating|Fixed|Rate|Senior|Secured|Unsecured|Subordinated|Sustainability-Linked)\s+){0,5}(?P<term>(?:\d{4}\s+|Senior\s+|New\s+)?(?:Notes|Debentures|Bonds))\b"
    r"|\b(?:the\s+)?(?P<term2>(?:\d{4}\s+|Senior\s+|New\s+)?(?:Notes|Debentures|Bonds))\s+(?:were|was|have\s+been|will\s+be)\s+(?:sold|issued|priced)",
)
_NOTE_SERIES = re.compile(
    r"(?:\d+(?:\.\d+)?\s?%\s+|Floating\s+Rate\s+)(?:[A-Z][\w-]*\s+){0,4}(?:Notes|Debentures|Bonds)\s+due\s+"
    r"(?:[A-Z][a-z]+\s+\d{1,2},\s+)?\d{4}")


def _is_negative(text: str) -> bool:
    """A sentence about something other than the company selling its securities. Tender offers and
    repurchases do not veto a sentence that also says the company issued or sold ('funded from the
    issuance and sale by the Company of its ... Notes')."""
    phrase = _negative_phrase(text)
    if phrase is None:
        return False
    if _SOFT_NEGATIVE.fullmatch(phrase) and (_STRONG_SALE.search(text) or (
            phrase.lower().startswith("selling") and _COMPANY_SALE_OF_SECURITIES.search(text))):
        rest = _SOFT_NEGATIVE.sub(" ", text)
        return bool(_NEGATIVE_SENTENCE.search(rest))
    return True


def _series_mentions(text: str, region_text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Note series sold without an amount in the sentence: 'the issuance and sale by the Company ... of its
    Floating Rate Senior Notes due 2024, 1.700% ... Notes due 2028'; 'The Notes were sold pursuant to an
    Underwriting Agreement'. Series named elsewhere in the item are used when the sentence only says 'the Notes'."""
    if any(m.security_type in ("note", "convertible_note") for m in mentions):
        return []
    if "Notes" not in text and "Debentures" not in text and "Bonds" not in text:
        return []  # every _SALE_OF_NOTES alternative names them (the pattern is case-sensitive)
    sale = _SALE_OF_NOTES.search(text)
    if not sale:
        return []
    def usable(src: str, m: re.Match[str]) -> bool:
        left = src[max(0, m.start() - 60):m.start()]
        right = src[m.end():m.end() + 60]
        return not re.search(r"\b(?:outstanding|existing|tender\w*|redeem\w*|redemption|repurchas\w*)\b[^.;]{0,40}$", left, re.I) \
            and not re.match(r"[^.;]{0,30}?\b(?:issued\s+by|outstanding)", right, re.I)
    found = [m for m in _NOTE_SERIES.finditer(text) if usable(text, m)]
    if not found and not re.search(r"\d{4}\s+(?:Notes|Debentures)", sale.group(0)):
        found = [m for m in _NOTE_SERIES.finditer(region_text) if usable(region_text, m)]
    titles: list[str] = []
    for m in found:
        t = " ".join(m.group(0).split())
        if t not in titles:
            titles.append(t)
    if not titles:
        term = sale.group("term") or sale.group("term2")
        titles = [term]
        pos = sale.start("term") if sale.group("term") else sale.start("term2")
    else:
        pos = sale.start()
    return [_Mention(_note_type(t), t, pos, pos) for t in titles]


_OPTION_GRANT = re.compile(r"\b(?:grant(?:ed|s)?|award(?:ed|s)?)\b[^.]{0,80}\boptions?\b|\boptions?\b[^.]{0,40}\bgrant", re.I)
_AGENT_WARRANT = re.compile(
    r"\b(?:placement\s+agent|underwriter|representative|financial\s+advisor|finder|agent)(?:'s|s'|s)?\s+"
    r"(?:\w+\s+){0,3}warrants?\b|warrants?\s+(?:\w+\s+){0,8}(?:to|issued\s+to)\s+(?:the\s+)?"
    r"(?:placement\s+agent|underwriters?|representatives?|financial\s+advisor|designees)",
    re.IGNORECASE,
)
_OVERALLOTMENT_OPTION = re.compile(
    r"(?:option|right)\s+to\s+purchase\s+(?:up\s+to\s+)?(?:an\s+)?additional|up\s+to\s+an\s+additional|"
    r"if\s+the\s+underwriters?\s+exercise|over-?allotment\s+option,?\s+if\s+any|to\s+cover\s+over-?allotments",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------
# Prices, amounts

_PER = re.compile(
    r"^\s*(?:per|a|for\s+each|each)\s+(?P<unit>(?:whole\s+)?(?:pre-funded\s+)?(?:private\s+placement\s+)?(?:share|unit|"
    r"warrant|ADS|American\s+Depositary\s+Share|note|pre-funded\s+warrant|right|[A-Z][\w-]*\s+(?:Warrant|Share|Unit)))",
    re.IGNORECASE,
)
_NOT_A_PRICE = re.compile(
    r"(?:average|closing|last\s+reported|reported\s+sale|VWAP|volume[- ]weighted|market\s+(?:price|value)|floor|"
    r"par\s+value|stated\s+value|liquidation\s+(?:preference|value)|trading\s+price|bid\s+price|high|low|"
    r"fair\s+value|book\s+value|\d+(?:\.\d+)?%\s+of|equal\s+to|reset|adjust\w*|less\s+than|"
    r"below|above|exceeds?|threshold|redemption|redeem|trigger|cash\s+in\s+lieu|dividend|anti-?dilution)"
    r"[^$]{0,60}$",
    re.IGNORECASE,
)
_EXERCISE_LEFT = re.compile(
    r"(?:exercise\s+price|exercisable|strike\s+price|(?:warrants?|options?|rights?)\b[^$;]{0,120}?"
    r"\b(?:to\s+purchase|entitl\w+|exercis\w+)|to\s+purchase\s+(?:one|\d+|a)\s+(?:\w+\s+){0,4}share)[^$]{0,160}$",
    re.IGNORECASE,
)
_CONVERSION_LEFT = re.compile(r"(?:conversion\s+price|convertible|converted|conversion)[^$]{0,80}$", re.IGNORECASE)
_AGGREGATE_LEFT = re.compile(
    r"(?:aggregate\s+(?:consideration|purchase\s+price|offering\s+price|gross\s+proceeds|proceeds|sales?\s+price|"
    r"gross\s+sales\s+price|subscription\s+price|investment|value)|gross\s+proceeds|gross\s+sales\s+price|"
    r"total\s+(?:consideration|purchase\s+price|proceeds|gross\s+proceeds|offering\s+price)|"
    r"for\s+(?:a\s+|an\s+)?(?:total|aggregate)\s+(?:of|amount\s+of)|(?:purchase|subscription)\s+price\s+of|"
    r"investment\s+of|(?:offering|sales)\s+price\s+of\s+up\s+to)"
    r"(?:\s+of\s+the\s+(?:transaction|merger|acquisition|offering|deal|private\s+placement))?"
    r"(?:\s+to\s+(?:the\s+Company|us|[A-Z]\w+(?:\s+(?:stock|share)holders)?))?(?:\s+(?:of|was|were|is|totaled|totaling|equal\s+to|"
    r"amounted\s+to|will\s+be|are\s+expected\s+to\s+be|is\s+expected\s+to\s+be|of\s+up\s+to|approximately|"
    r"up\s+to|about|for|be|in\s+the\s+amount\s+of))*[\s(]*$",
    re.IGNORECASE,
)
_NET_LEFT = re.compile(r"net\s+(?:cash\s+)?proceeds[^$]{0,40}$|net\s+of[^$]{0,30}$", re.IGNORECASE)
_PURCHASE_PRICE_LEFT = re.compile(
    r"(?:(?:public\s+)?offering\s+price|purchase\s+price|sale\s+price|issue\s+price|subscription\s+price|price)"
    r"(?:\s+to\s+the\s+public)?(?:\s+of)?\s*$|\bat\s+$|\bfor\s+$",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------
# Transaction kinds, registration, dates, purchasers

# Each kind's pattern with words one of which each of its matches holds (see gated.lacks).
_KIND_PATTERNS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    ("at_the_market", ("market", "atm", "distribution", "sales"), re.compile(
        r"at[- ]the[- ]market|\bATM\b|equity\s+distribution\s+agreement|"
        r"(?:at\s+market\s+issuance\s+)?sales\s+agreement|sales\s+agent", re.I)),
    ("equity_line", ("equity", "obligation"), re.compile(
        r"equity\s+line|right,?\s+but\s+not\s+the\s+obligation,?\s+to\s+sell|"
        r"committed\s+equity\s+facility|equity\s+purchase\s+agreement", re.I)),
    ("acquisition_consideration", ("merger", "acqui", "former", "outstanding"), re.compile(
        r"\b[Mm]erger\b(?!\s+Sub)|\bacqui(?:re|red|sition)\b|(?i:former\s+(?:\w+\s+){0,3}(?:stock|share)holders)|"
        r"(?i:purchase\s+of\s+all\s+of\s+the\s+outstanding)|\bPlan\s+of\s+Merger")),
    ("exchange", ("exchang", "cancel"), re.compile(
        r"\bexchange\s+agreements?|in\s+exchange\s+for\s+(?:\$|the\s+surrender|an?\s+aggregate|its|their)|"
        r"\bto\s+exchange\b|exchanged\s+for|the\s+exchanges?\b|exchange\s+offer|"
        r"(?:debentures?|notes?)\b[^.]{0,80}\b(?:cancel+ed|exchanged)", re.I)),
    ("registered_direct", ("direct",), re.compile(r"registered\s+direct", re.I)),
    ("private_placement", ("private", "accredited", "regulation", "4(a)(2)", "4(2)", "144a", "registered"), re.compile(
        r"private\s+placement|privately\s+negotiated|private\s+(?:sale|offering)|"
        r"accredited\s+investors?|Regulation\s+D\b|4\(a\)\(2\)|4\(2\)|"
        r"Rule\s+144A|Regulation\s+S\b|unregistered|not\s+been\s+registered", re.I)),
    ("public_offering", ("underwrit", "public", "ipo", "prospectus", "terms", "registration", "shelf"), re.compile(
        r"underwrit\w+|public\s+offering|\bIPO\b|prospectus|terms\s+agreement|registration\s+statement|shelf", re.I)),
    ("sale", ("agreed", "purchase", "subscription"), re.compile(
        r"\bagreed\s+to\s+(?:issue\s+and\s+)?sell|(?:securities|stock|share|note|unit|warrant|subscription)\s+"
        r"purchase\s+agreement|\bPurchase\s+Agreement\b|subscription\s+agreement", re.I)),
    ("debt_financing", ("promissory", "loan", "credit", "bridge"), re.compile(
        r"promissory\s+note|loan|credit\s+agreement|bridge", re.I)),
]
# The words each kind's matches begin with (see gated.search_from), for the kinds whose openings are
# distinctive; a long text is searched only from them.
_KIND_STARTS: dict[str, tuple[str, ...]] = {
    "at_the_market": ("at", "equity", "sales"),
    "equity_line": ("equity", "right", "committed"),
    "acquisition_consideration": ("merger", "acqui", "former", "purchase", "plan"),
    "registered_direct": ("registered",),
    "private_placement": ("private", "accredited", "regulation", "4(", "rule", "unregistered", "not"),
    "public_offering": ("underwrit", "public", "ipo", "prospectus", "terms", "registration", "shelf"),
    "sale": ("agreed", "securities", "stock", "share", "note", "unit", "warrant", "subscription", "purchase"),
    "debt_financing": ("promissory", "loan", "credit", "bridge"),
}
_REGISTERED = re.compile(
    r"registration\s+statement\s+on\s+Form\s+(?:S|F)-\d|Form\s+(?:S|F)-[13]\b|shelf\s+registration|"
    r"prospectus\s+supplement|registered\s+direct|Rule\s+462\(b\)|underwritten\s+(?:public\s+)?offering|"
    r"initial\s+public\s+offering|\bIPO\b|effective\s+registration\s+statement|registered\s+(?:public\s+)?offering|"
    r"registered\s+under\s+the\s+Securities\s+Act|public\s+offering", re.I)
_EXEMPT = re.compile(
    r"Section\s+4\s*\(\s*a\s*\)\s*\(\s*2\s*\)|Section\s+4\s*\(\s*2\s*\)|Regulation\s+D\b|Rule\s+50[56]\b|"
    r"Regulation\s+S\b|Rule\s+144A|Section\s+3\s*\(\s*a\s*\)\s*\(\s*(?:9|10)\s*\)|exempt\w*\s+from\s+(?:the\s+)?registration|"
    r"not\s+(?:been\s+)?registered|private\s+placement|unregistered|accredited\s+investors?", re.I)
_EXEMPTION_CITES: list[tuple[str, re.Pattern[str]]] = [
    ("Section 4(a)(2)", re.compile(r"Section\s+4\s*\(\s*a\s*\)\s*\(\s*2\s*\)", re.I)),
    ("Section 4(2)", re.compile(r"Section\s+4\s*\(\s*2\s*\)", re.I)),
    ("Section 3(a)(9)", re.compile(r"Section\s+3\s*\(\s*a\s*\)\s*\(\s*9\s*\)", re.I)),
    ("Section 3(a)(10)", re.compile(r"Section\s+3\s*\(\s*a\s*\)\s*\(\s*10\s*\)", re.I)),
    ("Rule 506(b)", re.compile(r"Rule\s+506\s*\(\s*b\s*\)", re.I)),
    ("Rule 506(c)", re.compile(r"Rule\s+506\s*\(\s*c\s*\)", re.I)),
    ("Rule 506", re.compile(r"Rule\s+506(?!\s*\()", re.I)),
    ("Regulation D", re.compile(r"Regulation\s+D\b", re.I)),
    ("Rule 144A", re.compile(r"Rule\s+144A", re.I)),
    ("Regulation S", re.compile(r"Regulation\s+S\b", re.I)),
]
_CITE_HINT = re.compile(r"Section|Rule|Regulation", re.I)  # in every _EXEMPTION_CITES pattern
_CITE_STARTS = {name: (name.split()[0].lower(),) for name, _ in _EXEMPTION_CITES}  # where each match begins
_AGREEMENT_NAME = re.compile(
    r"(?:(?:securities|stock|share|unit|note|warrant|subscription|underwriting|purchase|placement\s+agency|"
    r"sales|distribution|exchange|terms|merger|investment|equity|common\s+stock|at\s+market\s+issuance\s+sales|"
    r"private\s+placement\s+warrants?\s+purchase|privately\s+negotiated)\s+)+agreements?|"
    r"agreement\s+and\s+plan\s+of\s+merger",
    re.IGNORECASE,
)
_CLOSING_WORDS = re.compile(
    r"\b(?:clos(?:ed|ing)|consummat(?:ed|ion)|completed|issued|sold|effective\s+date|settle(?:d|ment)|"
    r"received\s+(?:an?\s+)?(?:\$[\d,.]+\s*(?:million|billion)?\s+)?(?:investment|proceeds|funding))\b", re.I)
_ENTITY_SUFFIX = re.compile(
    r"(?:Inc\.?|Incorporated|Ltd\.?|Limited|LLC|L\.L\.C\.|L\.P\.|LP|Co\.|Corp\.?|Corporation|Company|Fund|Trust|"
    r"Partners|Partnership|Capital|Holdings|plc|AG|S\.A\.|N\.V\.|GmbH|Portfolio|Syndicate|LLP|L\.L\.P\.|Associates|"
    r"Bank|Foundation|Ventures|Investments|Advisors|Treasury|INC\.?|LTD\.?|CORP\.?|CORPORATION|LIMITED|COMPANY|"
    r"FUND|TRUST|PARTNERS|HOLDINGS|CO\.|(?:Fund|Partners|Capital|Holdings|Trust|Ventures|Investments)\s+(?:[IVX]{1,5}|\d{1,3}))$"
)  # 'Alpha Opportunity Fund II': a fund's series number after its suffix word
_NOT_PURCHASER = re.compile(
    r"^(?:the|The|Company|Registrant|Securities|Commission|Exchange|Act|Nasdaq|NASDAQ|NYSE|Form|Item|Exhibit|Section|"
    r"Rule|Regulation|Agreement|Purchase|Underwriters?|Trustee|Current|Registration)\b"
)
_INTERMEDIARY = re.compile(
    r"^[^.]{0,80}?\bas\s+(?:the\s+)?(?:(?:administrative|collateral|paying|exchange|calculation|conversion)\s+agents?|"
    r"nominee|custodian|depositary|(?:joint\s+)?(?:lead\s+)?(?:arrangers?|bookrunners?|managers?)|"
    r"representatives?|underwriters?|initial\s+purchasers?|sales\s+agents?|agents?|"
    r"placement\s+agents?|trustee|warrant\s+agent|escrow\s+agent|transfer\s+agent|financial\s+advisor|"
    r"joint\s+book|lead|book-?running)", re.IGNORECASE,
)


@dataclass
class _Mention:
    security_type: str
    title: str
    start: int  # within sentence
    end: int
    shares: int | None = None
    principal: Decimal | None = None
    count_q: Quantity | None = None
    principal_q: Quantity | None = None
    unit_price: Decimal | None = None
    price: Decimal | None = None
    price_q: Quantity | None = None
    exercise: Decimal | None = None
    exercise_q: Quantity | None = None
    conversion: Decimal | None = None
    conversion_q: Quantity | None = None
    is_unit: bool = False
    kind_hint: str | None = None
    surrendered_q: Quantity | None = None


@dataclass
class _Draft:
    kind: str
    sentences: list[Sentence] = field(default_factory=list)
    securities: list[tuple[Security, Sentence]] = field(default_factory=list)
    source_item: str | None = None
    aggregates: list[tuple[Quantity, Sentence, str]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Public entry point


def extract_issuances(ft: FilingText, *, filing_date: dt.date | None, event_date: dt.date | None,
                      company_name: str | None) -> list[Transaction]:
    """Every issuance the filing reports, one Transaction per deal, each value with its evidence."""
    forget_filing()  # answers come from this filing alone, whoever calls
    ref_date = event_date or cover_event_date(ft.text) or filing_date
    ctx = _FilingContext(company_name, company_aliases(ft.text, company_name), _defined_entities(ft.text), ref_date)
    drafts: dict[str, _Draft] = {}
    order: list[str] = []
    all_sentences: list[tuple[Region, Sentence]] = []
    exhibit_list: list[Sentence] = []
    recaps: set[tuple[int, int]] = set()
    for region in _prospectus_regions(ft) or regions(ft):
        if region.label in _EXHIBIT_ITEMS:
            exhibit_list.extend(split_sentences(ft.text, region.start, region.end))
            continue
        if region.label in _NON_ISSUANCE_ITEMS:
            continue
        if region.label and region.label.startswith("EX-") and _legal_agreement(ft.text, region.start,
                                                                                 min(region.end, region.start + 4000)):
            continue
        region_text = ft.text[region.start:region.end].replace("\n", " ")
        region_folded = _folded(region_text)
        if _offering_reduced_words(region_folded) and search_from(_OFFERING_REDUCED, region_text, region_folded,
                                                                  _OFFERING_REDUCED_STARTS):
            continue  # an earlier offering program cut back, nothing newly sold
        region_sentences = split_sentences(ft.text, region.start, region.end)
        all_sentences.extend((region, s) for s in region_sentences)
        region_kind = _Lazy(lambda rs=region_sentences: _kind_of(_opening(rs, 6000)))
        compositions = _Lazy(lambda rs=region_sentences: " ".join(
            x.text for x in rs if "unit" in x.text.lower() and _UNIT_COMPOSITION.search(x.text)))
        recap = False
        subsidiary_deal = _Lazy(lambda rt=region_text, rf=region_folded: _subsidiary_issuer(rt, rf))
        for k, s in enumerate(region_sentences):
            if _recap_opening(s.text):
                recap = True
                recaps.add((s.start, s.end))
                continue
            if recap and not find_dates(s.text):
                recaps.add((s.start, s.end))
                continue
            recap = False
            if not _could_mention(s.text):
                continue  # _sentence_mentions would find nothing; skip building its context
            following = " ".join(x.text for x in region_sentences[k + 1:k + 3]) + " " + compositions()
            mentions = _sentence_mentions(s, ctx, following, region_text)
            if mentions and subsidiary_deal() and not _REGISTRANT_SELLS.search(s.text):
                continue
            if not mentions:
                continue
            hint = next((m.kind_hint for m in mentions if m.kind_hint), None)
            kind = hint or _kind_of(s.text) or _recent_kind(region_sentences, k) or region_kind() or "other"
            draft = drafts.get(kind)
            if draft is None:
                draft = drafts[kind] = _Draft(kind, source_item=region.label)
                order.append(kind)
            draft.sentences.append(s)
            for m in mentions:
                _add_mention(draft, m, s)
    if not drafts:
        return []
    _merge_generic(drafts, order)
    out: list[Transaction] = []
    drafts = {k: d for k, d in drafts.items() if not _too_weak(d)}
    _merge_restatements(drafts, order)
    index = None
    for kind in order:
        if kind not in drafts:
            continue
        draft = drafts[kind]
        if not draft.securities:
            continue
        others = {(x.start, x.end) for k2, d2 in drafts.items() if k2 != kind for x in d2.sentences}
        if index is None:
            index = _SentenceIndex([(r, x) for r, x in all_sentences if (x.start, x.end) not in recaps])
        tx = _finish(draft, index, ft.text, ref_date, company_name, others)
        if tx.agreement_date is None:
            _agreement_from_exhibit_list(tx, draft, exhibit_list, ref_date)
        out.append(tx)
    return _merge_concurrent_placement(out, ft.text)


def _opening(sentences: list[Sentence], limit: int) -> str:
    """" ".join(s.text for s in sentences if not _negative_sentence(s.text))[:limit], reading no more
    sentences than the limit needs: a prospectus's single region runs to thousands of them."""
    parts: list[str] = []
    size = -1
    for s in sentences:
        if size >= limit:
            break
        if not _negative_sentence(s.text):
            parts.append(s.text)
            size += 1 + len(s.text)
    return " ".join(parts)[:limit]


def _offering_reduced_words(folded: str) -> bool:
    """Words every _OFFERING_REDUCED match contains (folded text, see _folded)."""
    return "offering" in folded and "amount" in folded and ("reduc" in folded or "decreas" in folded)


_OFFERING_REDUCED = re.compile(
    r"\b(?:reduc\w*|decreas\w*)\s+(?:the\s+)?(?:(?:potential|maximum|aggregate|remaining)\s+)*offering\s+amount", re.I)
_OFFERING_REDUCED_STARTS = ("reduc", "decreas")
_REGISTERED_DIRECT = re.compile(r"\bregistered\s+direct\s+offering", re.I)
_CONCURRENT_PLACEMENT = re.compile(r"\bconcurrent\s+private\s+placement", re.I)


def _merge_concurrent_placement(txs: list[Transaction], text: str) -> list[Transaction]:
    """A registered direct offering with a concurrent private placement (typically of the accompanying
    common warrants) is one deal with mixed registration: the registered securities and the privately
    placed ones are sold to the same investors under one purchase agreement."""
    if len(txs) != 2:
        return txs
    folded = _folded(text)
    if not (search_from(_REGISTERED_DIRECT, text, folded, ("registered",))
            and search_from(_CONCURRENT_PLACEMENT, text, folded, ("concurrent",))):
        return txs
    reg = next((t for t in txs if t.registration == "registered"
                and t.offering_type in ("registered_direct", "public_offering")), None)
    pp = next((t for t in txs if t is not reg and t.offering_type == "private_placement"
               and t.registration in ("exempt", "unknown")), None)
    if reg is None or pp is None:
        return txs
    reg.offering_type = "registered_direct"
    reg.registration = "mixed"
    reg.exemption = reg.exemption or pp.exemption
    for name in ("aggregate_consideration", "agreement_date", "closing_date"):
        if getattr(reg, name) is None and getattr(pp, name) is not None:
            setattr(reg, name, getattr(pp, name))
            reg.field_evidence.extend(e for e in pp.field_evidence if e.field == name)
    if pp.exemption and reg.exemption == pp.exemption:
        reg.field_evidence.extend(e for e in pp.field_evidence if e.field == "exemption")
    if not reg.purchasers and pp.purchasers:
        reg.purchasers = pp.purchasers
        reg.field_evidence.extend(e for e in pp.field_evidence if e.field == "purchasers")
    reg.securities.extend(pp.securities)
    return [reg]


class _Lazy:
    """A value computed on first use (region-wide facts most regions never need)."""
    __slots__ = ("_fn", "_done", "_value")

    def __init__(self, fn):
        self._fn, self._done, self._value = fn, False, None

    def __call__(self):
        if not self._done:
            self._value, self._done = self._fn(), True
        return self._value


def _negative_sentence(text: str) -> bool:
    return _negative_phrase(text) is not None


@per_filing()
def _negative_phrase(text: str) -> str | None:
    """The first _NEGATIVE_SENTENCE match in text, or None."""
    m = _NEGATIVE_SENTENCE.search(text)
    return m.group(0) if m else None


@per_filing()
def _could_mention(text: str) -> bool:
    """The first gate of _sentence_mentions: an issuing verb or a conversion of notes."""
    return bool(_ISSUE_VERB.search(text) or "$" in text and _CONVERSION_OF_NOTES.search(text))


def _recent_kind(sentences: list[Sentence], k: int) -> str | None:
    """The kind of deal the nearest earlier sentences in the same item talk about."""
    for s in reversed(sentences[max(0, k - 3):k]):
        if not _negative_sentence(s.text):
            kind = _kind_of(s.text)
            if kind:
                return kind
    return None


def _merge_restatements(drafts: dict[str, _Draft], order: list[str]) -> None:
    """The same deal told twice (Item 1.01 and again in 8.01 or the press release) is one transaction:
    a later deal whose counted securities all match an earlier one's joins it."""
    kinds = [k for k in order if k in drafts]
    for i, later in enumerate(kinds):
        secs = [sec for sec, _ in drafts[later].securities]
        if not secs or not all(sec.shares or sec.principal_amount or _bare_title(sec) for sec in secs):
            continue
        for earlier in kinds[:i]:
            if earlier not in drafts:
                continue
            have = [sec for sec, _ in drafts[earlier].securities]
            if all(any(_same(h, sec) for h in have) for sec in secs):
                target = drafts[earlier]
                target.sentences.extend(drafts[later].sentences)
                for sec, s in drafts.pop(later).securities:
                    _merge_security(target, sec, s)
                break


def _too_weak(draft: _Draft) -> bool:
    """A bare share count in a sentence that says nothing about a sale, a deal or a registration is not
    enough to report an issuance."""
    if draft.kind != "other":
        return False
    text = " ".join(s.text for s in draft.sentences)
    if re.search(r"\b(?:issued|sold|sale|offering|private\s+placement|purchase\s+price|gross\s+proceeds|"
                 r"in\s+exchange\s+for|consideration)\b", text, re.I):
        return False
    return all(sec.price_per_share is None and sec.principal_amount is None for sec, _ in draft.securities)


def _merge_generic(drafts: dict[str, _Draft], order: list[str]) -> None:
    """Sentences whose kind could not be told ("other") join the only specific deal, when there is one."""
    if "other" in drafts and len(drafts) == 2:
        other = drafts.pop("other")
        target = drafts[next(k for k in drafts)]
        target.sentences.extend(other.sentences)
        for sec, s in other.securities:
            _merge_security(target, sec, s)


# ---------------------------------------------------------------------------------------------
# Mentions in one sentence


@dataclass(frozen=True)
class _FilingContext:
    company_name: str | None
    aliases: frozenset[str]
    entities: frozenset[str]
    ref_date: dt.date | None


_GENERIC_ALIASES = frozenset({"company", "registrant", "corporation", "issuer", "we", "it", "partnership", "trust",
                              "bank", "parent", "borrower", "the"})
_CORP_WORDS = frozenset({"inc", "corp", "corporation", "company", "co", "ltd", "limited", "llc", "plc", "the", "group",
                         "holdings", "holding", "international", "technologies", "de", "new", "l.p", "lp"})


_WORD_BOUNDARY = re.compile(r"\b")
_ALIAS_AFTER_NAME = re.compile(r"[^()\n]{0,80}?\(\s*(?:the\s+)?[\"']([^\"']{2,40})[\"']", re.I)


def company_aliases(text: str, company_name: str | None) -> frozenset[str]:
    """Lower-case words that name the registrant: its name's distinctive words and the short names the
    filing defines for it ('NeoTherapeutics, Inc. ("NeoTherapeutics")')."""
    out = set(_GENERIC_ALIASES)
    if not company_name:
        return frozenset(out)
    words = [w for w in re.findall(r"[\w&'-]+", company_name.lower()) if w not in _CORP_WORDS]
    out.update(words)
    if words:
        for m in _aliases_after(words[0], text[:30000]):
            out.add(m.group(1).split()[0].lower())
    return frozenset(out)


def _aliases_after(word: str, text: str) -> list[re.Match[str]]:
    """finditer of IGNORECASE `\\b<word>` + _ALIAS_AFTER_NAME, without compiling a pattern per company
    (but for a name whose first word is not ASCII, which is rare enough to compile as before).

    A pattern per name went through the re module's cache of 512: over thousands of companies every
    filing compiled one and evicted another, a steady churn of objects that live ~512 filings each.
    Candidates are where the folded text holds the word (fold_ignorecase makes that exactly where an
    IGNORECASE match of it can start), leftmost first, never inside an earlier match, like finditer."""
    if not word.isascii():
        pat = _stdlib_re.compile(rf"\b{re.escape(word)}" + _ALIAS_AFTER_NAME.pattern, re.I)
        return list(pat.finditer(text))
    folded = _folded(text)
    out: list[re.Match[str]] = []
    i = folded.find(word)
    while i >= 0:
        m = _ALIAS_AFTER_NAME.match(text, i + len(word)) if _WORD_BOUNDARY.match(text, i) else None
        if m:
            out.append(m)
            i = folded.find(word, max(m.end(), i + 1))
        else:
            i = folded.find(word, i + 1)
    return out


def _defined_entities(text: str) -> frozenset[str]:
    """Short names the filing defines for parties: 'BlueSuit, Inc. ("BlueSuit")'."""
    return frozenset(m.group(1).lower() for m in re.finditer(
        r"(?:Inc\.|Corp\.|Corporation|Ltd\.|LLC|L\.P\.|Company|plc|N\.V\.|S\.A\.)\s*\(\s*(?:the\s+)?[\"']([A-Z][\w&-]+)[\"']\)",
        text[:60000]))


def cover_event_date(text: str) -> dt.date | None:
    """The earliest date next to 'Date of Report (Date of earliest event reported)' on the cover."""
    m = re.search(r"Date\s+of\s+(?:Report|earliest\s+event)", text[:8000], re.I)
    if not m:
        return None
    dates = [d.value for d in find_dates(text[max(0, m.start() - 200):m.end() + 250])]
    return min(dates) if dates else None


_SUBJECT_VERB = re.compile(
    r"\b([A-Z][\w&-]*)(?:\s+\([^)]{0,40}\))?,?\s+(?:also\s+|has\s+|had\s+|will\s+|shall\s+|then\s+)?"
    r"(?P<verb>issued|sold|agreed\s+to\s+(?:issue|sell)|obligated\s+itself\s+to\s+issue|acquired|purchased|"
    r"repurchased|bought|(?:will\s+)?receive[ds]?|agreed\s+to\s+(?:acquire|purchase|repurchase|buy))\b")


_DEFINED_SUBJECT_VERB = re.compile(
    r"\(\s*(?:the\s+)?[\"']([\w&-]+)[\"']\s*\),?\s+(?:also\s+|has\s+|had\s+|will\s+)?"
    r"(?P<verb>issued|sold|acquired|purchased|repurchased|bought)\b")


# A word of each verb _SUBJECT_VERB and _DEFINED_SUBJECT_VERB end with.
_SUBJECT_VERB_WORDS = ("issued", "sold", "agreed", "obligated", "acquired", "purchased", "bought", "receive")


def _wrong_issuer(text: str, ctx: _FilingContext) -> bool:
    """Another company issuing ('BlueSuit issued Stockwalk ...') or the registrant buying shares."""
    if not any(verb in text for verb in _SUBJECT_VERB_WORDS):
        return False  # neither pattern can match (both are case-sensitive)
    for m in [*_SUBJECT_VERB.finditer(text), *_DEFINED_SUBJECT_VERB.finditer(text)]:
        subject = m.group(1).lower()
        verb = m.group("verb")
        if subject in ctx.aliases:
            if verb in ("acquired", "purchased", "repurchased", "bought") or verb.startswith(("agreed to acq", "agreed to pur",
                                                                                         "agreed to rep", "agreed to buy")) \
                    or ("receive" in verb and re.search(r"\bdeliver|\bshares\b", text[m.end():m.end() + 120], re.I)
                        and not re.search(r"proceeds|consideration|payment", text[m.end():m.end() + 60], re.I)):
                return True
            continue
        if verb in ("issued", "sold") or re.match(r"(?:agreed\s+to\s+(?:issue|sell)|obligated)", verb):
            if subject in ctx.entities or _names_a_company(m.group(1), text):
                return True
    return False


_COMPANY_AFTER_NAME = re.compile(r"(?:\s+[A-Z][\w&-]*){0,4},?\s+(?:Inc|Corp|Corporation|Ltd|LLC|L\.P|Company|Co)\b")


def _names_a_company(word: str, text: str) -> bool:
    if word.lower() in _GENERIC_SUBJECTS:
        return False
    return any(_COMPANY_AFTER_NAME.match(text, i + len(word)) for i in _word_starts(text, word))


def _word_starts(text: str, word: str) -> Iterator[int]:
    """Where `word` occurs in `text` starting at a word boundary (regex `\\bword`). Found with str.find,
    not a pattern built from the word: one compiled pattern per company name kept in the pattern cache
    grows with the run (the corpus's 494 files made 23 of them: ~4,000, the cache's size, by 90,000
    real filings)."""
    if not word:
        return
    inner = word[0].isalnum() or word[0] == "_"
    i = text.find(word)
    while i >= 0:
        before = i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")
        if before != inner:
            yield i
        i = text.find(word, i + 1)


_GENERIC_SUBJECTS = frozenset({"the", "this", "such", "shares", "notes", "warrants", "units", "securities",
                               "investors", "purchasers", "holders", "it", "we", "they", "sponsor"})


def _sentence_mentions(s: Sentence, ctx: _FilingContext, following: str = "", region_text: str = "") -> list[_Mention]:
    text = s.text
    company_name = ctx.company_name
    if not _could_mention(text) or _is_negative(text):
        return []
    if "option" in _folded(text) and _OPTION_GRANT.search(text) and not re.search(r"warrant", text, re.I):
        return []
    if _is_earlier_deal(text, ctx.ref_date) or _wrong_issuer(text, ctx):
        return []
    if re.match(r"\W*(?:In\s+the\s+event|If|Unless|To\s+the\s+extent)\b", text, re.I):
        return []
    if _mostly_capitals(text):
        return []  # a heading or a table row, not a statement
    if "value" in _folded(text) and re.search(r"\bpar\s+value\b", text, re.I) and re.search(r"\bauthorized\b", text, re.I) and \
            re.search(r"\b(?:issued\s+and\s+)?outstanding\b", text, re.I):
        return []
    money = find_money(text)
    numbers = [q for q in find_numbers(text) if not _is_year(q, text)]
    mentions: list[_Mention] = []
    resale = "selling" in text.lower()
    for q in numbers:
        if _OUTSTANDING_AFTER.search(text[max(0, q.start - 160):q.start]):
            continue  # the share count after the offering, not the shares sold
        if resale and (_SELLING_HOLDERS_LEFT.search(text[max(0, q.start - 100):q.start])
                       or _SELLING_HOLDERS_RIGHT.match(text, q.end)):
            continue  # sold by the selling stockholders alongside the company: a resale, not an issuance
        m = _count_mention(text, q, company_name)
        if m is not None:
            mentions.append(m)
    for q in money:
        m = _principal_mention(text, q) or _money_of_shares(text, q, company_name)
        if m is not None:
            mentions.append(m)
    conversions = _conversion_mentions(text, money)
    if conversions:
        spans = [(c.start, c.end) for c in conversions]
        surrendered = {c.surrendered_q.start for c in conversions if c.surrendered_q}
        mentions = [m for m in mentions if not (m.principal_q and m.principal_q.start in surrendered)]
        mentions.extend(c for c in conversions if not any(m.start <= c.start < m.end for m in mentions))
    mentions.extend(_countless_mentions(text, mentions, money))
    mentions.extend(_series_mentions(text, region_text, mentions))
    mentions.sort(key=lambda m: m.start)
    if not mentions:
        return []
    _bind_prices(text, mentions, money)
    _stated_values(text, mentions, money)
    _expand_units(text, mentions, following)
    mentions = _drop_parts(mentions)
    return [m for m in mentions if not _is_agent_warrant(text, m)]


_ASCII_LETTERS_ONLY = {i: None for i in range(128) if not chr(i).isalpha()}
_ASCII_UPPER_ONLY = {i: None for i in range(128) if not chr(i).isupper()}


def _mostly_capitals(text: str) -> bool:
    """More than 20 letters, over 60% of them capitals."""
    if text.isascii():
        letters = text.translate(_ASCII_LETTERS_ONLY)
        n, upper = len(letters), len(letters.translate(_ASCII_UPPER_ONLY))
    else:
        chars = [c for c in text if c.isalpha()]
        n, upper = len(chars), sum(c.isupper() for c in chars)
    return n > 20 and upper > 0.6 * n


_OUTSTANDING_AFTER = re.compile(
    r"\boutstanding\s+(?:immediately\s+)?(?:after|following|upon\s+(?:the\s+)?(?:completion|closing)\s+of)\s+"
    r"(?:this|the|such)\s+offering\b[^|$]*?(?:\|\s*)?$", re.I)


def _drop_parts(mentions: list[_Mention]) -> list[_Mention]:
    """'up to 275,000 shares ..., with (i) 137,500 shares issued ... and (ii) 137,500 shares ...': the
    instalments that add up to an earlier total are not further securities."""
    out: list[_Mention] = []
    for i, m in enumerate(mentions):
        if m.shares:
            later = [x for x in mentions[i + 1:] if x.security_type == m.security_type and x.shares]
            if len(later) >= 2 and sum(x.shares for x in later) == m.shares:
                return [x for x in mentions if x not in later]
        out.append(m)
    return out


def _is_agent_warrant(text: str, m: _Mention) -> bool:
    if m.security_type not in ("warrant",):
        return False
    window = text[max(0, m.start - 80):m.end + 120]
    return bool(_AGENT_WARRANT.search(window))


def _is_year(q: Quantity, text: str) -> bool:
    v = q.value
    if v == int(v) and 1900 <= v <= 2100 and "," not in q.text:
        return True
    nxt = text[q.end:q.end + 2]
    return nxt.startswith("%") or text[q.end:q.end + 8].lower().startswith(" percent")


def _is_earlier_deal(text: str, ref_date: dt.date | None) -> bool:
    """A sentence about an earlier offering: every date in it is well before the report, or it
    says so ("previously issued")."""
    if _RECAP.match(text):
        return True  # the pattern's first alternative, anchored at the start: _RECAP exactly
    folded = _folded(text)
    if ("previously" in folded or "prior" in folded or "had" in folded) and _EARLIER_WORDS.search(text):
        return True
    if ref_date is None:
        return False
    lead = re.match(r"\W*(?:On|As\s+of|In|During)\s+(" + _LEAD_DATE + r")", text)
    if lead:
        found = find_dates(lead.group(1)) or []
        when = found[0].value if found else (_loose_dates(lead.group(1)) or [None])[0]
        if when is not None and when < ref_date - dt.timedelta(days=200):
            return True
    dates = [d.value for d in find_dates(text)] + _loose_dates(text)
    if not dates:
        return False
    return all(d < ref_date - dt.timedelta(days=200) for d in dates)


_EARLIER_WORDS = re.compile(r"\bpreviously\s+(?:issued|sold)|\bprior\s+(?:offering|private\s+placement)|"
                            r"\bhad\s+(?:previously\s+)?(?:issued|sold)\b", re.I)
_LEAD_DATE = r"[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d|[A-Z][a-z]+\s+(?:19|20)\d\d"
_MONTH_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
                         r"\s+((?:19|20)\d\d)\b")
_IN_YEAR = re.compile(r"\b(?=[idf])(?:in|during|fiscal(?:\s+year)?)\s+((?:19|20)\d\d)\b(?!\s*,)", re.I)


def _loose_dates(text: str) -> list[dt.date]:
    """'June 2003' and 'in 2003' as the last day they could mean, to recognise earlier deals."""
    out = []
    if "19" not in text and "20" not in text:
        return out  # both patterns need a year 19xx or 20xx
    for m in _MONTH_YEAR.finditer(text):
        month = list(calendar.month_name).index(m.group(1))
        year = int(m.group(2))
        out.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    out.extend(dt.date(int(m.group(1)), 12, 31) for m in _IN_YEAR.finditer(text))
    return out


def _classify_title(title: str, noun: str) -> str:
    t = f"{title} {noun}".lower()
    if "pre-funded" in t or "prefunded" in t:
        return "pre_funded_warrant"
    if "warrant" in noun.lower():
        return "warrant"
    if re.search(r"\bunits?$", noun, re.I):
        return "unit"
    if re.search(r"\bright", noun, re.I):
        return "right"
    if "preferred" in t or "preference" in t:
        return "preferred_stock"
    return "common_stock"


_QUALIFIERS_AT_END = re.compile(
    r"(?:\s*\b(?:approximately|about|up\s+to|an\s+aggregate\s+of|a\s+total\s+of|an\s+additional|additional|"
    r"aggregate\s+of|in\s+the\s+aggregate))+\s*$", re.IGNORECASE)


def _count_mention(text: str, q: Quantity, company_name: str | None) -> _Mention | None:
    """A count bound to the security noun after it, or to the warrant/convertible phrase before it."""
    if q.value < 100 or q.value != int(q.value):
        return _ratio_mention(text, q, company_name)
    after = text[q.end:q.end + 160]
    m = _SHARE_NOUN.match(after)
    if not m:
        return None
    noun = m.group("noun")
    left = text[max(0, q.start - 160):q.start]
    right_end = q.end + m.end()
    title = noun
    of = _SHARES_OF.match(text, right_end) if noun.lower().rstrip("s") in ("share", "unit") else None
    if of:
        title = of.group("title")
        right_end = of.end()
        if _foreign_security(title, text[right_end - len(of.group(0)):right_end], company_name):
            return None
        if re.match(r"\s+of\s+(?!the\s+Company|its\b|our\b|the\s+Registrant)(?:the\s+)?[a-z]{0,3}[A-Z]",
                    text[right_end:right_end + 30]):
            return None
    tail = text[right_end:right_end + 100]
    core = _QUALIFIERS_AT_END.sub("", left)
    if re.search(r"\b(?:for|per)\s+each\b[^.;]{0,100}$", core, re.I) or re.match(r"\s*(?:for|per)\s+(?:each|every)\b", tail, re.I):
        return None
    if re.search(r"of\s+the\s+(?:total\s+)?(?:possible|maximum)\s*$", core, re.I):
        return None
    if re.search(r"(?:upsized|increased|decreased|reduced|up)\s+from\s*$|\bfrom\s*$|\bincluding\b[^;()]{0,80}$|\bof\s+which\s*$|"
                 r"\b(?:ownership|stake|interest)\b[^.;]{0,40}$|\b(?:voting\s+power|hold|holds|held|own|owns|owned)\s+(?:\w+\s+){0,3}$",
                 core, re.I):
        return None
    if re.match(r"\s*issued\s+(?:and\s+outstanding\s+)?(?:at|as\s+of|on)\s", tail, re.I):
        return None
    if re.match(r"\s*(?:of\s+(?:the\s+Company|its|our)\s*)?(?:\([^)]{0,60}\)\s*)?,?\s*(?:(?:issued\s+and\s+)?outstanding|then\s+outstanding|remain\s+outstanding|reserved|"
                r"authorized|held\s+by|beneficially|underlying\s+(?:outstanding|existing))", tail, re.I):
        return None
    if re.search(r"(?:there\s+(?:were|are|will\s+be)|outstanding(?:\s+(?:after|before|following|immediately)\s+(?:\w+\s+){0,4})?|bringing|increas\w+\s+(?:the\s+)?(?:number|total)|"
                 r"reserved\s+for|authoriz\w+)\s*[\w\s|:]{0,30}$", left, re.I):
        return None
    if _OVERALLOTMENT_OPTION.search(left[-80:]) and not re.search(r"exercised", left, re.I):
        return None
    if re.search(r"\boptions?\s+(?:to\s+(?:purchase|acquire|buy)|covering|for|exercisable\s+for)\s*$", core, re.I):
        return None
    wl = _WARRANT_LEFT.search(left)
    shares = int(q.value)
    if wl and noun.lower().startswith(("share", "common", "ordinary")) or (wl and "stock" in noun.lower()):
        wtxt = wl.group("w").lower()
        stype = "pre_funded_warrant" if "fund" in wtxt else "option" if "option" in wtxt else \
            "right" if "right" in wtxt else "warrant"
        if stype == "option":
            return None
        start = q.start - (len(left) - wl.start())
        return _Mention(stype, f"{wl.group('w')} to purchase {title}".strip(), start, right_end, shares=shares,
                        count_q=q)
    if _CONVERTIBLE_LEFT.search(left):
        return None  # shares underlying a convertible; attached to the note later if at all
    stype = _classify_title(title, noun)
    if stype == "right":
        return None
    return _Mention(stype, _clean_title(title), q.start, right_end, shares=shares, count_q=q,
                    is_unit=stype == "unit")


_RATIO_LEFT = re.compile(r"(?:exchanged\s+for|converted\s+into|convert\s+into|right\s+to\s+receive|receive)\s*$", re.I)


def _ratio_mention(text: str, q: Quantity, company_name: str | None) -> _Mention | None:
    """'each Teltrend share will be exchanged for 3.3 shares of Westell Class A common stock': the
    registrant's stock as merger consideration, with the exchange ratio (not a count) stated."""
    if not _RATIO_LEFT.search(text[max(0, q.start - 40):q.start]):
        return None
    m = re.match(r"\s+shares?\b", text[q.end:q.end + 20])
    if not m:
        return None
    end = q.end + m.end()
    of = _SHARES_OF.match(text, end)
    if not of or not re.search(r"common|ordinary|stock", of.group("title"), re.I):
        return None
    phrase = text[end:of.end()]
    if _foreign_security(of.group("title"), phrase, company_name) or not company_name:
        return None
    words = {w.lower() for w in re.findall(r"[A-Z][\w&-]*", of.group("title")) if w.lower() not in _GENERIC_WORDS}
    company_words = {w.lower() for w in re.findall(r"[\w&-]+", company_name)}
    if not (words & company_words) and not re.search(r"\b(?:our|its|the\s+Company'?s)\b", phrase, re.I):
        return None
    return _Mention("common_stock", _clean_title(of.group("title")), q.start, of.end(),
                    kind_hint="acquisition_consideration")


def _clean_title(title: str) -> str:
    return " ".join(title.split())


_GENERIC_WORDS = frozenset({
    "class", "series", "common", "preferred", "stock", "shares", "share", "senior", "convertible", "new", "voting",
    "non-voting", "restricted", "registered", "unregistered", "a", "b", "c", "ordinary", "capital", "additional",
    "newly", "issued", "company", "company's", "the", "its", "our", "such", "par", "value", "redeemable",
    "cumulative", "participating", "perpetual", "exchangeable", "subordinated", "secured", "unsecured",
})


def _foreign_security(title: str, phrase: str, company_name: str | None) -> bool:
    """True when the shares are named after someone other than the registrant ("Teltrend common stock")."""
    poss = re.search(r"([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})'s\s", phrase)
    names = []
    if poss and poss.group(1) not in ("Company", "the Company", "Registrant"):
        names.append(poss.group(1))
    words = [w for w in re.findall(r"[A-Z][\w&-]*", title)]
    proper = [w for w in words if w.lower() not in _GENERIC_WORDS and not re.fullmatch(r"[A-Z]", w)]
    names.extend(proper)
    if not names:
        return False
    if not company_name:
        return False
    company_words = {w.lower() for w in re.findall(r"[\w&-]+", company_name)}
    distinctive = [w for w in re.findall(r"[\w&'-]+", company_name.lower()) if w not in _CORP_WORDS]
    if len(distinctive) >= 2:
        company_words.add("".join(w[0] for w in distinctive))  # initials: "TBS" for Turner Broadcasting System
    return not any(n.split()[0].lower() in company_words for n in names)


_CONVERSION_OF_NOTES = re.compile(
    r"(?:conversion|exchange|exchanging|converting|cancellation)\s+(?:of\s+)?\$[\d,.]+(?:\s+(?:million|billion))?\s+"
    r"(?:in\s+)?(?:(?:aggregate|original)\s+)*(?:principal\s+amount\s+)?of\s+(?:its\s+|the\s+Company'?s\s+|our\s+)?"
    r"(?P<notes>[^;]{0,120}?(?:Notes|Debentures|notes|debentures))(?:\s+due\s+\d{4})?(?:\s*\([^)]{0,80}\))?\s+(?:into|for)\s+"
    r"(?:shares\s+of\s+)?(?:newly\s+issued\s+|new\s+)?(?P<title>(?:[\w-]+\s+){0,3}?(?:common\s+stock|Common\s+Stock))",
)


def _conversion_mentions(text: str, money: list[Quantity]) -> list[_Mention]:
    """'the conversion of $100 million of 6 3/4% Convertible Subordinated Debentures ... into newly issued common
    stock': stock issued in exchange for surrendered notes, whose principal is the consideration."""
    out = []
    for m in _CONVERSION_OF_NOTES.finditer(text):
        q = next((x for x in money if m.start() <= x.start < m.start("notes")), None)
        if q is None or q.currency not in (None, "USD"):
            continue
        mention = _Mention("common_stock", _clean_title(m.group("title")), m.start("title"), m.end("title"),
                           kind_hint="exchange")
        mention.surrendered_q = q
        out.append(mention)
    return out


_MONEY_OF_SHARES = re.compile(
    r"\s+(?:in|of)\s+(?:newly\s+issued\s+)?shares\s+of\s+(?:its\s+|the\s+Company'?s\s+|our\s+)?"
    r"(?P<title>(?:[\w-]+\s+){0,3}?common\s+stock)", re.IGNORECASE)


def _money_of_shares(text: str, q: Quantity, company_name: str | None) -> _Mention | None:
    """'approximately $180,000,000 in shares of Nuance common stock': stock issued for a stated value."""
    m = _MONEY_OF_SHARES.match(text, q.end)
    if not m or q.currency not in (None, "USD"):
        return None
    if _foreign_security(m.group("title"), text[q.end:m.end()], company_name):
        return None
    if re.search(r"\b(?:repurchase|buy\s*back)", text[max(0, q.start - 80):q.start], re.I):
        return None
    mention = _Mention("common_stock", _clean_title(m.group("title")), q.start, m.end())
    mention.surrendered_q = q
    return mention


def _principal_mention(text: str, q: Quantity) -> _Mention | None:
    """'$400,000,000 aggregate principal amount of its 2.250% Senior Notes due 2021' and
    'a promissory note in the principal amount of $1,500,000'."""
    if q.currency not in (None, "USD"):
        return _foreign_principal(text, q)
    after = text[q.end:q.end + 200]
    left = text[max(0, q.start - 80):q.start]
    if re.search(r"\b(?:each|per|every)\s*$|\bprice\s+(?:for|of)\s*$", left, re.I):
        return None
    if q.value <= 1000 and re.match(r"\s+(?:in\s+)?(?:original\s+)?principal\s+amount", after, re.I):
        return None  # a denomination, not an issue size
    if re.search(r"\b(?:refinanc\w*|repay\w*|redeem\w*|redemption|repurchas\w*|retir\w*|tender\w*|convert|outstanding|"
                 r"existing|prepay\w*)\s+(?:of\s+)?(?:up\s+to\s+|all\s+(?:of\s+)?|the\s+|its\s+)?$", left, re.I):
        return None
    if re.search(r"(?:same\s+series\s+as|additional\s+issuance\s+of|reopening\s+of|fungible\s+with|an\s+additional)\s+(?:the\s+)?$",
                 left, re.I):
        return None
    m = _PRINCIPAL_AFTER.match(after) or _OF_NOTES_AFTER.match(after) or _DIRECT_NOTES.match(after)
    if m and re.match(r"(?:[^.;]{0,60}?\b(?:that|which)\s+(?:the\s+Company|we|it|[A-Z]\w+)\s+(?:previously\s+|had\s+)?issued|"
                      r"\s*\(\s*(?:the\s+|collectively,?\s+the\s+)?[\"'](?:Existing|Original|Outstanding|Old)\b)",
                      text[q.end + m.end():q.end + m.end() + 120]):
        return None
    if m and re.match(r"\s*(?:of\s+|in\s+)?(?:\w+\s+){0,4}such\b", after, re.I):
        return None
    if m and re.match(r"[^.;]{0,40}?\b(?:to\s+be\s+)?issued\s+by\s+(?!the\s+Company\b|us\b|it\b)",
                      text[q.end + m.end():q.end + m.end() + 80]):
        return None
    if m:
        title = _trim_note_title(m.group("title"))
        if title is None or re.match(r"\s*(?:\([^)]*\)\s*)?(?:then\s+|that\s+remain\s+|remain\s+)?outstanding",
                                     text[q.end + m.end():q.end + m.end() + 80]):
            return None
        return _Mention(_note_type(title), title, q.start, q.end + m.end(), principal=q.value, principal_q=q)
    left = text[max(0, q.start - 200):q.start]
    lm = _NOTE_BEFORE.search(left) if _may_end_note_phrase(left) else None
    if lm:
        title = _trim_note_title(lm.group("title"))
        if title is None:
            return None
        return _Mention(_note_type(title), title, q.start - (len(left) - lm.start()), q.end, principal=q.value,
                        principal_q=q)
    return None


def _may_end_note_phrase(left: str) -> bool:
    """Words every _NOTE_BEFORE match holds: it names notes, debentures or bonds and ends with 'of',
    'up to' or 'approximately' before trailing spaces. The pattern backtracks hard; this test does not."""
    folded = _folded(left)
    return (folded.rstrip()[-13:].endswith(("of", "to", "approximately"))
            and ("note" in folded or "debenture" in folded or "bond" in folded))


def _foreign_principal(text: str, q: Quantity) -> _Mention | None:
    """A note series in another currency: the security, with the money fields left empty."""
    after = text[q.end:q.end + 200]
    m = _PRINCIPAL_AFTER.match(after) or _OF_NOTES_AFTER.match(after) or _DIRECT_NOTES.match(after)
    if not m:
        return None
    title = _trim_note_title(m.group("title"))
    if title is None:
        return None
    return _Mention(_note_type(title), title, q.start, q.end + m.end())


def _trim_note_title(title: str) -> str | None:
    cut = list(re.finditer(r"\b(?:a|an|the|its|our|their|issued|sold|with|of|to)\s+", title))
    if cut:
        title = title[cut[-1].end():]
    words = title.split()
    while words and _STOP_TITLE.match(words[0]):
        words.pop(0)
    if not words:
        return None
    t = " ".join(words)
    if re.search(r"\b(?:outstanding|existing|remaining)\b", t, re.I):
        return None
    return t


def _note_type(title: str) -> str:
    return "convertible_note" if re.search(r"convertible|exchangeable", title, re.I) else "note"


_COUNTLESS = re.compile(
    r"\b(?:offer\s+and\s+sell|issue\s+and\s+sell|sell|issue)(?:,?\s+(?:from\s+time\s+to\s+time|to\s+or\s+through\s+[^,]{1,60}|"
    r"through\s+[^,]{1,60}|to\s+[A-Z][^,]{0,40}|at\s+its\s+(?:option|discretion|sole\s+discretion)),?)*\s+"
    r"(?:up\s+to\s+(?:\$[\d,.]+(?:\s+(?:million|billion))?\s+(?:of|in)\s+)?)?(?:(?:newly\s+issued\s+)?shares|an?\s+(?:\w+\s+){0,3}number\s+of\s+shares)?"
    r"\s*(?:of\s+)?(?:its|the\s+Company'?s|our)\s+(?P<title>(?:[\w-]+\s+){0,4}?common\s+stock)",
    re.IGNORECASE,
)


def _countless_mentions(text: str, mentions: list[_Mention], money: list[Quantity]) -> list[_Mention]:
    """Shares offered without a count, for up-to-$X programs (ATM, equity lines)."""
    if mentions or not money or lacks(text, ("common",)):  # the amount, and the title ending in 'common stock'
        return []
    m = _COUNTLESS.search(text)
    if not m:
        return []
    if not any(_AGGREGATE_LEFT.search(text[max(0, q.start - 120):q.start]) or q.up_to for q in money):
        return []
    return [_Mention("common_stock", _clean_title(m.group("title")), m.start("title"), m.end("title"))]


# ---------------------------------------------------------------------------------------------
# Prices


def _price_kind(text: str, q: Quantity) -> str | None:
    """'purchase' | 'exercise' | 'conversion' | None (not a price of this deal)."""
    left = text[max(0, q.start - 260):q.start]
    clause = re.split(r"[;]|\(\s*(?:i{1,3}|iv|v|[a-d])\s*\)", left)[-1]
    if _NOT_A_PRICE.search(clause[-90:]):
        return None
    if re.search(r"(?:purchase|offering|sale|subscription|issue)\s+price\s+(?:per\s+\w+(?:\s+\w+)?\s+)?(?:of|was|is)\s*(?:approximately\s+)?$|"
                 r"price\s+to\s+the\s+public\s+(?:of|was|is)\s*$", clause[-60:], re.I):
        return "purchase"
    if _CONVERSION_LEFT.search(clause[-90:]):
        return "conversion"
    if _EXERCISE_LEFT.search(clause[-240:]):
        return "exercise"
    return "purchase"


def _per_unit(text: str, q: Quantity) -> str | None:
    m = _PER.match(text[q.end:q.end + 60])
    return m.group("unit").lower() if m else None


def _bind_prices(text: str, mentions: list[_Mention], money: list[Quantity]) -> None:
    for q in money:
        if q.currency not in (None, "USD") or q.value >= 100_000:
            continue
        unit = _per_unit(text, q)
        left = text[max(0, q.start - 60):q.start]
        per_before = re.search(r"price\s+per\s+(?P<u>(?:pre-funded\s+)?(?:share|unit|warrant|note|ADS)\w*)\s+(?:of|was|is|equal\s+to)\s*$",
                               left, re.I)
        if unit is None and per_before:
            unit = per_before.group("u").lower()
        if unit is None:
            if not (_PURCHASE_PRICE_LEFT.search(left) or re.search(r"exercise\s+price\s+of\s*$", left, re.I)
                    or re.search(r"conversion\s+price\s+of\s*$", left, re.I)):
                continue
            if q.value >= 1000:
                continue
        kind = _price_kind(text, q)
        if kind is None:
            continue
        target = _price_target(mentions, q, kind, unit)
        if target is None:
            continue
        if kind == "exercise":
            if target.exercise is None:
                target.exercise, target.exercise_q = q.value, q
        elif kind == "conversion":
            if target.conversion is None:
                target.conversion, target.conversion_q = q.value, q
        elif target.price is None:
            target.price, target.price_q = q.value, q


def _stated_values(text: str, mentions: list[_Mention], money: list[Quantity]) -> None:
    """Preferred stock's aggregate stated value: shares times the stated value per share."""
    for q in money:
        if not re.search(r"stated\s+value\s+(?:of\s+)?(?:per\s+share\s+of\s+)?$", text[max(0, q.start - 30):q.start], re.I):
            continue
        for m in reversed([m for m in mentions if m.start < q.start and m.security_type == "preferred_stock"]):
            if m.shares and m.principal is None:
                m.principal = q.value * m.shares
            break


def _fits(m: _Mention, kind: str, unit: str | None) -> bool:
    if kind == "exercise":
        return m.security_type in ("warrant", "pre_funded_warrant", "option", "right") or m.is_unit
    if kind == "conversion":
        return m.security_type in ("convertible_note", "preferred_stock", "note")
    if unit and "unit" in unit:
        return m.is_unit
    if unit and "warrant" in unit:
        return m.security_type in ("warrant", "pre_funded_warrant")
    return m.security_type in ("common_stock", "preferred_stock", "unit", "pre_funded_warrant") or m.is_unit


def _price_target(mentions: list[_Mention], q: Quantity, kind: str, unit: str | None) -> _Mention | None:
    before = [m for m in mentions if m.start < q.start and _fits(m, kind, unit)]
    if before:
        free = [m for m in before if _slot_free(m, kind)]
        if kind == "purchase" and unit and unit.startswith("share"):
            # '$3.49 per share ... and $3.4899 per pre-funded warrant': a per-share price is the stock's
            stock = [m for m in free if m.security_type != "pre_funded_warrant"]
            free = stock or free
        return (free or before)[-1]
    after = [m for m in mentions if m.start > q.end and _fits(m, kind, unit)]
    return after[0] if after else None


def _slot_free(m: _Mention, kind: str) -> bool:
    return {"exercise": m.exercise, "conversion": m.conversion}.get(kind, m.price) is None


# ---------------------------------------------------------------------------------------------
# Units

_UNIT_COMPOSITION = re.compile(
    r"(?:each\s+(?:\w+\s+)?unit|units?\s*(?:\([^)]{0,40}\))?,?\s+each)\s+(?:consist(?:s|ing)\s+of|compris(?:es|ing)|is\s+comprised\s+of|"
    r"(?:will\s+)?consist\s+of|(?:is\s+)?made\s+up\s+of|includes?)\s+(?P<body>[^;]{0,400})",
    re.IGNORECASE,
)
_RATIO_ITEM = re.compile(
    r"(?P<r>one[- ]half|one[- ]third|one[- ]quarter|one[- ]fourth|half|one|two|three|four|five|\d+(?:\.\d+)?)"
    r"(?:\s*\(\d+(?:\.\d+)?\))?\s+(?:of\s+one\s+|\(\d/\d\)\s+of\s+one\s+)?"
    r"(?:(?:whole|redeemable|share\s+purchase|common\s+stock\s+purchase|pre-funded|(?-i:[A-Z][\w-]*))\s+){0,3}"
    r"(?P<noun>warrants?|shares?|rights?)\b",
    re.IGNORECASE,
)


def _expand_units(text: str, mentions: list[_Mention], following: str = "") -> None:
    """A unit becomes its parts (per the labels): the share row carries the unit price; each warrant
    row carries the stated ratio times the unit count."""
    units = [m for m in mentions if m.is_unit]
    if not units:
        return
    comp = _UNIT_COMPOSITION.search(text) or _UNIT_COMPOSITION.search(following)
    for u in units:
        u.security_type = "common_stock"
        u.is_unit = True
        if u.price is None and u.unit_price is not None:
            u.price = u.unit_price
        if comp is None:
            continue
        exercise, exercise_q = u.exercise, u.exercise_q
        u.exercise = u.exercise_q = None
        for item in _RATIO_ITEM.finditer(comp.group("body")):
            noun = item.group("noun").lower()
            ratio = fraction_word(item.group("r").replace(" ", "-"))
            if ratio is None or not noun.startswith("warrant") or u.shares is None:
                continue
            w = _Mention("warrant", "warrant (part of units)", u.end, u.end, shares=int(u.shares * ratio),
                         count_q=u.count_q, exercise=exercise, exercise_q=exercise_q)
            mentions.append(w)
            break


# ---------------------------------------------------------------------------------------------
# Drafts to transactions


def _add_mention(draft: _Draft, m: _Mention, s: Sentence) -> None:
    sec = Security(security_type=m.security_type, security_title=m.title, shares=m.shares,
                   price_per_share=m.price, exercise_price=m.exercise, conversion_price=m.conversion,
                   principal_amount=m.principal, evidence_start=s.start, evidence_end=s.end)
    if m.surrendered_q is not None:
        draft.aggregates.append((m.surrendered_q, s, "stated"))
    for name, q in (("shares", m.count_q), ("principal_amount", m.principal_q), ("price_per_share", m.price_q),
                    ("exercise_price", m.exercise_q), ("conversion_price", m.conversion_q)):
        if q is not None and getattr(sec, name) is not None:
            sec.field_evidence.append(Evidence(name, q.text, s.start + q.start, s.start + q.end))
    _merge_security(draft, sec, s)


def _same(a: Security, b: Security) -> bool:
    debt = ("note", "convertible_note")
    if a.security_type in debt and b.security_type in debt and (_bare_title(a) or _bare_title(b)):
        return True
    if a.security_type != b.security_type:
        return False
    if a.shares is not None and b.shares is not None:
        return abs(a.shares - b.shares) <= 0.01 * max(a.shares, b.shares)
    if a.principal_amount is not None and b.principal_amount is not None and not (_bare_title(a) or _bare_title(b)):
        return a.principal_amount == b.principal_amount and _title_key(a) == _title_key(b)
    if a.security_type in ("note", "convertible_note"):
        if _bare_title(a) or _bare_title(b):
            return True
        return _title_key(a) == _title_key(b)
    return True


def _bare_title(s: Security) -> bool:
    """'the Debentures': a defined term that refers back to a series already named."""
    return bool(re.fullmatch(r"(?:\d{4}\s+|Senior\s+|New\s+)?(?:Notes?|Debentures?|Bonds?)", (s.security_title or "").strip()))


def _round_number(n: int) -> bool:
    """4,300,000 reads as a rounded '4.3 million'; 4,315,062 is exact."""
    return n % 10_000 == 0


def _title_key(s: Security) -> str:
    t = (s.security_title or "").lower()
    rate = re.search(r"\d+(?:\.\d+)?%|floating", t)
    due = re.search(r"due\s+(?:\w+\s+\d+,\s+)?(\d{4})", t)
    return f"{rate.group(0) if rate else ''}|{due.group(1) if due else ''}"


def _merge_security(draft: _Draft, sec: Security, s: Sentence) -> None:
    for old, old_s in draft.securities:
        if (old.security_type == sec.security_type and old_s != s and old.shares and sec.shares
                and sec.shares < old.shares and re.search(r"(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)", sec.security_title or "")):
            sec.shares = None
            sec.field_evidence = [e for e in sec.field_evidence if e.field != "shares"]
            break
    for k, (old, old_s) in enumerate(draft.securities):
        if (old.security_type == sec.security_type == "common_stock" and old_s != s and old.shares and sec.shares
                and "unit" not in f"{old.security_title} {sec.security_title}".lower()):
            keep, other = (old, sec) if old.shares >= sec.shares else (sec, old)
            for name in ("price_per_share",):
                if getattr(keep, name) is None and getattr(other, name) is not None:
                    setattr(keep, name, getattr(other, name))
                    keep.field_evidence.extend(e for e in other.field_evidence if e.field == name)
            draft.securities[k] = (keep, old_s if keep is old else s)
            return
    for old, _ in draft.securities:
        if _same(old, sec):
            if old.shares and sec.shares and old.shares != sec.shares and _round_number(old.shares) and not _round_number(sec.shares):
                old.shares = sec.shares
                old.field_evidence = [e for e in old.field_evidence if e.field != "shares"] + \
                    [e for e in sec.field_evidence if e.field == "shares"]
            for name in ("shares", "price_per_share", "exercise_price", "conversion_price", "principal_amount",
                         "expiration_date", "expiration_term"):
                if getattr(old, name) is None and getattr(sec, name) is not None:
                    setattr(old, name, getattr(sec, name))
                    old.field_evidence.extend(e for e in sec.field_evidence if e.field == name)
            return
    draft.securities.append((sec, s))


class _SentenceIndex:
    """The sentences a deal's context is drawn from, with what _context_sentences asks of each of
    them computed once per filing rather than once per deal and call."""
    __slots__ = ("all_sentences", "region_of", "regions", "recap_keys")

    def __init__(self, all_sentences: list[tuple[Region, Sentence]]):
        self.all_sentences = all_sentences
        self.region_of: dict[tuple[int, int], Region] = {}
        for region, s in all_sentences:
            self.region_of[(s.start, s.end)] = region
        self.regions = {r for r, _ in all_sentences}
        self.recap_keys = {(s.start, s.end) for _, s in all_sentences if _PREVIOUSLY_REPORTED.match(s.text)}


_PUBLIC_OFFERING = re.compile(r"public\s+offering", re.I)
_PREVIOUSLY_REPORTED = re.compile(r"\W*As\s+previously\s+(?:reported|disclosed|announced)", re.I)


def _finish(draft: _Draft, index: _SentenceIndex, text: str, ref_date: dt.date | None,
            company_name: str | None, owned_elsewhere: set[tuple[int, int]]) -> Transaction:
    tx = Transaction(offering_type=draft.kind, source_item=draft.source_item)
    all_sentences = index.all_sentences
    context = _context_sentences(draft, index)
    wide = [x for x in _context_sentences(draft, index, owned_elsewhere) if (x.start, x.end) not in owned_elsewhere]
    context_text = " ".join(s.text for s in context)
    context_folded = _folded(context_text)
    _set_registration(tx, wide, draft.sentences)
    _set_dates(tx, draft, context, all_sentences, ref_date)
    _set_aggregate(tx, draft, wide)
    _set_purchasers(tx, draft, company_name, text)
    _set_followups(tx, draft, wide, owned_elsewhere)
    _price_table(tx, draft, wide)
    if tx.registration == "unknown" and draft.source_item == "3.02":
        tx.registration = "exempt"
    if tx.offering_type == "sale":
        tx.offering_type = "private_placement" if tx.registration != "registered" else \
            "registered_direct" if tx.purchasers or "underwrit" not in context_folded else "public_offering"
    if tx.offering_type == "other":
        tx.offering_type = _offering_type_from_context(context_text, tx)
    if tx.offering_type == "other" and all(sec.security_type in ("note", "convertible_note") for sec, _ in draft.securities):
        tx.offering_type = "debt_financing"
    if tx.offering_type == "public_offering" and tx.registration == "registered" and tx.purchasers and \
            not ("underwrit" in context_folded or "offering" in context_folded and _PUBLIC_OFFERING.search(context_text)):
        tx.offering_type = "registered_direct"
    if tx.offering_type == "private_placement" and tx.registration == "unknown":
        tx.registration = "exempt"
    tx.securities = [sec for sec, _ in draft.securities]
    return tx


def _offering_type_from_context(context_text: str, tx: Transaction) -> str:
    kind = _kind_of(context_text)
    if kind:
        return kind
    if tx.registration == "registered":
        return "registered_direct" if tx.purchasers else "public_offering"
    if tx.registration == "exempt":
        return "private_placement"
    return "other"


def _context_sentences(draft: _Draft, index: _SentenceIndex,
                       owned_elsewhere: set[tuple[int, int]] | None = None) -> list[Sentence]:
    """The deal's sentences and the ones around them: its own items, and the items and exhibits no
    other deal in the filing speaks in (terms often follow in Item 8.01 or the press release)."""
    keys = {(s.start, s.end) for s in draft.sentences}
    out: list[Sentence] = []
    region_of = index.region_of
    regions_used = {region_of[k] for k in keys if k in region_of}
    if owned_elsewhere is None:
        claimed = index.regions
    else:
        claimed = {region_of[k] for k in owned_elsewhere if k in region_of}
    recap_keys = index.recap_keys
    for region, s in index.all_sentences:
        if (region in regions_used or region not in claimed) and (s.start, s.end) not in recap_keys:
            out.append(s)
    return out


@per_filing()
def _kind_of(text: str) -> str | None:
    low = _folded(text)
    for kind, words, pat in _KIND_PATTERNS:
        if search_gated(pat, text, low, words, _KIND_STARTS.get(kind)):
            return kind
    return None


# A word every match of the pattern holds (see numbers.lacks).
_REGISTERED_WORDS = ("regist", "s-1", "s-3", "f-1", "f-3", "prospectus", "462", "underwritten", "public", "ipo")
_EXEMPT_WORDS = ("section", "regulation", "rule", "exempt", "registered", "private", "accredited")
_CITE_WORDS = ("section", "rule", "regulation")
# The words their matches begin with (see gated.search_from).
_REGISTERED_STARTS = ("regist", "form", "shelf", "prospectus", "rule", "underwritten", "initial", "ipo", "effective",
                      "public")
_EXEMPT_STARTS = ("section", "regulation", "rule", "exempt", "not", "private", "unregistered", "accredited")


@per_filing()
def _says_registered(text: str) -> bool:
    return _registered_match(text) is not None


def _registered_match(text: str) -> re.Match[str] | None:
    return search_gated(_REGISTERED, text, _folded(text), _REGISTERED_WORDS, _REGISTERED_STARTS)


@per_filing()
def _says_exempt(text: str) -> bool:
    return search_gated(_EXEMPT, text, _folded(text), _EXEMPT_WORDS, _EXEMPT_STARTS) is not None


@per_filing()
def _exemption_cites(text: str) -> tuple[tuple[str, re.Match[str]], ...]:
    """(name, first match) of each exemption the sentence cites, in _EXEMPTION_CITES order."""
    if lacks(text, _CITE_WORDS) or not text.isascii() and not _CITE_HINT.search(text):
        return ()
    low = _folded(text)
    out = []
    for name, pat in _EXEMPTION_CITES:
        m = search_from(pat, text, low, _CITE_STARTS[name])
        if m:
            out.append((name, m))
    return tuple(out)


def _set_registration(tx: Transaction, context: list[Sentence], draft_sentences: list[Sentence]) -> None:
    reg = next((s for s in context if _says_registered(s.text)), None)
    exe = next((s for s in context if _says_exempt(s.text)), None)
    if tx.offering_type == "private_placement" or tx.offering_type == "exchange":
        reg = None
    if tx.offering_type in ("public_offering", "at_the_market"):
        exe = None if reg else exe
    if reg and exe:
        both = any(_says_registered(s.text) and _says_exempt(s.text) and re.search(r"registered\s+direct", s.text, re.I)
                   for s in draft_sentences)
        if both:
            tx.registration = "mixed"
        elif tx.offering_type in ("private_placement", "exchange", "acquisition_consideration", "debt_financing", "sale") \
                or any(_says_exempt(s.text) for s in draft_sentences):
            reg = None
        else:
            exe = None
    if tx.registration == "mixed":
        pass
    elif reg:
        tx.registration = "registered"
        m = _registered_match(reg.text)
        tx.field_evidence.append(Evidence("registration", m.group(0), reg.start + m.start(), reg.start + m.end()))
    elif exe:
        tx.registration = "exempt"
    cites: list[str] = []
    for s in context:
        for name, m in _exemption_cites(s.text):
            if name not in cites:
                if name == "Rule 506" and any(c.startswith("Rule 506(") for c in cites):
                    continue
                cites.append(name)
                tx.field_evidence.append(Evidence("exemption", m.group(0), s.start + m.start(), s.start + m.end()))
    if cites and tx.registration in ("exempt", "mixed", "unknown"):
        tx.exemption = "; ".join(cites)
        if tx.registration == "unknown":
            tx.registration = "exempt"


def _set_dates(tx: Transaction, draft: _Draft, context: list[Sentence],
               all_sentences: list[tuple[Region, Sentence]], ref_date: dt.date | None) -> None:
    limit_lo = ref_date - dt.timedelta(days=400) if ref_date else None
    limit_hi = ref_date + dt.timedelta(days=120) if ref_date else None

    def ok(d: dt.date) -> bool:
        return limit_lo is None or limit_lo <= d <= limit_hi

    agreement = None
    closing = None
    for s in itertools.chain(context, (x for _, x in all_sentences)):
        if agreement is not None:
            break
        for d in find_dates(s.text):
            if not ok(d.value):
                continue
            left = s.text[max(0, d.start - 160):d.start]
            if re.search(r"dated\s+(?:as\s+of\s+)?$|,\s*$", left) and _AGREEMENT_NAME.search(left[-130:]):
                agreement = (d, s)
                break
    for s in draft.sentences + context:
        for d in find_dates(s.text):
            if not ok(d.value):
                continue
            left = s.text[max(0, d.start - 60):d.start]
            right = s.text[d.end:d.end + 200]
            if re.fullmatch(r"[\W_]*(?:on\s+(?:or\s+about\s+)?)?", left, re.I):  # the sentence opens with the date
                if re.search(r"entered\s+into|agreed|execut", right[:200], re.I) and _AGREEMENT_NAME.search(right[:200]):
                    if agreement is None:
                        agreement = (d, s)
                    continue
                if re.search(r"\b(?:priced|announced\s+the\s+pricing)", right[:200], re.I):
                    if agreement is None:
                        agreement = (d, s)
                    continue
                if closing is None and _CLOSING_WORDS.search(right[:200]):
                    closing = (d, s)
                continue
            if closing is None and (re.search(r"(?:clos(?:e|ed|ing)|consummated|completed|issued|settle\w*)\s+"
                                              r"(?:\w+\s+){0,3}on\s+(?:or\s+about\s+)?$", left, re.I)
                                    or re.search(r"\b(?:clos(?:e|ing)|delivery)\b[^.;$]{0,80}?\b(?:occur|take\s+place|be\s+completed|be\s+made)\s+"
                                                 r"on\s+(?:or\s+about\s+)?$", left, re.I)
                                    or re.search(r"\b(?:expects?\s+to\s+deliver|expected\s+to\s+be\s+delivered)\b[^.;$]{0,120}?"
                                                 r"\bon\s+(?:or\s+about\s+)?$", s.text[max(0, d.start - 180):d.start], re.I)):
                closing = (d, s)
    if agreement:
        d, s = agreement
        tx.agreement_date = d.value
        tx.field_evidence.append(Evidence("agreement_date", d.text, s.start + d.start, s.start + d.end))
    if closing:
        d, s = closing
        tx.closing_date = d.value
        tx.field_evidence.append(Evidence("closing_date", d.text, s.start + d.start, s.start + d.end))


def _agreement_from_exhibit_list(tx: Transaction, draft: _Draft, exhibit_list: list[Sentence],
                                 ref_date: dt.date | None) -> None:
    """The exhibit list often dates the agreement the body only names ('Agreement and Plan of Merger,
    dated December 13, 1999'); used only when the body gives no date, and only for the kind of
    agreement the deal's own sentences name."""
    named = {m.group(0).lower().split()[0] for s in draft.sentences if "agreement" in _folded(s.text)
             for m in _AGREEMENT_NAME.finditer(s.text)}
    if not named:
        return
    for s in exhibit_list:
        for d in find_dates(s.text):
            if ref_date and not (ref_date - dt.timedelta(days=400) <= d.value <= ref_date + dt.timedelta(days=30)):
                continue
            left = s.text[max(0, d.start - 160):d.start]
            m = _AGREEMENT_NAME.search(left)
            if m and re.search(r"dated\s+(?:as\s+of\s+)?$|,\s*$", left) and m.group(0).lower().split()[0] in named:
                tx.agreement_date = d.value
                tx.field_evidence.append(Evidence("agreement_date", d.text, s.start + d.start, s.start + d.end))
                return


@per_filing()
def _aggregate_amounts(text: str) -> tuple[tuple[Quantity, bool], ...]:
    """The sentence's amounts that state a deal's total (True) or a part of it (False), in order;
    asked once per sentence, however many deals in the filing read it."""
    out: list[tuple[Quantity, bool]] = []
    for q in find_money(text):
        if q.currency not in (None, "USD"):
            continue
        left = text[max(0, q.start - 120):q.start]
        if _NET_LEFT.search(left):
            continue
        if re.match(r"\s*(?:in\s+)?(?:aggregate\s+)?principal\s+amount", text[q.end:q.end + 40], re.I):
            continue
        if _per_unit(text, q):
            continue
        if re.search(r"\b(?:each|per|every)\s*$", left, re.I):
            continue
        if re.search(r"\b(?:increase|decrease|adjust|reduc|termination\s+fee|fee)\w*\b[^$]{0,60}$", left, re.I):
            continue
        if re.match(r"\s+(?:equity\s+)?(?:investment|private\s+placement|registered\s+direct\s+offering|"
                    r"(?:underwritten\s+)?(?:public\s+)?offering|financing)\b", text[q.end:q.end + 40], re.I) \
                and not re.search(r"\b(?:previous|prior|earlier|additional|up\s+to)\b[^$]{0,20}$", left, re.I):
            out.append((q, True))
            continue
        if _AGGREGATE_LEFT.search(left):
            out.append((q, not re.search(r"for\s+(?:a\s+)?purchase\s+price\s+of\s*$", left, re.I)))
    if out and _negative_sentence(text):  # asked last: most sentences hold no amount to veto
        return ()
    return tuple(out)


def _set_aggregate(tx: Transaction, draft: _Draft, context: list[Sentence]) -> None:
    totals: list[tuple[Quantity, Sentence]] = []
    parts: list[tuple[Quantity, Sentence]] = []
    own = set(draft.sentences)
    for s in draft.sentences + [c for c in context if c not in own]:
        for q, total in _aggregate_amounts(s.text):
            (totals if total else parts).append((q, s))
    chosen: list[tuple[Quantity, Sentence]] = []
    first_sentence_totals = [t for t in totals if totals and t[1] == totals[0][1]]
    priced_parts = [t for t in first_sentence_totals if re.search(
        r"for\s+(?:a|an)\s+aggregate\s+purchase\s+price\s+of\s*$", t[1].text[max(0, t[0].start - 60):t[0].start], re.I)]
    if len(priced_parts) >= 2:
        chosen = priced_parts
    elif totals:
        chosen = [totals[0]]
    elif draft.aggregates:
        chosen = [(q, s) for q, s, _ in draft.aggregates[:1]]
    elif parts:
        first_sentence = parts[0][1]
        chosen = [p for p in parts if p[1] == first_sentence]
    if not chosen:
        return
    tx.aggregate_consideration = sum((q.value for q, _ in chosen), Decimal(0))
    for q, s in chosen:
        tx.field_evidence.append(Evidence("aggregate_consideration", q.text, s.start + q.start, s.start + q.end))


def _set_purchasers(tx: Transaction, draft: _Draft, company_name: str | None, text: str) -> None:
    """Named buyers for their own account, each with the span where the filing writes the name.

    Grammar (the rules read the deal's own sentences; short names defined anywhere in the filing are
    looked up): 'issued/sold ... to LIST'; 'entered into a securities purchase (subscription, exchange,
    investment) agreement with LIST'; 'agreement ... among the Company, LIST'; 'LIST (has) agreed to
    purchase / purchased / subscribed for ... shares'; 'purchased by LIST'; 'acquisition of ... from LIST'
    and 'loan ... from LIST'; 'Mr. NAME purchased'; 'the stockholders of T received ... shares' with T's
    holders named elsewhere ('T and its sole stockholder, NAME'). A role or group may come before the
    list ('to the Company's sponsor, X', 'to the shareholders of T, X and Y', 'to certain investors,
    including X'). A LIST item is a company or fund name ending in a legal or fund suffix, a person's
    name, a short name the filing defines for either ('(the "Sponsor")', '(collectively, the
    "Purchasers")'), or a capitalised name listed beside such names. Left out: the registrant,
    intermediaries ('as placement agent', '(the "Underwriters")', ', the placement agent,'), payees of
    fees, and funds named only through their manager or affiliate ('certain funds managed by X');
    'X and certain of its affiliates' names X."""
    terms = _Lazy(lambda: _party_terms(text, company_name))
    found: list[tuple[int, str, int, int]] = []  # (where the deal names it, name, evidence span)
    for s in draft.sentences:
        for name, start, end, at in _purchasers_in(s.text, terms, company_name):
            found.append((s.start + at, name, -start - 1, end) if start < 0 else
                         (s.start + at, name, s.start + start, s.start + end))
    found.extend((start, name, start, end) for name, start, end in _holders_received(draft, text, company_name))
    found.sort(key=lambda x: x[0])  # in the order the deal's sentences name them
    names: list[str] = []
    seen: set[str] = set()
    for _, name, start, end in found:
        k = _name_key(name)
        if not k or k in seen:
            continue
        seen.add(k)
        names.append(name)
        tx.field_evidence.append(Evidence("purchasers", text[start:end], start, end))
    tx.purchasers = names


# A word of a name: 'Castle', 'VIII', '2176423', 'Multi-Cinema', 'H.C.', 'O'Brien', '&'.
_NW = r"(?:[A-Z0-9][\w.&'’/-]*|&)"
_CORP_SUFFIX = (r"(?:Inc|INC|Incorporated|Ltd|LTD|Limited|LLC|L\.L\.C|L\.P|LP|LLP|Co|CO|Corp|CORP|Corporation|N\.A|plc|PLC|S\.A|"
                r"N\.V|B\.V|AG|GmbH|SE|S\.a\.r\.l|Jr|Sr)\b\.?")
# One list item: 'Warburg Pincus Private Equity VIII, L.P.', 'the Sponsor', 'Mr. John E. (Jack) Feltl'.
_ITEM = (rf"(?:(?:each|both|all)\s+of\s+)?(?:the\s+)?(?:(?:Mr|Ms|Mrs|Dr)\.\s+)?"
         rf"(?:{_NW}(?:\s+{_NW})?(?:,\s+{_NW}){{1,3}}\s+&\s+{_NW}|{_NW})"  # 'Goldman, Sachs & Co.' is one name
         rf"(?:\s+(?:{_NW}|(?:(?:of|de|du|la|van|von|der|for)(?:\s+the)?|the)(?=\s+[A-Z0-9]))|,?\s+{_CORP_SUFFIX})*")
_SEP = r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and/or|and|or)\s+)"
_LIST = re.compile(rf"{_ITEM}(?:{_SEP}{_ITEM})*")
_ITEM_RX = re.compile(_ITEM)
_AFFILIATES_TAIL = r"(?:\s*,?\s*(?:and|or)\s+(?:certain\s+(?:of\s+)?)?(?:its|their)\s+(?:\w+\s+)?affiliat\w*(?:\s+\w+)?)?"
_LIST_TO_END = re.compile(rf"(?P<list>{_ITEM}(?:{_SEP}{_ITEM})*){_AFFILIATES_TAIL}\s*,?\s*")
_ITEM_TO_END = re.compile(rf"(?P<list>{_ITEM})\s*,?\s*")
_NAME_START = re.compile(r"(?<![\w.&'’/-])[A-Z0-9]")


def _list_ending(text: str, end: int, span: int = 300, pattern: re.Pattern[str] = _LIST_TO_END) -> re.Match[str] | None:
    """The longest list (or item) of names that ends right at `end`: tried only from the capitalised words
    before it, not from every character (a search anchored at '$' rescans the window from each position)."""
    for m in _NAME_START.finditer(text, max(0, end - span), end):
        lm = pattern.fullmatch(text, m.start(), end)
        if lm is not None:
            return lm
    return None


_PERSON_NAME = re.compile(
    r"(?:(?:Mr|Ms|Mrs|Dr)\.\s+)?[A-Z][a-z]+(?:\s+(?:[A-Z]\.|[A-Z][a-z]+|\([A-Z][a-z]+\))){0,2}"
    r"\s+(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:,?\s+(?:Jr|Sr)\.?|,?\s+I{2,3}|,?\s+IV)?")
# Capitalised words of filings that are not parts of a person's name.
_NOT_NAME_WORDS = frozenset("""
    Act Agreement Agreements Amendment Annual April Association August Avenue Bank Board Business Capital Certificate
    Chairman Chief Class Closing Combination Commission Common Company Convertible Corporate Credit Date Debenture
    Debentures December Delaware Department Director Directors Effective Equity Exchange Executive Exhibit February
    Federal Financial Form Fund General Global Group Holdings Initial Investment Investor Investors Item January July
    June Letter Limited Loan Management March Market May Meeting Merger New Note Notes November October Offering
    Officer Operating Partners Placement Plan Preferred President Private Promissory Public Purchase Purchaser
    Purchasers Registrant Registration Regulation Rights Rule Secretary Section Secured Securities Senior September
    Series Share Shares Sponsor State States Statement Stock Street Subscription Subordinated Term Treasurer
    Trust Unit Units United Vice Warrant Warrants York Qualified Institutional Buyer Buyers Accredited Holder Holders
    Lender Lenders Persons Stockholder Stockholders Shareholder Shareholders Seller Sellers Member Members Noteholders
    Subscriber Subscribers Participants Employees Consultants Affiliates Agent Agents Underwriter Underwriters
    Representative Representatives Selling Permitted Transferees Approval Conditions Court Bankruptcy Plan Debtors
""".split())
# Defined short names that are roles, not buyers (or the registrant itself).
_ROLE_TERM = re.compile(
    r"^(?:Company|Registrant|Issuer|Parent|Borrower|Buyer's\s+Agent|Underwriters?|Representatives?|(?:Placement\s+|Sales\s+|"
    r"Selling\s+|Warrant\s+|Escrow\s+|Transfer\s+|Collateral\s+|Administrative\s+)?Agents?|Trustee|Initial\s+Purchasers?|"
    r"Dealers?|Dealer[- ]Managers?|Managers?|Arrangers?|Lenders?\s+Agent)$")
_ROLE_PAREN = re.compile(r"^\s*\([^()]{0,80}?(?:Underwriter|Agent|Representative|Initial\s+Purchaser|Dealer|Trustee|"
                         r"Manager|Arranger)", re.I)
# 'Roth Capital Partners, LLC, the placement agent, ...': a name followed by its intermediary role
_ROLE_APPOSITIVE = re.compile(
    r"^\s*,\s+(?:(?:the|our|its|their|an?)\s+)?(?:(?:exclusive|sole|lead|joint|co-?)[\s-]+)*(?:(?:lead\s+)?placement\s+agent|"
    r"underwriters?|representatives?|(?:sales|selling|warrant|escrow|transfer|paying|administrative|collateral)\s+agent|"
    r"initial\s+purchasers?|trustee|(?:book-?running\s+)?managers?|dealer[- ]managers?|financial\s+advisor|nominee)\b", re.I)
_INTERMEDIARY_SENTENCE = re.compile(r"underwrit|initial\s+purchasers?|placement\s+agen|sales\s+agen|\bdealers?\b|"
                                    r"dealer[- ]manager|over-?allotment", re.I)
_SALE_CUE = re.compile(r"\b(?:issu(?:e|ed|es|ing|ance)|s(?:old|ell|ells|elling|ale)|placed|purchase\s+agreements?|"
                       r"subscription|investment\s+agreements?|exchange\s+agreements?)\b", re.I)
_BUYER_AGREEMENT = re.compile(
    r"\b(?:(?:securities|stock|share|unit|note|notes|debenture|warrants?|subscription|exchange|investment|purchase|"
    r"backstop|forward\s+purchase|preferred\s+stock)[\w\s/-]{0,30}?agreements?|subscriptions?)"
    r"[^.;()]{0,120}?$", re.I)
_NOT_BUYER_AGREEMENT = re.compile(r"underwrit|placement\s+agency|agency\s+agreement|sales\s+agreement|distribution|"
                                  r"dealer|credit|loan|indenture|employment|consulting|license|lease", re.I)
_UNNAMED_BEFORE = re.compile(
    r"(?:(?:certain|various|several|its|their)\s+[^,;()]{0,40}?)?(?:funds?|entities|accounts|vehicles|investors|clients)"
    r"\s+(?:(?:that\s+are\s+)?(?:affiliated\s+with|managed|advised|controlled)(?:\s+(?:with|by))?"
    r"(?:\s+or\s+(?:managed|advised|controlled)\s+by)?)\s*$", re.I)
_BUYER_VERB = re.compile(
    r"\s+(?:(?:has|have|had|each|also|severally|collectively|will|shall|would|then)\s+)*(?:agreed\s+to\s+)?"
    r"(?:purchased?|subscribed?(?:\s+for)?|acquired?|bought|invested)\b(?=[^.;]{0,100}?\b(?:shares|stock|units|"
    r"warrants|notes|debentures|securities|preferred)\b)")
# 'to the Company's sponsor, NAME', 'to our Chairman, NAME', 'to certain investors, including NAME'
_ROLE_BEFORE_NAME = re.compile(
    r"(?:(?:the\s+Company['’]s|the\s+Registrant['’]s|our|its|their)\s+(?:[\w-]+\s+){0,4}?[\w-]+,\s+|"
    r"(?:the\s+)?(?:sole\s+|former\s+|two\s+|three\s+)?(?:stock|share|equity|unit|member)holders?\s+of\s+"
    rf"{_ITEM},\s+|"
    r"(?:certain|several|a\s+group\s+of|\w+)\s+(?:[\w-]+\s+){0,3}?(?:investors|purchasers|holders|stockholders|"
    r"shareholders|directors|officers|affiliates|funds|entities|persons|individuals),?\s+including\s+)")
# 'acquired ... from NAME' (the seller takes the shares), 'borrowed $X from NAME' (the lender takes the note)
_FROM_SELLER = re.compile(r"\b(?:acquired?|acquisition\s+of|borrowed|loans?|advanced|received\s+(?:an?\s+)?(?:loan|advance|"
                          r"investment|funding))\b(?:[^.;]|\.(?!\s+[A-Z])){0,150}?\bfrom\s+")
_BY_BUYER = re.compile(r"\b(?:purchased|acquired|subscribed(?:\s+for)?|bought)\s+by\s+")
_TO_BUYER = re.compile(r"\bto\s+")
# 'cash payments to X ... in exchange for the issuance of 275,000 shares': the creditor takes the shares
_OWED_TO = re.compile(r"\b(?:payments?|amounts?|obligations?|balances?|owed|owing|due|payable|indebtedness|debts?)\s*$", re.I)
_SETTLED_BY_ISSUANCE = re.compile(r"\bin\s+(?:consideration\s+and\s+)?(?:exchange|satisfaction|settlement)\s+(?:for|of)\s+"
                                  r"(?:the\s+)?(?:issuance|shares|\d[\d,.]*\s+shares)", re.I)
# 'pursuant to', 'subject to', 'paid to X a fee', 'transferred to X': a 'to' that does not name a buyer
_NOT_A_SALE_TO = re.compile(
    r"\b(?:prior|pursuant|according|due|relating|related|subject|similar|equal|up|compared|addition|respect)\s*$|"
    r"\b(?:pa(?:y|id|yable|yment)|fees?|commissions?|reimburse\w*|expenses|granted|assigned|transferred|distributed|"
    r"provided|sent|furnished|announced|disclosed|reported|filed|submitted|referred|applicable)\b[^,;]{0,60}$", re.I)
_WITH_BUYER = re.compile(r"\bwith\s+")
_AMONG = re.compile(r"\b(?:by\s+and\s+)?(?:among|between)\s+")


def _buyer_agreement_before(before: str) -> bool:
    """'entered into a securities purchase agreement (the "SPA") and a registration rights agreement with':
    a buyer's agreement names the list that follows; an underwriting or placement agency agreement does not."""
    before = re.split(r"[;]|\.\s+(?=[A-Z])", before)[-1]
    if not _BUYER_AGREEMENT.search(before):
        return False
    last = list(re.finditer(r"(?:[\w/-]+\s+){0,5}agreements?\b", before, re.I))
    return not (last and _NOT_BUYER_AGREEMENT.search(last[-1].group(0)))


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _blank(text: str) -> str:
    """Parenthetical asides blanked to spaces (offsets kept): names are read around '("AMC")'."""
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    return text


_APPOSITIVE = re.compile(
    r",\s+(?:an?\s|(?:the|its|our|their|his|her)\s+(?:[a-z]|Company['’]s|Registrant['’]s|Chief|Chairman|President|"
    r"Vice|Director|Executive|Managing|General|Senior|Founder|Treasurer|Secretary|CEO|CFO|former|sole))[^,;]*")


def _clean_item(item: str) -> str:
    item = re.sub(r"^(?:(?:each|both|all)\s+of\s+)?(?:the\s+)?", "", item.strip())
    item = re.split(r"(?<=[a-z]{2}\.)\s+(?=[A-Z])", item)[0]  # 'Cooper. The stockholders': the sentence ended
    item = item.rstrip(" ,;:")
    if item.endswith(".") and not re.search(r"(?:\b(?:Inc|INC|Ltd|LTD|Co|CO|Corp|CORP|Jr|Sr)|\b[A-Z](?:\.[A-Z])*)\.$", item):
        item = item[:-1]
    return item


def _is_person(name: str) -> bool:
    if not _PERSON_NAME.fullmatch(name):
        return False
    words = re.findall(r"[A-Z][a-z]+", re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.\s+", "", name))
    return bool(words) and not any(w in _NOT_NAME_WORDS for w in words)


def _is_entity(name: str) -> bool:
    return bool(_ENTITY_SUFFIX.search(name)) and not _NOT_PURCHASER.match(name) and len(name) < 90 and \
        bool(re.match(r"[A-Z0-9]", name))


def _peer_name(name: str) -> bool:
    """'Capital Venture International' listed beside 'Castle Creek Technology Partner LLC': a name without a
    suffix, taken only as a party beside suffixed names."""
    return bool(re.fullmatch(rf"{_NW}(?:\s+(?:{_NW}|of|the|de|for)){{1,6}}", name)) and \
        any(w not in _NOT_NAME_WORDS for w in re.findall(r"[A-Z][a-z]+", name)) and not _NOT_PURCHASER.match(name) and \
        not re.search(r"\d{4}|Agreement|Stock|Shares?\b|Notes?\b|Warrants?\b|Units?\b|Act\b", name)


def _display(name: str) -> str:
    """'Mr. John E. (Jack) Feltl' -> 'John E. Feltl' (title and nickname are not the name)."""
    name = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.\s+", "", name)
    return " ".join(re.sub(r"\s\([A-Z][a-z]+\)", "", name).split())


def _head_before(text: str, at: int) -> tuple[str, int, int] | None:
    """The name written right before a definition's '(' at `at`: 'Mudrick ... Holdings LLC (the "Sponsor")',
    '2176423 Ontario Limited, an entity affiliated with Eric Sprott ("Sprott")' -> the entity."""
    window_start = max(0, at - 300)
    window = _blank(text[window_start:at])
    m = None if ", a" not in window else re.search(rf"(?P<ent>{_ITEM}),\s+an?\s+(?:entity|fund|affiliate|company|vehicle|investment\s+\w+)\b[^,;]{{0,60}}?"
                  rf"\b(?:affiliated\s+with|controlled\s+by|managed\s+by|advised\s+by|of)\s+{_ITEM}\s*,?\s*$", window)
    if m is None and ", a" in window:  # 'YA II PN, Ltd., a Cayman Islands exempted limited partnership (the "Investor")'
        m = re.search(rf"(?P<ent>{_ITEM}),\s+an?\s+[^,;]{{0,80}}?(?:company|corporation|partnership|fund|trust|entity|"
                      rf"individual|investor|organized\s+under[^,;]*|formed\s+under[^,;]*)\s*,?\s*$", window)
    if m is None:
        m = _list_ending(window, len(window), pattern=_ITEM_TO_END)
    if m is None:
        return None
    raw = m.group(1)
    # the run may start with sentence words ('On', 'As') or titles: keep the name's own words
    for _ in range(8):
        item = _clean_item(raw)
        if _is_entity(item) or _is_person(item):
            lead = raw.find(item)
            start = window_start + m.start(1) + lead
            return item, start, start + len(item)
        cut = re.match(r"\S+\s+", raw)
        if cut is None:
            return None
        raw = raw[cut.end():]
    return None


@per_filing(maxsize=8)
def _party_terms(text: str, company_name: str | None) -> dict[str, list[tuple[str, int, int]]]:
    """Short names the filing defines for parties: 'Mudrick Capital Acquisition Holdings LLC (the "Sponsor")'
    -> {'Sponsor': [(name, start, end)]}; '... LIST (collectively, the "Purchasers")' and '("Sprott" and
    together with AMC, the "Purchasers")' -> every named party; funds named only through their manager -> []."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    collective: list[tuple[str, int, str]] = []
    for m in re.finditer(r"\((?P<inner>[^()]{0,240})\)", text):
        inner = m.group("inner")
        quoted = list(re.finditer(r"[\"“”]\s*(?P<t>[A-Z][\w&.'’ /-]{0,40}?)\s*[\"“”]", inner))
        if not quoted:
            continue
        first = quoted[0]
        if _ROLE_TERM.match(first.group("t")) and first.group("t") not in ("Company", "Registrant", "Issuer", "Parent"):
            continue
        lead = inner[:first.start()]
        if re.fullmatch(r"\s*(?:collectively|together)[\s,]*(?:the\s+)?|\s*(?:each\s+)?(?:the\s+)?", lead or "", re.I) is None:
            continue
        if re.search(r"collectively|together", lead, re.I):
            collective.append((first.group("t"), m.start(), ""))
        else:
            head = _head_before(text, m.start())
            if head is not None and first.group("t") not in out:
                out[first.group("t")] = [head]
        for q in quoted[1:]:
            between = inner[first.end():q.start()]
            together = re.search(r"together\s+with\s+(?P<others>.+?)[,\s]*(?:the\s+)?$", between, re.I)
            if together and q.group("t") not in out:
                collective.append((q.group("t"), m.start(), first.group("t") + " and " + together.group("others")))
    for term, at, spelled in collective:
        if term in out:
            continue
        names: list[tuple[str, int, int]] = []
        if spelled:
            for part in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", spelled):
                names.extend(out.get(_clean_item(part), []))
        else:
            window_start = max(0, at - 500)
            window = _blank(text[window_start:at])
            lm = _list_ending(window, len(window), 500)
            if lm is not None and not _UNNAMED_BEFORE.search(window[:lm.start("list")]):
                names = _items(window, text[window_start:at], lm.start("list"), lm.end("list"), window_start, out,
                               company_name)
        out[term] = names
    return out


def _items(masked: str, raw_text: str, start: int, end: int, base: int, terms: dict[str, list[tuple[str, int, int]]],
           company_name: str | None) -> list[tuple[str, int, int]]:
    """The buyers in a list span of `masked` (absolute offsets = base + position)."""
    out: list[tuple[str, int, int]] = []
    for im in _ITEM_RX.finditer(masked, start, end):
        raw = im.group(0)
        item = _clean_item(raw)
        if not item:
            continue
        at = base + im.start() + raw.find(item)
        after = raw_text[im.start() + raw.find(item) + len(item):][:120]
        if _INTERMEDIARY.match(after) or _ROLE_PAREN.match(after):
            continue
        if item in terms:
            out.extend(x for x in terms[item] if _buyer(x[0], company_name, _registrant_names(terms)))
        elif (_is_entity(item) or _is_person(item)) and _buyer(item, company_name, _registrant_names(terms)):
            out.append((_display(item), at, at + len(item)))
    return out


def _buyer(name: str, company_name: str | None, selves: tuple[str, ...] = ()) -> bool:
    """Not the registrant (by its name, or the name the filing defines as '(the "Company")'), not a role."""
    return not any(_same_entity(name, x) for x in (company_name, *selves) if x) and not _ROLE_TERM.match(name) and \
        not _NOT_PURCHASER.match(name)


def _registrant_names(terms: dict[str, list[tuple[str, int, int]]]) -> tuple[str, ...]:
    return tuple(name for t in ("Company", "Registrant", "Issuer", "Parent", "we", "us")
                 for name, _, _ in terms.get(t, ()))


def _purchasers_in(sentence: str, terms: _Lazy, company_name: str | None) -> list[tuple[str, int, int, int]]:
    """(name, start, end, at) in one deal sentence, `at` where the sentence names it; a name found through a
    defined term carries the span of its definition as (-(start + 1), end) (absolute offsets)."""
    masked = _blank(sentence)
    masked = _APPOSITIVE.sub(lambda m: " " * len(m.group(0)), masked)
    intermediary = bool(_INTERMEDIARY_SENTENCE.search(sentence))
    out: list[tuple[str, int, int, int]] = []
    selves = _Lazy(lambda: _registrant_names(terms()))

    def buyer(name: str) -> bool:
        return _buyer(name, company_name, selves())

    def take(list_start: int, list_end: int) -> None:
        if _UNNAMED_BEFORE.search(masked[max(0, list_start - 120):list_start]):
            return
        if _ROLE_PAREN.match(sentence[list_end:]) or _INTERMEDIARY.match(sentence[list_end:list_end + 40]) or \
                _ROLE_APPOSITIVE.match(sentence[list_end:]):
            return  # '... and Goldman, Sachs & Co. (the "Initial Purchasers")': the whole list is the role
        items: list[tuple[str, int]] = []
        for im in _ITEM_RX.finditer(masked, list_start, list_end):
            raw = im.group(0)
            item = _clean_item(raw)
            if not item:
                continue
            at = im.start() + raw.find(item)
            after = sentence[at + len(item):at + len(item) + 120]
            if not (_INTERMEDIARY.match(after) or _ROLE_PAREN.match(after) or _ROLE_APPOSITIVE.match(after)):
                items.append((item, at))
        named = any(_is_entity(item) for item, _ in items)
        for item, at in items:
            if item in terms():
                for name, s0, e0 in terms()[item]:
                    if buyer(name):
                        out.append((_display(name), -(s0 + 1), e0, at))
            elif (_is_entity(item) or _is_person(item) or (named and _peer_name(item))) and buyer(item):
                out.append((_display(item), at, at + len(item), at))

    def list_at(pos: int) -> tuple[int, int] | None:
        lead = _ROLE_BEFORE_NAME.match(masked, pos)
        lm = _LIST.match(masked, lead.end() if lead else pos)
        return (lm.start(), lm.end()) if lm else None

    for m in _TO_BUYER.finditer(masked):
        clause = masked[max(0, m.start() - 200):m.start()]
        clause = re.split(r"[;]|\.\s", clause)[-1]
        cues = list(_SALE_CUE.finditer(clause))
        settled = _OWED_TO.search(clause) and _SETTLED_BY_ISSUANCE.search(masked, m.end())
        if not settled and (not cues or _NOT_A_SALE_TO.search(clause, cues[-1].end())):  # judged after the last sale word
            continue
        if intermediary and re.search(r"underwrit|over-?allotment", clause[-80:], re.I):
            continue
        span = list_at(m.end())
        if span:
            take(*span)
    for m in _WITH_BUYER.finditer(masked):
        if not _buyer_agreement_before(masked[max(0, m.start() - 200):m.start()]):
            continue
        span = list_at(m.end())
        if span:
            take(*span)
    for m in _AMONG.finditer(masked):
        if intermediary or not _buyer_agreement_before(masked[max(0, m.start() - 200):m.start()]):
            continue
        span = list_at(m.end())
        if span:
            take(*span)
    for m in _FROM_SELLER.finditer(masked):
        span = list_at(m.end())
        if span:
            take(*span)
    for m in _BY_BUYER.finditer(masked):
        span = list_at(m.end())
        if span:
            take(*span)
    if not intermediary:
        for m in _BUYER_VERB.finditer(masked):
            lm = _list_ending(masked, m.start())
            if lm is not None:
                take(lm.start("list"), lm.end("list"))
    for m in _PERSON.finditer(sentence):
        if buyer(m.group("name")):
            out.append((m.group("name"), m.start("name"), m.end("name"), m.start("name")))
    return out


_HOLDERS_OF = re.compile(
    r"\b(?:sole\s+|former\s+|all\s+(?:of\s+)?the\s+)?(?:stock|share|equity|unit|member(?:ship)?\s+interest\s+)holders?\s+of\s+"
    r"(?P<t>[A-Z][\w&'’-]*)[^.;]{0,120}?\b(?:received?|receiving|will\s+receive|were\s+issued|was\s+issued)\b|"
    r"\b(?P<t2>[A-Z][\w&'’-]*)['’]s\s+(?:sole\s+|former\s+)?(?:stock|share|equity)holders?\b[^.;]{0,120}?"
    r"\b(?:received?|receiving|will\s+receive|were\s+issued|was\s+issued)\b")


def _holders_received(draft: _Draft, text: str, company_name: str | None) -> list[tuple[str, int, int]]:
    """'The stockholders of Innova received 521,390 shares': the holders the filing names for that
    company ('Innova Solutions, Inc. ("Innova") and its sole stockholder, Susan E. Trice'; 'John E. Feltl,
    the sole shareholder of Steichen')."""
    targets = []
    for s in draft.sentences:
        for m in _HOLDERS_OF.finditer(s.text):
            t = (m.group("t") or m.group("t2")).lower()
            if not (company_name and _same_entity(t, company_name)):
                targets.append(t)
    if not targets:
        return []
    return [x for t in dict.fromkeys(targets) for x in _named_holders(text, t)]


_HOLDERS_LIST = re.compile(
    r"\b(?:its|their|the)\s+(?:sole|only|two|three|four|five|principal|majority|controlling)?\s*"
    rf"(?:stock|share|equity)holders?(?:\s+of\s+(?P<t>{_ITEM}))?,\s+")
_HOLDER_OF = re.compile(r",\s+(?:the\s+)?(?:sole|principal|majority|controlling)\s+(?:stock|share|equity)holder"
                        r"\s+of\s+(?P<t>[A-Z][\w&'’-]*)")


@per_filing(maxsize=2)
def _holder_phrases(text: str) -> tuple[str, tuple[re.Match[str], ...], tuple[re.Match[str], ...]]:
    """The text with asides blanked and its holder phrases, found once per filing whatever the target:
    each scan of a long filing costs more than all the per-target work after it."""
    masked = _blank(text)
    if "holder" not in masked:
        return masked, (), ()
    return masked, tuple(_HOLDERS_LIST.finditer(masked)), tuple(_HOLDER_OF.finditer(masked))


@per_filing(maxsize=8)
def _named_holders(text: str, target: str) -> tuple[tuple[str, int, int], ...]:
    out: list[tuple[str, int, int]] = []
    masked, lists, sole_holders = _holder_phrases(text)
    for m in lists:
        if m.group("t"):
            if not m.group("t").lower().startswith(target):
                continue
        else:
            near = re.split(r"\.\s+(?=[A-Z])", text[max(0, m.start() - 200):m.start()])[-1]  # this sentence
            if next(_word_starts(near.lower(), target.lower()), None) is None:
                continue
        lm = _LIST.match(masked, m.end())
        if lm is None:
            continue
        for im in _ITEM_RX.finditer(masked, lm.start(), lm.end()):
            item = _clean_item(im.group(0))
            at = im.start() + im.group(0).find(item)
            if _is_person(item):
                out.append((_display(item), at, at + len(item)))
    for m in sole_holders:
        pm = _list_ending(masked, m.start(), 120, _ITEM_TO_END)
        if m.group("t").lower() != target or pm is None:
            continue
        raw = pm.group(1)
        words = raw.split()
        for k in range(len(words)):
            cand = " ".join(words[k:])
            if _is_person(_clean_item(cand)):
                item = _clean_item(cand)
                at = pm.start(1) + raw.rfind(item)
                out.append((_display(item), at, at + len(item)))
                break
    return tuple(out)


def _same_entity(a: str, b: str) -> bool:
    """Is candidate `a` the registrant `b`? A short form of the registrant's name is ('Nuance' for Nuance
    Communications, Inc.); a longer name that merely starts with it is not (its sponsor 'Mudrick Capital
    Acquisition Holdings LLC' for 'Mudrick Capital Acquisition Corporation')."""
    def key(x: str) -> str:
        return re.sub(r"[^a-z0-9]", "", re.sub(r"\b(?:inc|corp|corporation|ltd|co|company|llc|plc)\b\.?", "", x.lower()))
    ka, kb = key(a), key(b)
    return bool(ka) and (ka == kb or kb.startswith(ka) or (ka.startswith(kb) and len(ka) - len(kb) <= 2))


_PERSON = re.compile(r"\b(?:Mr|Ms|Mrs|Dr)\.\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+){1,2})\s+(?:also\s+)?"
                     r"(?:received|purchased|acquired|subscribed)")


_AGENT_WORDS = ("agent", "underwriter", "representative", "advisor", "finder", "designee")


@per_filing()
def _agent_sentence(text: str) -> bool:
    return not lacks(text, _AGENT_WORDS) and bool(_AGENT_WARRANT.search(text) or re.search(
        r"placement\s+agent|underwriter'?s?\s+warrant|representative'?s?\s+warrant", text, re.I))


def _set_followups(tx: Transaction, draft: _Draft, context: list[Sentence], owned_elsewhere: set[tuple[int, int]]) -> None:
    """Terms stated in the sentences around the issuance: 'The Units were sold at a price of $10.00 per
    Unit', 'The warrant is exercisable ... until March 8, 2006', 'The warrants have an exercise price of
    $20.00 per share and a term of four years'."""
    secs = [sec for sec, _ in draft.securities]
    base = tx.closing_date
    own_keys = {(x.start, x.end) for x in draft.sentences}
    for s in context:
        key = (s.start, s.end)
        if key in owned_elsewhere:
            continue
        agent: bool | None = None  # asked only when needed: the whole context is read for each deal
        money = () if key in own_keys else find_money(s.text)
        for q in money if money and not _negative_sentence(s.text) else ():
            if q.currency not in (None, "USD") or q.value >= 100_000:
                continue
            unit = _per_unit(s.text, q)
            left = s.text[max(0, q.start - 60):q.start]
            if unit is None and not re.search(r"(?:exercise|conversion|offering|purchase)\s+price\s+of\s*(?:approximately\s+)?$",
                                              left, re.I):
                continue
            kind = _price_kind(s.text, q)
            if kind is None:
                continue
            if kind == "exercise":
                if agent is None:
                    agent = _agent_sentence(s.text)
                if agent:
                    continue
            target = _followup_target(secs, kind, unit, s.text)
            if target is None:
                continue
            name = {"exercise": "exercise_price", "conversion": "conversion_price"}.get(kind, "price_per_share")
            setattr(target, name, q.value)
            target.field_evidence.append(Evidence(name, q.text, s.start + q.start, s.start + q.end))
            if kind == "conversion" and target.security_type == "note":
                target.security_type = "convertible_note"
        if "warrant" not in s.text.lower() or (_agent_sentence(s.text) if agent is None else agent):
            continue
        for w in secs:
            if w.security_type == "warrant" and w.expiration_date is None and w.expiration_term is None:
                _set_expiry(w, s, base)


_PRICE_ROW = re.compile(r"^\s*(?:(?:public\s+)?offering\s+price|price\s+to\s+(?:the\s+)?public|purchase\s+price)\b", re.I)


def _price_table(tx: Transaction, draft: _Draft, context: list[Sentence]) -> None:
    """The offering-price table of a prospectus cover or press release: 'Per Share | Per Pre-Funded
    Warrant | Total' over 'Offering price | $3.6100 | $3.6099 | $7,000,040.63'."""
    for k in range(1, len(context)):
        row = context[k]
        if " | " not in row.text or not _PRICE_ROW.match(row.text):
            continue
        header = context[k - 1]
        heads = [h.strip().lower() for h in header.text.split(" | ")]
        cells = row.text.split(" | ")[1:]
        if len(heads) != len(cells) or not any("per" in h or "total" in h for h in heads):
            continue
        offset = row.start + len(row.text.split(" | ")[0]) + 3
        for head, cell in zip(heads, cells):
            money = find_money(cell)
            if money:
                _apply_table_cell(tx, draft, head, money[0], row.start + row.text.index(cell, offset - row.start))
            offset += len(cell) + 3
        return


def _apply_table_cell(tx: Transaction, draft: _Draft, head: str, q: Quantity, at: int) -> None:
    secs = [sec for sec, _ in draft.securities]
    ev = Evidence("price_per_share", q.text, at + q.start, at + q.end)
    if "total" in head:
        if tx.aggregate_consideration is None:
            tx.aggregate_consideration = q.value
            tx.field_evidence.append(Evidence("aggregate_consideration", q.text, at + q.start, at + q.end))
        return
    if "pre-funded" in head or "prefunded" in head:
        pool = [x for x in secs if x.security_type == "pre_funded_warrant"]
    elif "unit" in head:
        pool = [x for x in secs if x.security_type == "common_stock" and "unit" in (x.security_title or "").lower()]
    elif "share" in head:
        pool = [x for x in secs if x.security_type in ("common_stock", "preferred_stock")]
    else:
        pool = []
    if pool and pool[0].price_per_share is None:
        pool[0].price_per_share = q.value
        pool[0].field_evidence.append(ev)


def _followup_target(secs: list[Security], kind: str, unit: str | None, text: str) -> Security | None:
    if kind == "exercise":
        pool = [x for x in secs if x.security_type in ("warrant", "pre_funded_warrant") and x.exercise_price is None]
        pf = "pre-funded" in text.lower() or "prefunded" in text.lower()
        pool = [x for x in pool if (x.security_type == "pre_funded_warrant") == pf]
    elif kind == "conversion":
        pool = [x for x in secs if x.security_type in ("convertible_note", "preferred_stock", "note")
                and x.conversion_price is None and re.search(r"conver", text, re.I)]
    elif unit and "unit" in unit:
        pool = [x for x in secs if "unit" in (x.security_title or "").lower() and x.security_type == "common_stock"
                and x.price_per_share is None]
    elif unit and "warrant" in unit:
        pool = [x for x in secs if x.security_type in ("warrant", "pre_funded_warrant") and x.price_per_share is None]
        if "pre-funded" in unit or "prefunded" in unit:
            pool = [x for x in pool if x.security_type == "pre_funded_warrant"]
    else:
        pool = [x for x in secs if x.security_type in ("common_stock", "preferred_stock") and x.price_per_share is None
                and "unit" not in (x.security_title or "").lower()]
        if len(pool) > 1:
            return None
    if not pool:
        return None
    named = [x for x in pool if x.security_title and x.security_title.lower() in text.lower()]
    return (named or pool)[0]


_EXPIRY_DATE_LEFT = re.compile(r"(?:until|through|before|expir\w*(?:\s+\w+){0,3}\s+(?:on|at)?|expiration\s+date\s+(?:of|is)|"
                               r"terminat\w*\s+on|prior\s+to)\s*(?:(?:5|five)[:.]?(?:00)?\s*p\.?m\.?[^,$]{0,40}?,?\s*)?(?:on\s+)?$", re.I)
_EXPIRY_TERM_LEFT = re.compile(r"(?:expir\w*|term\s+of|period\s+of|exercisable\s+for|until\s+the|life\s+of)[^.;$]{0,40}$", re.I)


def _set_expiry(w: Security, s: Sentence, base: dt.date | None) -> None:
    for d in find_dates(s.text):
        left = s.text[max(0, d.start - 60):d.start]
        if _EXPIRY_DATE_LEFT.search(left) and (base is None or d.value > base):
            w.expiration_date = d.value
            w.field_evidence.append(Evidence("expiration_date", d.text, s.start + d.start, s.start + d.end))
            return
    for t in find_terms(s.text):
        left = s.text[max(0, t.start - 60):t.start]
        right = s.text[t.end:t.end + 60]
        if t.years == 0 and t.months < 12:
            continue
        if _EXPIRY_TERM_LEFT.search(left) or re.match(r"\s*(?:from|after|following)\s+(?:the\s+)?(?:date|initial|issu|clos)", right, re.I) \
                and re.search(r"expir", s.text, re.I):
            _apply_term(w, t, s, base)
            return


def _apply_term(w: Security, t: Term, s: Sentence, base: dt.date | None) -> None:
    w.expiration_term = " ".join(t.text.split())
    w.field_evidence.append(Evidence("expiration_term", t.text, s.start + t.start, s.start + t.end))
    if base is not None:
        w.expiration_date = add_term(base, t)  # resolved only against the issuance (closing) date
