"""A scale mirror for the benchmarks: N 8-K filings of realistic sizes in EDGAR's own layout.

Built on `edgar8k.testing.mirror` (its filing plan, SGML headers, deal sentences and daily/quarterly
index writers are imported, not copied); what this adds is realistic bulk. EDGAR's 8-Ks come in two
eras, and the mirror mixes them:

* old plain-text submissions (1990s style: fixed-width cover page, "ITEM 5. OTHER EVENTS", a text
  press release with space-aligned tables), total size log-normal around ~18 KB;
* modern HTML submissions (styled cover table, items, an EX-99.1 press release with financial
  tables, often XBRL exhibits and uuencoded graphics that the parser must skip), log-normal around
  ~90 KB with a tail to 1.5 MB.

(Sizes calibrated on the shared corpus and on EDGAR's published full-submission sizes; the corpus
median is ~19 KB for text-era filings and several hundred KB for iXBRL ones.) By default the two
formats are mixed on every day (`mix="days"`), as 8-Ks were filed while HTML took over from plain
text (2000-2004); a run's first and last quarters then see the same documents, so the scale
benchmark's flatness test measures what a run accumulates, not a change of format half-way.
`mix="eras"` puts every text filing first instead. Many filings per day
(~255 8-Ks on a business day, as in 2000-2024), with daily form/master indexes and quarterly
full-index files. Deterministic for a seed; chunks are written by a process pool.

    .venv/bin/python benchmarks/generate_mirror.py /tmp/mirror -n 100000 [--per-day 300] [--text-share 0.35]
        [--mix days|eras]
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edgar8k.extract.edgar_index import quarter_of
from edgar8k.testing import mirror as base
from edgar8k.testing.mirror import MirrorFiling

DEFAULT_START = date(2000, 6, 1)
GENERATOR_VERSION = 1  # bump when the content written changes: reused mirrors are then rewritten

# Median and log-normal sigma of whole-submission sizes (bytes), and hard caps.
TEXT_SIZE = (18_000, 0.8, 4_000, 400_000)
HTML_SIZE = (90_000, 0.9, 10_000, 1_500_000)

_FILLER = (
    "This Current Report on Form 8-K contains forward-looking statements within the meaning of Section 27A of "
    "the Securities Act of 1933, as amended, and Section 21E of the Securities Exchange Act of 1934, as amended.",
    "Forward-looking statements are subject to risks and uncertainties that could cause actual results to differ "
    "materially, including the risks described under Risk Factors in the Company's most recent Annual Report.",
    "The Company undertakes no obligation to update any forward-looking statement, whether as a result of new "
    "information, future events or otherwise, except as required by law.",
    "Revenue for the quarter was ${a:,} thousand, compared with ${b:,} thousand in the same quarter of the prior "
    "year, an increase of {p}% driven by higher volumes in the {seg} segment.",
    "Operating expenses were ${a:,} thousand, or {p}% of revenue, reflecting continued investment in research and "
    "development and in the sales organization.",
    "Net loss attributable to common stockholders was ${a:,} thousand, or $0.{p:02d} per basic and diluted share.",
    "Cash, cash equivalents and marketable securities totaled ${a:,} thousand as of the end of the quarter.",
    "The information in this Item, including Exhibit 99.1, is furnished and shall not be deemed filed for "
    "purposes of Section 18 of the Exchange Act or otherwise subject to the liabilities of that section.",
    "The foregoing description of the agreement does not purport to be complete and is qualified in its "
    "entirety by reference to the full text of the agreement, which is filed as Exhibit 10.1 hereto.",
    "The Board of Directors approved the amendment at a meeting held on {m} {d}, with {p} directors present.",
    "The {seg} segment reported operating income of ${a:,} thousand, compared with ${b:,} thousand last year.",
    "Management will host a conference call at {h}:00 p.m. Eastern Time to discuss the results; a replay will "
    "be available on the investor relations section of the Company's website for {p} days.",
    "Gross margin was {p}.{h}%, compared with {q}.{h}% in the prior-year period, reflecting product mix.",
    "The agreement contains customary representations, warranties and covenants, and provides for "
    "indemnification of the parties for certain losses, including liabilities under the Securities Act.",
    "The Company expects full-year revenue of between ${a:,} thousand and ${b:,} thousand.",
    "Headcount was {a:,} employees at quarter end, of whom {p} percent were located outside the United States.",
)
_SEGMENTS = ("Industrial", "Consumer", "Healthcare", "Energy", "Services", "Software", "Retail")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_TABLE_ROWS = ("Net revenues", "Cost of revenues", "Gross profit", "Research and development",
               "Selling, general and administrative", "Total operating expenses", "Operating income (loss)",
               "Interest expense, net", "Income before income taxes", "Provision for income taxes",
               "Net income (loss)", "Weighted average shares outstanding", "Cash and cash equivalents",
               "Accounts receivable, net", "Inventories", "Total current assets", "Property and equipment, net",
               "Goodwill", "Total assets", "Accounts payable", "Accrued liabilities", "Long-term debt",
               "Total liabilities", "Total stockholders' equity")


def _sentence(rng: random.Random) -> str:
    a = rng.randrange(1_000, 900_000)
    return rng.choice(_FILLER).format(a=a, b=int(a * rng.uniform(0.7, 1.3)), p=rng.randrange(2, 60),
                                      q=rng.randrange(2, 60), seg=rng.choice(_SEGMENTS), h=rng.randrange(1, 9),
                                      m=rng.choice(_MONTHS), d=rng.randrange(1, 28))


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randrange(2, 6)))


def _wrap(text: str, width: int = 72, indent: str = "") -> str:
    out, line = [], indent
    for w in text.split():
        if len(line) + len(w) + 1 > width and line.strip():
            out.append(line.rstrip())
            line = indent
        line += w + " "
    out.append(line.rstrip())
    return "\n".join(out)


def _size(rng: random.Random, spec: tuple[int, float, int, int]) -> int:
    median, sigma, lo, hi = spec
    return int(min(hi, max(lo, median * math.exp(rng.gauss(0, sigma)))))


# -- bulk pieces, pre-rendered once per process so that 100,000 filings build fast -----------------

@dataclass
class _Bank:
    text_paras: list[str]
    html_paras: list[str]
    text_tables: list[str]
    html_tables: list[str]
    xbrl: list[str]
    uu_lines: list[str]


def _bank(seed: int) -> _Bank:
    rng = random.Random(seed * 7919 + 17)
    text_paras = [_wrap(_paragraph(rng), indent="     ") for _ in range(400)]
    html_paras = [f'<p style="margin-top:12pt;margin-bottom:0pt;text-align:justify;font-family:\'Times New Roman\','
                  f'serif;font-size:10pt"><span style="font-size:10pt">{html.escape(_paragraph(rng))}</span></p>'
                  for _ in range(400)]
    text_tables, html_tables = [], []
    for _ in range(60):
        rows = rng.sample(_TABLE_ROWS, rng.randrange(8, len(_TABLE_ROWS)))
        vals = [(rng.randrange(100, 900_000), rng.randrange(100, 900_000)) for _ in rows]
        t = ["                                          Three Months Ended", "                                       "
             "   2000          1999", "                                       ------------  ------------"]
        t += [f"{r[:38]:<38} ${a:>11,}  ${b:>11,}" for r, (a, b) in zip(rows, vals)]
        text_tables.append("\n".join(t))
        cell = 'style="padding:0 4pt;font-family:Arial,sans-serif;font-size:8pt;border-bottom:1px solid #000"'
        h = ['<table style="width:100%;border-collapse:collapse" cellpadding="0" cellspacing="0">',
             f'<tr><td {cell}></td><td {cell} colspan="3"><b>Three Months Ended</b></td></tr>']
        h += [f'<tr><td {cell}>{html.escape(r)}</td><td {cell}>$</td><td {cell} style="text-align:right">{a:,}</td>'
              f'<td {cell} style="text-align:right">{b:,}</td></tr>' for r, (a, b) in zip(rows, vals)]
        h.append("</table>")
        html_tables.append("\n".join(h))
    xbrl = []
    for i in range(20):
        elems = "\n".join(f'  <xs:element id="us-gaap_{w}{j}" name="{w}{j}" type="xbrli:monetaryItemType" '
                          f'substitutionGroup="xbrli:item" xbrli:periodType="duration" nillable="true"/>'
                          for j, w in enumerate(rng.sample(_TABLE_ROWS, 12) * 6))
        xbrl.append(f'<?xml version="1.0" encoding="utf-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/'
                    f'XMLSchema" targetNamespace="http://example.com/{i}">\n{elems}\n</xs:schema>')
    alphabet = "".join(chr(c) for c in range(33, 96))
    uu_lines = ["M" + "".join(rng.choice(alphabet) for _ in range(60)) for _ in range(300)]
    return _Bank(text_paras, html_paras, text_tables, html_tables, xbrl, uu_lines)


# -- submissions -------------------------------------------------------------------------------

DEAL_SHARE = 0.15  # 8-Ks that report a securities issuance; most 8-Ks are results, officers, agreements
_DEAL_ITEMS = ("Entry into a Material Definitive Agreement", "Unregistered Sales of Equity Securities")


def _header(f: MirrorFiling, rng: random.Random, text_era: bool) -> tuple[str, str, list[str], str | None]:
    """(SGML header, lead sentence, item titles, press release title) reusing the base generator's
    header and its deal/results/officer sentences, with deals at a realistic share."""
    full = base.submission_text(f, rng).decode()
    lines = [ln for ln in full.split("<DOCUMENT>", 1)[0].split("\n") if not ln.startswith("ITEM INFORMATION")]
    want_deal = rng.random() < DEAL_SHARE
    while True:
        body, items, release = base._body(rng, f.company_name, f.filing_date)  # noqa: SLF001 - shared test helper
        if (items[0] in _DEAL_ITEMS) == want_deal:
            break
    if not text_era:  # ITEM INFORMATION header lines began in 2004; the text era has none
        at = next(i for i, ln in enumerate(lines) if ln.startswith("FILED AS OF DATE"))
        lines[at:at] = [f"ITEM INFORMATION:\t\t{t}" for t in items]
    return "\n".join(lines), body, items, release


def _fill(parts: list[str], pool: list[str], rng: random.Random, budget: int) -> None:
    used = 0
    while used < budget:
        p = rng.choice(pool)
        parts.append(p)
        used += len(p) + 1


def text_submission(f: MirrorFiling, rng: random.Random, bank: _Bank) -> bytes:
    target = _size(rng, TEXT_SIZE)
    head, body, items, release = _header(f, rng, True)
    body = html.unescape(body)
    when = f"{f.filing_date:%B} {f.filing_date.day}, {f.filing_date.year}"
    cover = ["", "                       SECURITIES AND EXCHANGE COMMISSION",
             "                             WASHINGTON, D.C. 20549", "", "                                   FORM 8-K",
             "", "                                 CURRENT REPORT", "     PURSUANT TO SECTION 13 OR 15(d) OF THE "
             "SECURITIES EXCHANGE ACT OF 1934", "", f"     Date of Report (Date of earliest event reported): {when}",
             "", f"                    {f.company_name.upper()}",
             "           (Exact name of registrant as specified in its charter)", ""]
    doc = cover + ["ITEM 5.  OTHER EVENTS.", "", _wrap(body, indent="     "), ""]
    has_ex = release is not None or rng.random() < 0.4
    main_budget = target // 2 if has_ex else target - 2_000
    _fill(doc, bank.text_paras, rng, main_budget)
    doc += ["", "ITEM 7.  FINANCIAL STATEMENTS AND EXHIBITS.", "", "     (c)  Exhibits.", "",
            "          99.1  Press release." if has_ex else "          None.", "", "                                  "
            "SIGNATURES", "", "     Pursuant to the requirements of the Securities Exchange Act of 1934, the "
            "registrant has", "duly caused this report to be signed on its behalf by the undersigned.", ""]
    out = [head, "<DOCUMENT>", f"<TYPE>{f.form_type}", "<SEQUENCE>1", f"<DESCRIPTION>FORM {f.form_type}", "<TEXT>",
           "\n".join(doc), "</TEXT>", "</DOCUMENT>"]
    if has_ex:
        ex = ["", f"     {(release or f.company_name + ' Announces Results').upper()}", "",
              _wrap(body, indent="     "), ""]
        budget = target - main_budget
        while budget > 0:
            t = rng.choice(bank.text_tables) if rng.random() < 0.35 else rng.choice(bank.text_paras)
            ex.append(t)
            budget -= len(t) + 1
        out += ["<DOCUMENT>", "<TYPE>EX-99.1", "<SEQUENCE>2", "<DESCRIPTION>PRESS RELEASE", "<TEXT>", "\n".join(ex),
                "</TEXT>", "</DOCUMENT>"]
    out.append("</SEC-DOCUMENT>")
    return ("\n".join(out) + "\n").encode()


def html_submission(f: MirrorFiling, rng: random.Random, bank: _Bank) -> bytes:
    target = _size(rng, HTML_SIZE)
    head, body, items, release = _header(f, rng, False)
    # Bulk the parser must skip: XBRL exhibits on about half, a uuencoded logo on a quarter.
    xbrl = rng.random() < 0.5
    graphic = rng.random() < 0.25
    skip_budget = int(target * rng.uniform(0.3, 0.6)) if (xbrl or graphic) else 0
    text_budget = target - skip_budget
    has_ex = release is not None or rng.random() < 0.5
    main_budget = text_budget // 3 if has_ex else text_budget
    when = f"{f.filing_date:%B} {f.filing_date.day}, {f.filing_date.year}"
    td = 'style="font-family:\'Times New Roman\',serif;font-size:10pt;text-align:center;vertical-align:top"'
    doc = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Form 8-K</title>'
           '</head><body style="font-family:\'Times New Roman\',serif">',
           '<p style="text-align:center;font-size:14pt"><b>UNITED STATES<br>SECURITIES AND EXCHANGE COMMISSION</b>'
           '</p><p style="text-align:center">Washington, D.C. 20549</p>',
           f'<p style="text-align:center;font-size:14pt"><b>FORM {f.form_type}</b></p>',
           '<p style="text-align:center"><b>CURRENT REPORT</b><br>Pursuant to Section 13 or 15(d) of the Securities '
           'Exchange Act of 1934</p>', f'<p style="text-align:center">Date of Report (Date of earliest event '
           f'reported): {when}</p>', f'<table style="width:100%"><tr><td {td}><b>{html.escape(f.company_name)}</b>'
           f'</td></tr><tr><td {td}>(Exact name of registrant as specified in its charter)</td></tr></table>',
           '<table style="width:100%"><tr>' + "".join(f"<td {td}>{x}</td>" for x in (
               "Delaware", f"001-{rng.randrange(10000, 99999)}", f"{rng.randrange(10, 99)}-{rng.randrange(10**6, 10**7)}"))
           + "</tr></table>", '<div style="display:none">hidden cover-page XBRL facts</div>']
    doc += [f'<p style="margin-top:12pt"><b>Item {i + 1}.0{i + 1}. {html.escape(t)}</b></p>'
            for i, t in enumerate(items[:1])]
    doc.append(f'<p style="margin-top:6pt;text-align:justify">{body}</p>')
    _fill(doc, bank.html_paras, rng, main_budget)
    doc.append('<p><b>Item 9.01. Financial Statements and Exhibits.</b></p><p>(d) Exhibits. 99.1 Press release.'
               '</p><p style="text-align:center"><b>SIGNATURES</b></p></body></html>')
    acc = f.accession_number
    out = [head, "<DOCUMENT>", f"<TYPE>{f.form_type}", "<SEQUENCE>1", f"<FILENAME>d{acc[-6:]}d8k.htm",
           f"<DESCRIPTION>{f.form_type}", "<TEXT>", "\n".join(doc), "</TEXT>", "</DOCUMENT>"]
    seq = 2
    if has_ex:
        ex = [f'<html><body><p style="text-align:center"><b>{html.escape(release or f.company_name)}</b></p>',
              f"<p>{body}</p>"]
        budget = text_budget - main_budget
        while budget > 0:
            t = rng.choice(bank.html_tables) if rng.random() < 0.4 else rng.choice(bank.html_paras)
            ex.append(t)
            budget -= len(t) + 1
        ex.append("</body></html>")
        out += ["<DOCUMENT>", "<TYPE>EX-99.1", f"<SEQUENCE>{seq}", f"<FILENAME>d{acc[-6:]}dex991.htm",
                "<DESCRIPTION>PRESS RELEASE", "<TEXT>", "\n".join(ex), "</TEXT>", "</DOCUMENT>"]
        seq += 1
    if graphic:
        n = max(20, (skip_budget // (2 if xbrl else 1)) // 62)
        lines = [bank.uu_lines[(i * 7 + seq) % len(bank.uu_lines)] for i in range(n)]
        out += ["<DOCUMENT>", "<TYPE>GRAPHIC", f"<SEQUENCE>{seq}", "<FILENAME>g12345logo.jpg", "<TEXT>",
                "begin 644 g12345logo.jpg", *lines, "`", "end", "</TEXT>", "</DOCUMENT>"]
        seq += 1
    if xbrl:
        budget = skip_budget // (2 if graphic else 1)
        for kind in ("EX-101.SCH", "EX-101.LAB", "EX-101.PRE"):
            parts: list[str] = []
            _fill(parts, bank.xbrl, rng, budget // 3)
            out += ["<DOCUMENT>", f"<TYPE>{kind}", f"<SEQUENCE>{seq}", f"<FILENAME>x-2000{kind[-3:].lower()}.xml",
                    "<TEXT>", "<XML>", "\n".join(parts), "</XML>", "</TEXT>", "</DOCUMENT>"]
            seq += 1
    out.append("</SEC-DOCUMENT>")
    return ("\n".join(out) + "\n").encode()


# -- the mirror --------------------------------------------------------------------------------

def _write_chunk(args: tuple[str, list[MirrorFiling], list[bool], int]) -> tuple[int, int, int, int]:
    """Write one chunk's submissions; returns (text count, html count, text bytes, html bytes)."""
    root, filings, text_era, seed = args
    arch = Path(root) / "Archives" / "edgar"
    rng = random.Random(seed)
    bank = _bank(seed % 4)
    stats = [0, 0, 0, 0]
    made_dirs: set[Path] = set()
    for f, is_text in zip(filings, text_era):
        raw = text_submission(f, rng, bank) if is_text else html_submission(f, rng, bank)
        stats[0 if is_text else 1] += 1
        stats[2 if is_text else 3] += len(raw)
        acc18 = f.accession_number.replace("-", "")
        for cik in f.ciks:
            target = arch / "data" / str(cik) / (f"{f.accession_number}.txt" if f.legacy_only
                                                  else f"{acc18}/{f.accession_number}.txt")
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            target.write_bytes(raw)
    return tuple(stats)  # type: ignore[return-value]


@dataclass
class MirrorInfo:
    root: str
    filings: list[MirrorFiling]  # every planned filing, other forms included
    n_8k: int
    n_text: int
    n_html: int
    bytes_text: int
    bytes_html: int
    days: list[date]
    seconds: float
    text_flags: list[bool]  # per 8-K, in date order: old text format?
    reused: bool = False

    def summary(self) -> dict:
        return {"root": self.root, "filings_8k": self.n_8k, "text_era": self.n_text, "html_era": self.n_html,
                "mean_kb_text": round(self.bytes_text / max(1, self.n_text) / 1e3, 1),
                "mean_kb_html": round(self.bytes_html / max(1, self.n_html) / 1e3, 1),
                "total_mb": round((self.bytes_text + self.bytes_html) / 1e6, 1),
                "first_day": self.days[0].isoformat(), "last_day": self.days[-1].isoformat(),
                "business_days": len(self.days), "generate_seconds": round(self.seconds, 1), "reused": self.reused}


def text_flags(n_8k: int, text_share: float, seed: int, mix: str) -> list[bool]:
    """Which 8-Ks (in date order) are in the old text format."""
    if mix == "eras":
        cut = int(n_8k * text_share)
        return [i < cut for i in range(n_8k)]
    if mix != "days":
        raise ValueError(f"mix is 'days' or 'eras', not {mix!r}")
    rng = random.Random(seed * 7_919 + 1)
    return [rng.random() < text_share for _ in range(n_8k)]


def generate(root: str | Path, n: int, start: date = DEFAULT_START, seed: int = 0, per_day: int = 300,
             text_share: float = 0.35, processes: int | None = None, mix: str = "days") -> MirrorInfo:
    """Write the mirror: a `text_share` of the 8-Ks in the old text format, mixed per `mix`.

    A mirror already written under `root` with the same parameters is reused (its `.mirror.json`
    says so): a 100,000-filing mirror is ~11 GB and two minutes to write."""
    t0 = time.monotonic()
    root = Path(root)
    arch = root / "Archives" / "edgar"
    filings = base.plan_filings(n, start, seed, per_day)
    eightk = [f for f in filings if f.form_type.startswith("8-K")]
    text_era = text_flags(len(eightk), text_share, seed, mix)
    params = {"n": n, "start": start.isoformat(), "seed": seed, "per_day": per_day, "text_share": text_share,
              "mix": mix, "generator": GENERATOR_VERSION}
    marker = root / ".mirror.json"
    if marker.is_file():
        made = json.loads(marker.read_text())
        if made.get("params") == params:
            return MirrorInfo(str(root), filings, len(eightk), *made["stats"], sorted(
                {f.filing_date for f in filings}), made["seconds"], text_era, reused=True)
        marker.unlink()
    processes = processes or min(4, os.cpu_count() or 1)
    size = max(200, math.ceil(len(eightk) / (processes * 8)))
    chunks = [(str(root), eightk[i:i + size], text_era[i:i + size], seed * 100_003 + i)
              for i in range(0, len(eightk), size)]
    stats = [0, 0, 0, 0]
    if processes > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(processes) as pool:
            results = list(pool.map(_write_chunk, chunks))
    else:
        results = [_write_chunk(c) for c in chunks]
    for r in results:
        stats = [a + b for a, b in zip(stats, r)]
    days = base.write_indexes(arch, filings)
    seconds = time.monotonic() - t0
    marker.write_text(json.dumps({"params": params, "stats": stats, "seconds": round(seconds, 1)}))
    return MirrorInfo(str(root), filings, len(eightk), stats[0], stats[1], stats[2], stats[3], days, seconds, text_era)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a scale mirror of N 8-K filings (old text + modern HTML).")
    ap.add_argument("root")
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-day", type=int, default=300, help="filings listed per business day (~85%% are 8-Ks)")
    ap.add_argument("--text-share", type=float, default=0.35, help="share of 8-Ks in the old plain-text format")
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--mix", choices=("days", "eras"), default="days",
                    help="text and HTML on every day (default), or all text filings first")
    a = ap.parse_args(argv)
    info = generate(a.root, a.n, a.start, a.seed, a.per_day, a.text_share, a.processes, a.mix)
    for k, v in info.summary().items():
        print(f"{k:18} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
