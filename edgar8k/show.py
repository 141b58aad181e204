"""`edgar8k show`: one filing as an analyst checks it — header, items, and each value beside its evidence.

Every value carries a tag like [s1] naming the sentence it was read from; the sentences follow the
values they support, with those values highlighted: `[[value]]` in plain text (pipes, files, logs)
and reverse video via rich on a terminal. Securities told in one sentence share it: it is printed
once, after the last of them, with all their values marked. Offsets index into the same text
that `--text` prints and that `issuances.evidence_start`/`evidence_end` refer to.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edgar8k.config import Settings

if TYPE_CHECKING:  # the transform modules load only when a filing is actually rendered: errors stay fast
    from edgar8k.transform.records import FilingMeta, Processed

ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_ACCESSION_IN = re.compile(r"\d{10}-\d{2}-\d{6}")
_HEADER_ACCESSION = re.compile(rb"ACCESSION[ -]NUMBER:\s*(\d{10}-\d{2}-\d{6})")
_NO_DATE = dt.date(1900, 1, 1)  # FilingMeta needs a date; rows built with it get a null filing_date
TRANSACTION_FIELDS = ("offering_type", "registration", "exemption", "aggregate_consideration", "currency",
                      "agreement_date", "closing_date", "purchasers")
SECURITY_FIELDS = ("shares", "price_per_share", "exercise_price", "conversion_price", "principal_amount",
                   "expiration_date", "expiration_term")
MONEY_FIELDS = ("aggregate_consideration", "principal_amount")
PRICE_FIELDS = ("price_per_share", "exercise_price", "conversion_price")
STYLES = {"title": "bold", "heading": "bold cyan", "value": "bold reverse yellow", "dim": "dim",
          "warn": "bold red", "label": "", "": ""}
CONTEXT_CHARS = 240  # longest stretch of a sentence shown around a value that is not in a sentence


class ShowError(ValueError):
    """The filing asked for cannot be found; says where it looked."""


def load_filing_bytes(ref: str, settings: Settings, cik: int | None = None) -> tuple[bytes, "FilingMeta"]:
    """Bytes of a filing named by path, or by accession (raw store first, then the source)."""
    path = Path(ref)
    if path.is_file():
        data = path.read_bytes()
        return data, file_meta(data, path.name, cik=cik or 0, source=str(path))
    if path.suffix or "/" in ref:
        raise ShowError(f"{ref} is not a file")
    if not ACCESSION.match(ref):
        raise ShowError(f"{ref!r} is neither a file nor an accession number like 0000950150-01-500213")
    from edgar8k.extract.raw_store import RawStore

    record = RawStore(settings.raw).get(ref)
    if record is not None:
        data = record.data
        return data, file_meta(data, ref, source=record.source_url, fetched_at=record.fetched_at, sha256=record.sha256)
    if cik is None:
        cik = _cik_from_output(ref, settings.out)
    if cik is None:
        raise ShowError(f"{ref} is not in the raw store {settings.raw}; pass --cik to fetch it from {settings.source}")
    from edgar8k.extract.edgar_index import IndexEntry
    from edgar8k.extract.http import EdgarClient
    from edgar8k.extract.submissions import fetch_submission

    entry = IndexEntry(accession_number=ref, cik=cik, company_name="", form_type="8-K",
                       filing_date=dt.date(1900, 1, 1), path="", ciks=(cik,))
    record = fetch_submission(EdgarClient(settings.validate()), RawStore(settings.raw), entry)
    data = record.data
    return data, file_meta(data, ref, cik=cik, source=record.source_url, fetched_at=record.fetched_at,
                           sha256=record.sha256)


def file_meta(raw: bytes, name: str, *, cik: int = 0, company_name: str | None = None,
              source: str | None = None, fetched_at: dt.datetime | None = None,
              sha256: str | None = None) -> "FilingMeta":
    """What the rows of a filing read from a file need besides its bytes: the accession comes from the
    SGML header, else from a name like 0001990001-24-000011.txt, else the name itself."""
    from edgar8k.transform.records import FilingMeta

    m = _HEADER_ACCESSION.search(raw[:20000])
    if m:
        acc = m.group(1).decode()
    else:
        found = _ACCESSION_IN.search(name)
        acc = found.group(0) if found else name
    return FilingMeta(accession_number=acc, cik=cik, company_name=company_name, form_type=None,
                      filing_date=_NO_DATE, source_url=source, raw_sha256=sha256 or hashlib.sha256(raw).hexdigest(),
                      fetched_at=fetched_at)


def process_file_bytes(raw: bytes, meta: "FilingMeta", filing_date: dt.date | None = None,
                       event_date: dt.date | None = None) -> "Processed":
    """`process_submission` for a filing that did not come from an index: the filing date comes from
    the SGML header, else `filing_date`, else the event date, else the cover's 'Date of Report'; with
    none of them the rows carry a null filing_date and filing_year rather than an invented one."""
    import dataclasses

    from edgar8k.transform.filing_text import build_filing_text
    from edgar8k.transform.issuance import cover_event_date, extract_issuances
    from edgar8k.transform.model import ParseError
    from edgar8k.transform.records import Processed, build_rows, issuance_rows_for, process_submission
    from edgar8k.transform.sgml import parse_submission

    try:
        sub = parse_submission(raw)
        ft = build_filing_text(sub)
    except (ParseError, RecursionError, MemoryError, UnicodeError, ValueError):
        p = process_submission(raw, meta)  # the pipeline's own failed row, with its reason
        return Processed({**p.filing, "filing_date": filing_date, "filing_year": filing_date and filing_date.year}, [])
    if event_date is not None and sub.period_of_report is None:
        sub = dataclasses.replace(sub, period_of_report=event_date)
    known = sub.filing_date or filing_date or sub.period_of_report or cover_event_date(ft.text)
    if known is not None:
        return build_rows(sub, ft, dataclasses.replace(meta, filing_date=known))
    p = build_rows(sub, ft, meta)
    row = {**p.filing, "filing_date": None, "filing_year": None}
    transactions = extract_issuances(ft, filing_date=None, event_date=None, company_name=row["company_name"])
    issuances = issuance_rows_for(row, transactions, ft.text)
    row.update(has_issuance=bool(issuances), n_issuances=len(issuances))
    return Processed(row, issuances, p.submission, p.text)


def _cik_from_output(acc: str, out: str) -> int | None:
    try:
        import pyarrow.compute as pc

        from edgar8k.load.parquet import dataset

        t = dataset("filings", out).to_table(columns=["cik"], filter=pc.field("accession_number") == acc)
    except Exception:  # no output yet, or unreadable: fall back to asking for --cik
        return None
    return t.column("cik")[0].as_py() if t.num_rows else None


def render(raw: bytes, meta: "FilingMeta", *, as_json: bool = False, with_text: bool = False,
           color: bool = False, width: int | None = None) -> str:
    """The filing as text (rich colour when `color`), or as JSON with exact decimals as strings."""
    p = process_file_bytes(raw, meta)
    if as_json:
        return json.dumps(_as_json(p, with_text), indent=2, default=str)
    lines = _lines(p, with_text)
    return _to_rich(lines, width) if color else _to_plain(lines)


def _as_json(p: "Processed", with_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"filing": p.filing, "issuances": p.issuances}
    if p.text is not None:
        out["item_titles"] = {s.number: s.title for s in p.text.items}
    if with_text and p.text is not None:
        out["text"] = p.text.text
        out["segments"] = [vars(s) for s in p.text.segments]
    return out


# ---- layout: lines of (text, style) pieces, rendered plain or with rich --------------------------------

Piece = tuple[str, str]
Line = list[Piece]


@dataclass
class _Sentences:
    """Sentence lookup by offset, and the tags [s1], [s2] … handed out in order of first use.

    The rows' own evidence spans come first, so a deal value inside a security's sentence points at
    that sentence; otherwise the extractor's sentence splitter decides.
    """
    text: str
    evidence_spans: list[tuple[int, int]]
    starts: list[int] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    tags: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from edgar8k.transform.issuance import split_sentences

        self.spans = [(s.start, s.end) for s in split_sentences(self.text)]
        self.starts = [s for s, _ in self.spans]

    def around(self, start: int, end: int) -> tuple[int, int]:
        for s, e in self.evidence_spans:
            if s <= start and end <= e:
                return s, e
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.spans[i][0] <= start and end <= self.spans[i][1]:
            return self.spans[i]
        return max(0, start - CONTEXT_CHARS), min(len(self.text), end + CONTEXT_CHARS)

    def tag(self, span: tuple[int, int]) -> int:
        return self.tags.setdefault(span, len(self.tags) + 1)


def _lines(p: "Processed", with_text: bool) -> list[Line]:
    lines = _header(p)
    if p.filing.get("status") != "ok":
        return lines
    if not p.issuances:
        lines.append([("No issuance found in this filing.", "dim")])
    text = p.text.text if p.text is not None else ""
    spans = sorted({(r["evidence_start"], r["evidence_end"]) for r in p.issuances
                    if r.get("evidence_start") is not None and r.get("evidence_end") is not None})
    sentences = _Sentences(text, spans)
    by_transaction: dict[int, list[dict[str, Any]]] = {}
    for row in p.issuances:
        by_transaction.setdefault(row["transaction_index"], []).append(row)
    for t_index, rows in by_transaction.items():
        lines += _transaction(t_index, rows, text, sentences)
    if with_text and p.text is not None:
        lines += [[], [("Filing text (evidence offsets index into this)", "heading")], [(text, "")]]
    return lines


def _header(p: "Processed") -> list[Line]:
    f = p.filing
    titles = {s.number: s.title for s in p.text.items} if p.text is not None else {}
    lines: list[Line] = [
        [(f"{f.get('company_name') or '(no company name)'}", "title"), (" — ", ""),
         (f"{f.get('form_type') or 'filing'} {f.get('accession_number')}", "title")],
        [(f"  CIK {f.get('cik') or '-'}   {_filed(p)}   event {f.get('event_date') or '-'}   "
          f"SIC {f.get('sic') or '-'}   state {f.get('state_of_incorporation') or '-'}", "")],
    ]
    if len(f.get("filer_ciks") or []) > 1:
        lines.append([(f"  filed under CIKs {', '.join(map(str, f['filer_ciks']))}", "")])
    status: Line = [("  status ", ""), (str(f.get("status")), "" if f.get("status") == "ok" else "warn")]
    if f.get("error"):
        status.append((f"  {f['error']}", "warn"))
    lines.append(status)
    items = f.get("items") or []
    lines.append([("  items", "heading"), ("" if items else " -", "")])
    lines += [[(f"    {n:6} {titles.get(n, '')}".rstrip(), "")] for n in items]
    exhibits = f.get("exhibits") or []
    lines.append([("  exhibits", "heading"), ("" if exhibits else " -", "")])
    lines += [[(f"    {_exhibit(e)}", "")] for e in exhibits]
    if f.get("text_chars") is not None:
        lines.append([(f"  text {f.get('text_chars')} characters in {f.get('n_documents')} document(s)"
                       f"{'   source ' + f['source_url'] if f.get('source_url') else ''}", "dim")])
    lines.append([])
    return lines


def _transaction(t_index: int, rows: list[dict[str, Any]], text: str, sentences: _Sentences) -> list[Line]:
    first = rows[0]
    lines: list[Line] = [[(f"Transaction {t_index + 1}", "heading"),
                          (f"   from {_source(first.get('source_item'))}", "dim")]]
    deal_evidence = [e for e in first.get("field_evidence") or [] if e["field"] in TRANSACTION_FIELDS]
    mains = {(r["evidence_start"], r["evidence_end"]) for r in rows if r.get("evidence_start") is not None}
    printed: set[tuple[int, int]] = set()
    lines += _values(first, TRANSACTION_FIELDS, deal_evidence, sentences, indent=4)
    lines += _sentence_lines([e for e in deal_evidence if sentences.around(e["start"], e["end"]) not in mains],
                             text, sentences, printed, indent=6)
    pending: list[dict[str, Any]] = []  # evidence of consecutive securities told in the same sentence
    for k, row in enumerate(rows):
        title = f" — {row['security_title']}" if row.get("security_title") else ""
        lines.append([(f"  Security {row['security_index'] + 1}: ", "heading"), (f"{row['security_type']}", "heading"),
                      (title, "")])
        own = [e for e in row.get("field_evidence") or [] if e["field"] not in TRANSACTION_FIELDS]
        lines += _values(row, SECURITY_FIELDS, own, sentences, indent=4)
        if row.get("quality_flags"):
            lines.append([("    quality flags            ", ""), (", ".join(row["quality_flags"]), "warn")])
        main = _main_span(row)
        if main is not None:
            pending += [e for e in own + deal_evidence if main[0] <= e["start"] and e["end"] <= main[1]]
            if k + 1 == len(rows) or _main_span(rows[k + 1]) != main:
                lines.append(_sentence_line(main, pending, text, sentences, indent=6))
                printed.add(main)
                pending = []
        lines += _sentence_lines([e for e in own if sentences.around(e["start"], e["end"]) != main],
                                 text, sentences, printed, indent=6)
    lines.append([])
    return lines


def _main_span(row: dict[str, Any]) -> tuple[int, int] | None:
    start, end = row.get("evidence_start"), row.get("evidence_end")
    return (start, end) if start is not None and end is not None else None


def _values(row: dict[str, Any], names: tuple[str, ...], evidence: list[dict[str, Any]], sentences: _Sentences,
            indent: int) -> list[Line]:
    """One line per value that is present: name, formatted value, and the tag of its sentence."""
    first_ev: dict[str, dict[str, Any]] = {}
    for e in evidence:
        first_ev.setdefault(e["field"], e)
    out: list[Line] = []
    for name in names:
        v = row.get(name)
        if v in (None, [], "") or (name == "currency" and v == "USD"):
            continue
        line: Line = [(" " * indent + f"{name:25}", ""), (_fmt(name, v, row.get("currency")), "title")]
        e = first_ev.get(name)
        if e is not None:
            line.append((f"   [s{sentences.tag(sentences.around(e['start'], e['end']))}]", "dim"))
        out.append(line)
    return out


def _sentence_lines(evidence: list[dict[str, Any]], text: str, sentences: _Sentences,
                    printed: set[tuple[int, int]], indent: int) -> list[Line]:
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for e in evidence:
        groups.setdefault(sentences.around(e["start"], e["end"]), []).append(e)
    out: list[Line] = []
    for span in sorted(groups, key=sentences.tag):
        if span in printed:
            continue
        printed.add(span)
        out.append(_sentence_line(span, groups[span], text, sentences, indent))
    return out


def _sentence_line(span: tuple[int, int], evidence: list[dict[str, Any]], text: str, sentences: _Sentences,
                   indent: int) -> Line:
    """`[s1 2126:2889] On [[March 15, 2024]], …` with every value in the span marked; a very long
    span is cut to the stretch around its values."""
    s, e = span
    marks = sorted({(max(v["start"], s), min(v["end"], e)) for v in evidence if v["start"] < e and v["end"] > s})
    line: Line = [(" " * indent + f"[s{sentences.tag(span)} {s}:{e}] ", "dim")]
    lo, hi = s, e
    if marks and e - s > 5 * CONTEXT_CHARS:
        lo, hi = max(s, marks[0][0] - CONTEXT_CHARS), min(e, marks[-1][1] + CONTEXT_CHARS)
    if lo > s:
        line.append(("… ", "dim"))
    pos = lo
    for ms, me in marks:
        if ms < pos:
            continue
        line.append((_squash(text[pos:ms]), ""))
        line.append((_squash(text[ms:me]), "value"))
        pos = me
    line.append((_squash(text[pos:hi]), ""))
    if hi < e:
        line.append((" …", "dim"))
    return line


def _squash(s: str) -> str:
    """Whitespace runs as one space, keeping a leading/trailing space so pieces still join cleanly."""
    core = " ".join(s.split())
    if not core:
        return " " if s else ""
    return (" " if s[:1].isspace() else "") + core + (" " if s[-1:].isspace() else "")


def _filed(p: "Processed") -> str:
    """A bare document has no filing date of its own: say which date its terms were resolved against."""
    date = p.filing.get("filing_date")
    if p.submission is not None and p.submission.filing_date is None and date is not None:
        return f"filed - (not in the document; dates resolved against {date})"
    return f"filed {date or '-'}"


def _exhibit(e: str) -> str:
    kind, _, desc = e.partition(": ")
    return kind if desc.strip().upper() == kind.upper() else e


def _source(item: str | None) -> str:
    if not item:
        return "the filing"
    return item if item.upper().startswith("EX-") else f"item {item}"


def _fmt(name: str, v: Any, currency: str | None) -> str:
    cur = currency or "USD"
    if isinstance(v, list):
        return "; ".join(map(str, v))
    if isinstance(v, Decimal):
        n = format(_trim(v, 2 if name in MONEY_FIELDS or name in PRICE_FIELDS else 0), ",f")
        if name in MONEY_FIELDS:
            return f"{n} {cur}"
        if name in PRICE_FIELDS:
            return f"{n} {cur}/share"
        return n
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def _trim(v: Decimal, places: int) -> Decimal:
    """Trailing zeros dropped, but money keeps its cents: 5.00000000 -> 5.00, 0.00010000 -> 0.0001."""
    n = v.normalize()
    return v.quantize(Decimal(1).scaleb(-places)) if n.as_tuple().exponent > -places else n


def _to_plain(lines: list[Line]) -> str:
    return "\n".join("".join(f"[[{t}]]" if style == "value" else t for t, style in line) for line in lines)


def _to_rich(lines: list[Line], width: int | None) -> str:
    """ANSI text from rich: wrapped to the terminal, values highlighted."""
    from rich.console import Console
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="standard", highlight=False,
                      width=width or shutil.get_terminal_size((120, 40)).columns, soft_wrap=False)
    for line in lines:
        t = Text()
        for chunk, style in line:
            t.append(chunk, style=STYLES.get(style, "") or None)
        console.print(t, overflow="fold")
    return buf.getvalue().rstrip("\n")
