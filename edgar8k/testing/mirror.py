"""A synthetic EDGAR mirror of N 8-K filings in EDGAR's own layout, for tests and benchmarks.

Daily `form`/`master` indexes (byte layout of the real files: wrapped preamble, 141-dash line, rows
padded to 150), quarterly `full-index` files, and full SGML submissions built from a few 8-K
templates with varied numbers. It also carries what makes EDGAR awkward: co-registrant filings listed
under two CIKs, filings only at the legacy flat path, other forms in the index, names with runs of
spaces, weekends without index files. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from edgar8k.extract.edgar_index import is_business_day, quarter_of

AGENTS = (1193125, 1213900, 1104659, 1493152, 1558370)
WORDS = ("Apex", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper",
         "Keystone", "Lumen", "Meridian", "Nova", "Orion", "Pioneer", "Quarry", "Ridge", "Summit", "Tidal")
KINDS = ("Therapeutics, Inc.", "Holdings Corp", "Energy Inc.", "Bancorp", "Technologies, Inc.", "Mining Ltd")
OTHER_FORMS = ("4", "10-Q", "SC 13G/A", "424B5", "S-3")


@dataclass(frozen=True)
class MirrorFiling:
    accession_number: str
    ciks: tuple[int, ...]
    company_name: str
    form_type: str
    filing_date: date
    legacy_only: bool  # served only at data/{cik}/{acc}.txt


def _company(rng: random.Random) -> tuple[int, str]:
    name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)}"
    if rng.random() < 0.1:
        name = name.replace(" ", "  ", 1)  # real names carry runs of spaces
    return rng.randint(1000, 1999999), name


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _body(rng: random.Random, company: str, day: date) -> tuple[str, list[str], str | None]:
    """(primary HTML, item titles, press release text or None) from one of a few templates."""
    when = f"{day:%B} {day.day}, {day.year}"
    kind = rng.randrange(5)
    if kind == 0:
        shares, price = rng.randrange(500, 20000) * 1000, rng.randrange(50, 2500) / 100
        text = (f"On {when}, {company} (the &#8220;Company&#8221;) entered into a securities purchase agreement "
                f"with certain institutional investors for the sale of {shares:,} shares of the Company&#8217;s "
                f"common stock, par value $0.001 per share, at a purchase price of ${price:.2f} per share in a "
                f"registered direct offering. The gross proceeds are expected to be approximately "
                f"${_money(shares * price)}, before deducting placement agent fees.")
        return text, ["Entry into a Material Definitive Agreement", "Financial Statements and Exhibits"], \
            f"{company} Announces ${_money(shares * price)} Registered Direct Offering"
    if kind == 1:
        principal, rate = rng.randrange(25, 900) * 1_000_000, rng.choice((0.25, 1.5, 2.75, 4.0, 6.5))
        conv = rng.randrange(1000, 9000) / 100
        text = (f"On {when}, {company} (the &#8220;Company&#8221;) issued ${principal:,} aggregate principal "
                f"amount of its {rate}% Convertible Senior Notes due {day.year + 5} (the &#8220;Notes&#8221;) "
                f"pursuant to an indenture. The Notes are convertible at an initial conversion price of "
                f"approximately ${conv:.2f} per share of common stock.")
        return text, ["Entry into a Material Definitive Agreement",
                      "Creation of a Direct Financial Obligation or an Obligation under an "
                      "Off-Balance Sheet Arrangement of a Registrant"], None
    if kind == 2:
        n, ex = rng.randrange(100, 5000) * 1000, rng.randrange(100, 1500) / 100
        text = (f"On {when}, the Company issued to investors in a private placement warrants to purchase up "
                f"to {n:,} shares of common stock at an exercise price of ${ex:.2f} per share. The warrants "
                f"were issued in reliance on the exemption provided by Section 4(a)(2) of the Securities Act.")
        return text, ["Unregistered Sales of Equity Securities"], None
    if kind == 3:
        text = (f"On {when}, the Board of Directors of {company} appointed a new Chief Financial Officer, "
                f"effective immediately. The officer will receive an annual base salary of "
                f"${rng.randrange(250, 600) * 1000:,}.")
        return text, ["Departure of Directors or Certain Officers; Election of Directors; Appointment of "
                      "Certain Officers; Compensatory Arrangements of Certain Officers"], None
    text = (f"On {when}, {company} issued a press release announcing its financial results for the quarter. "
            f"Revenue was ${_money(rng.randrange(10, 900) * 1e6)}.")
    return text, ["Results of Operations and Financial Condition", "Financial Statements and Exhibits"], \
        f"{company} Reports Quarterly Results"


def submission_text(f: MirrorFiling, rng: random.Random) -> bytes:
    """A full SGML submission (`{acc}.txt`) for one synthetic filing."""
    body, items, release = _body(rng, f.company_name, f.filing_date)
    d = f"{f.filing_date:%Y%m%d}"
    lines = [f"<SEC-DOCUMENT>{f.accession_number}.txt : {d}", f"<SEC-HEADER>{f.accession_number}.hdr.sgml : {d}",
             f"<ACCEPTANCE-DATETIME>{d}163012", f"ACCESSION NUMBER:\t\t{f.accession_number}",
             f"CONFORMED SUBMISSION TYPE:\t{f.form_type}", f"PUBLIC DOCUMENT COUNT:\t\t{2 if release else 1}",
             f"CONFORMED PERIOD OF REPORT:\t{d}"]
    lines += [f"ITEM INFORMATION:\t\t{t}" for t in items]
    lines += [f"FILED AS OF DATE:\t\t{d}", f"DATE AS OF CHANGE:\t\t{d}", ""]
    for cik in f.ciks:
        lines += ["FILER:", "\tCOMPANY DATA:", f"\t\tCOMPANY CONFORMED NAME:\t\t\t{f.company_name}",
                  f"\t\tCENTRAL INDEX KEY:\t\t\t{cik:010d}",
                  "\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\tPHARMACEUTICAL PREPARATIONS [2834]",
                  "\t\tSTATE OF INCORPORATION:\t\t\tDE", "\t\tFISCAL YEAR END:\t\t\t1231",
                  "\tFILING VALUES:", f"\t\tFORM TYPE:\t\t{f.form_type}", "\t\tSEC ACT:\t\t1934 Act",
                  f"\t\tSEC FILE NUMBER:\t001-{cik % 100000:05d}", ""]
    lines += ["</SEC-HEADER>", "<DOCUMENT>", f"<TYPE>{f.form_type}", "<SEQUENCE>1",
              f"<FILENAME>d{f.accession_number[-6:]}d8k.htm", f"<DESCRIPTION>{f.form_type}", "<TEXT>",
              "<html><head><title>Form 8-K</title></head><body>",
              "<p style=\"text-align:center\"><b>UNITED STATES<br>SECURITIES AND EXCHANGE COMMISSION</b></p>",
              f"<p style=\"text-align:center\"><b>FORM {f.form_type}</b></p>",
              f"<p>{f.company_name}</p>"]
    lines += [f"<p><b>Item {t}</b></p>" for t in items[:1]]
    lines += [f"<p>{body}</p>", "</body></html>", "</TEXT>", "</DOCUMENT>"]
    if release:
        lines += ["<DOCUMENT>", "<TYPE>EX-99.1", "<SEQUENCE>2", "<FILENAME>ex99-1.htm",
                  "<DESCRIPTION>PRESS RELEASE", "<TEXT>", f"<html><body><p><b>{release}</b></p>",
                  f"<p>{body}</p></body></html>", "</TEXT>", "</DOCUMENT>"]
    lines.append("</SEC-DOCUMENT>")
    return ("\n".join(lines) + "\n").encode()


# -- index files -------------------------------------------------------------------------------

def _rows(filings: list[MirrorFiling]) -> list[tuple[int, MirrorFiling]]:
    return [(cik, f) for f in filings for cik in f.ciks]


def daily_form_index(day: date, filings: list[MirrorFiling]) -> bytes:
    lines = ["Description:           Daily Index of EDGAR Dissemination Feed by Form Type",
             f"Last Data Received:    {day:%b} {day.day:>2}, {day.year}",
             "Comments:              webmaster@sec.gov", "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
             " ", " ", " ", " ",
             f"{'Form Type':<12}{'Company Name':<62}{'CIK':<12}{'Date Filed':<12}File Name", "-" * 141]
    for cik, f in sorted(_rows(filings), key=lambda r: (r[1].form_type, r[1].company_name, r[0])):
        row = (f"{f.form_type:<12}{f.company_name[:60]:<62}{cik:<12}{f.filing_date:%Y%m%d}    "
               f"edgar/data/{cik}/{f.accession_number}.txt")
        lines.append(f"{row:<150}")
    return ("\n".join(lines) + "\n").encode()


def master_index(filings: list[MirrorFiling], *, daily: date | None = None, quarterly: str | None = None) -> bytes:
    if daily:
        pre = ["Description:           Daily Index of EDGAR Dissemination Feed",
               f"Last Data Received:    {daily:%b} {daily.day:>2}, {daily.year}",
               "Comments:              webmaster@sec.gov", "Anonymous FTP:         ftp://ftp.sec.gov/edgar/", " ",
               "CIK|Company Name|Form Type|Date Filed|File Name"]
        fmt = "%Y%m%d"
    else:
        pre = ["Description:           Master Index of EDGAR Dissemination Feed",
               f"Last Data Received:    {quarterly}", "Comments:              webmaster@sec.gov",
               "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
               "Cloud HTTP:            https://www.sec.gov/Archives/", "", "", "", "",
               "CIK|Company Name|Form Type|Date Filed|Filename"]
        fmt = "%Y-%m-%d"
    rows = sorted(f"{cik}|{f.company_name}|{f.form_type}|{f.filing_date.strftime(fmt)}|"
                  f"edgar/data/{cik}/{f.accession_number}.txt" for cik, f in _rows(filings))
    return ("\n".join(pre + ["-" * 80] + rows) + "\n").encode()


def quarterly_form_index(filings: list[MirrorFiling], last_day: date) -> bytes:
    lines = ["Description:           Master Index of EDGAR Dissemination Feed by Form Type",
             f"Last Data Received:    {last_day:%B} {last_day.day}, {last_day.year}",
             "Comments:              webmaster@sec.gov", "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
             "", "", "", "", f"{'Form Type':<12}{'Company Name':<62}{'CIK':<12}{'Date Filed':<12}File Name",
             "-" * 141]
    for cik, f in sorted(_rows(filings), key=lambda r: (r[1].form_type, r[1].company_name, r[0])):
        lines.append(f"{f.form_type:<12}{f.company_name[:60]:<62}{cik:<12}{f.filing_date:%Y-%m-%d}  "
                     f"edgar/data/{cik}/{f.accession_number}.txt")
    return ("\n".join(lines) + "\n").encode()


# -- the mirror --------------------------------------------------------------------------------

def plan_filings(n: int, start: date, seed: int = 0, per_day: int = 12) -> list[MirrorFiling]:
    """n 8-K/8-K/A filings spread over business days from `start`, plus other forms (not counted in n)."""
    rng = random.Random(seed)
    out: list[MirrorFiling] = []
    seq: dict[tuple[int, int], int] = {}
    day, made = start, 0
    while made < n:
        if is_business_day(day):
            for _ in range(min(per_day, n - made) + rng.randrange(2)):
                form = rng.choice(OTHER_FORMS) if made >= n or rng.random() < 0.15 else \
                    ("8-K/A" if rng.random() < 0.1 else "8-K")
                cik, name = _company(rng)
                ciks = (cik,) if rng.random() > 0.1 else tuple(sorted({cik, rng.randint(1000, 1999999)}))
                agent = rng.choice(AGENTS + (cik,))
                key = (agent, day.year)
                seq[key] = seq.get(key, 0) + 1
                acc = f"{agent:010d}-{day.year % 100:02d}-{seq[key]:06d}"
                legacy = form.startswith("8-K") and rng.random() < 0.08
                out.append(MirrorFiling(acc, ciks, name, form, day, legacy))
                made += form.startswith("8-K")
        day += timedelta(days=1)
    return out


def write_indexes(arch: Path, filings: list[MirrorFiling], quarterly: bool = True) -> list[date]:
    """Daily form/master indexes for every filing day, and a quarter's full-index when asked; returns the days."""
    by_day: dict[date, list[MirrorFiling]] = {}
    for f in filings:
        by_day.setdefault(f.filing_date, []).append(f)
    for day, fs in by_day.items():
        qdir = arch / "daily-index" / str(day.year) / f"QTR{quarter_of(day)}"
        qdir.mkdir(parents=True, exist_ok=True)
        (qdir / f"form.{day:%Y%m%d}.idx").write_bytes(daily_form_index(day, fs))
        (qdir / f"master.{day:%Y%m%d}.idx").write_bytes(master_index(fs, daily=day))
    if quarterly:
        by_q: dict[tuple[int, int], list[MirrorFiling]] = {}
        for f in filings:
            by_q.setdefault((f.filing_date.year, quarter_of(f.filing_date)), []).append(f)
        for (y, q), fs in by_q.items():
            qdir = arch / "full-index" / str(y) / f"QTR{q}"
            qdir.mkdir(parents=True, exist_ok=True)
            last = max(f.filing_date for f in fs)
            (qdir / "form.idx").write_bytes(quarterly_form_index(fs, last))
            (qdir / "master.idx").write_bytes(master_index(fs, quarterly=f"{last:%B} {last.day}, {last.year}"))
    return sorted(by_day)


def write_mirror(root: str | Path, n: int, start: date = date(2021, 1, 4), seed: int = 0,
                 per_day: int = 12, quarterly: bool = True) -> list[MirrorFiling]:
    """Write a mirror of n 8-K filings under root/Archives/edgar; returns every planned filing."""
    root = Path(root)
    arch = root / "Archives" / "edgar"
    filings = plan_filings(n, start, seed, per_day)
    rng = random.Random(seed + 1)
    for f in filings:
        if not f.form_type.startswith("8-K"):
            continue
        raw = submission_text(f, rng)
        acc18 = f.accession_number.replace("-", "")
        for cik in f.ciks:
            target = arch / "data" / str(cik) / (f"{f.accession_number}.txt" if f.legacy_only
                                                  else f"{acc18}/{f.accession_number}.txt")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
    write_indexes(arch, filings, quarterly=quarterly)
    return filings


def main(argv: list[str] | None = None) -> None:
    import argparse
    ap = argparse.ArgumentParser(description="Write a synthetic EDGAR mirror of N 8-K filings.")
    ap.add_argument("root")
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2021, 1, 4))
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    fs = write_mirror(a.root, a.n, a.start, a.seed)
    print(f"wrote {sum(f.form_type.startswith('8-K') for f in fs)} 8-K filings "
          f"({fs[0].filing_date}..{fs[-1].filing_date}) under {a.root}")


if __name__ == "__main__":
    main()
