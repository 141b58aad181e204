"""EDGAR full-submission SGML (`{acc}.txt`, feed `.nc`) and bare primary documents -> `Submission`.

The framing is done on bytes: a submission may be tens of megabytes of uuencoded graphics, and
`bytes.find` skips them at memory speed. Only the header and the text documents are ever decoded;
binaries (uuencoded, PDF, images, ZIP, Excel) are recorded with an empty body and never decoded.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field

from edgar8k.transform.model import Document, Filer, ParseError, Submission

MAX_SUBMISSION_BYTES = 200 * 1024 * 1024  # ten times the largest real submission we know of

_HEADER_OPEN = re.compile(rb"<(SEC|IMS)-HEADER>", re.I)
_HEADER_CLOSE = re.compile(rb"</(SEC|IMS)-HEADER>", re.I)
_DOC_OPEN = b"<DOCUMENT>"
_DOC_CLOSE = b"</DOCUMENT>"
_TEXT_OPEN = re.compile(rb"<TEXT>", re.I)
_TEXT_CLOSE = re.compile(rb"</TEXT>", re.I)
_META_TAG = re.compile(rb"<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>[ \t]*([^\r\n<]*)", re.I)
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_TAG_LINE = re.compile(r"^\s*<(/?)([A-Za-z0-9-]+)>(.*)$")
_LABEL_LINE = re.compile(r"^(\s*)([A-Za-z][A-Za-z0-9 /&().'-]*?):(.*)$")
_CTRL_B = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")

BINARY_TYPES = frozenset({"GRAPHIC", "ZIP", "EXCEL", "PDF", "JPG", "GIF", "PNG", "XLSX", "COVER"})
BINARY_SUFFIXES = (".jpg", ".jpeg", ".gif", ".png", ".pdf", ".zip", ".xls", ".xlsx", ".bmp", ".tif", ".tiff")
_UU_BEGIN = re.compile(rb"\A\s*(?:<PDF>\s*)?begin [0-7]{3,4} \S", re.I)

# Header labels (`.txt`) and tags (`.nc`) mapped to one vocabulary.
_KEYS = {
    "ACCESSION NUMBER": "accession", "ACCESSION-NUMBER": "accession",
    "CONFORMED SUBMISSION TYPE": "form_type", "TYPE": "form_type",
    "PUBLIC DOCUMENT COUNT": "doc_count", "PUBLIC-DOCUMENT-COUNT": "doc_count",
    "CONFORMED PERIOD OF REPORT": "period", "PERIOD": "period",
    "ITEM INFORMATION": "item", "ITEMS": "item",
    "FILED AS OF DATE": "filed", "FILING-DATE": "filed",
    "ACCEPTANCE-DATETIME": "accepted",
    "COMPANY CONFORMED NAME": "name", "CONFORMED-NAME": "name",
    "CENTRAL INDEX KEY": "cik", "CIK": "cik",
    "STANDARD INDUSTRIAL CLASSIFICATION": "sic", "ASSIGNED-SIC": "sic",
    "STATE OF INCORPORATION": "state", "STATE-OF-INCORPORATION": "state",
    "FISCAL YEAR END": "fye", "FISCAL-YEAR-END": "fye",
    "FORMER CONFORMED NAME": "former", "FORMER-CONFORMED-NAME": "former",
}
_ROLES = {
    "FILER": "filer", "SUBJECT COMPANY": "subject", "SUBJECT-COMPANY": "subject",
    "FILED BY": "filed_by", "FILED-BY": "filed_by",
    "REPORTING-OWNER": "reporting_owner", "REPORTING OWNER": "reporting_owner",
}


@dataclass
class _FilerDraft:
    role: str
    cik: int | None = None
    name: str | None = None
    sic: int | None = None
    state: str | None = None
    fye: str | None = None
    former: list[str] = field(default_factory=list)

    def freeze(self) -> Filer:
        return Filer(self.role, self.cik, self.name, self.sic, self.state, self.fye, tuple(self.former))


@dataclass
class _Header:
    values: dict[str, str] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    filers: list[_FilerDraft] = field(default_factory=list)


def parse_submission(raw: bytes) -> Submission:
    """Parse a full submission, a feed `.nc` file, or a bare primary document.

    Raises ParseError with a one-line reason for input that is not a readable filing; any other
    failure inside the parser is reported the same way, so one bad filing never stops a run.
    """
    try:
        return _parse(raw)
    except ParseError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, RecursionError, MemoryError) as e:
        raise ParseError(f"unparseable submission ({type(e).__name__}: {e})") from e


def _parse(raw: bytes) -> Submission:
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise ParseError(f"expected bytes, got {type(raw).__name__}")
    raw = bytes(raw)
    if not raw or raw.isspace():
        raise ParseError("empty input")
    if len(raw) > MAX_SUBMISSION_BYTES:
        raise ParseError(f"submission is {len(raw):,} bytes, over the {MAX_SUBMISSION_BYTES:,}-byte limit")
    first_doc = raw.find(_DOC_OPEN)
    header_span = _find_header(raw, first_doc)
    if header_span is None and first_doc < 0:
        return _bare_document(raw)
    header = _parse_header(_decode_header(raw[header_span[0]:header_span[1]])) if header_span else _Header()
    if first_doc < 0:
        raise ParseError("SGML header but no <DOCUMENT> block")
    documents = tuple(_iter_documents(raw, first_doc))
    v = header.values
    return Submission(
        accession_number=_accession(v.get("accession")),
        form_type=v.get("form_type") or None,
        filing_date=_date(v.get("filed")),
        period_of_report=_date(v.get("period")),
        acceptance_datetime=_datetime(v.get("accepted")),
        item_titles=tuple(header.items),
        filers=tuple(f.freeze() for f in header.filers),
        documents=documents,
        public_document_count=_int(v.get("doc_count")),
    )


def _find_header(raw: bytes, first_doc: int) -> tuple[int, int] | None:
    """The header region: `<SEC-HEADER>`/`<IMS-HEADER>` block, or the `.nc` tags before the first document.

    Searched only before the first `<DOCUMENT>`, so a damaged header never costs a scan of the body.
    """
    limit = first_doc if first_doc >= 0 else min(len(raw), 1_000_000)
    head = raw[:limit]
    m = _HEADER_OPEN.search(head)
    if m:
        close = _HEADER_CLOSE.search(head, m.end())
        return m.start(), close.start() if close else limit
    sub = head.find(b"<SUBMISSION>")
    if sub >= 0:
        return sub, limit
    if head.lstrip()[:1] != b"<" and b"ACCESSION NUMBER:" in head[:5000]:
        return 0, limit
    return None


def _decode_header(b: bytes) -> str:
    return b.decode("latin-1")


def _parse_header(text: str) -> _Header:
    """Header lines as `LABEL:\\tvalue` (nesting by tabs) or `<TAG>value` (`.nc`), into one vocabulary."""
    h = _Header()
    current: _FilerDraft | None = None
    for line in _LINE_SPLIT.split(text):
        if not line.strip():
            continue
        key, value = _split_line(line)
        if key is None:
            continue
        role = _ROLES.get(key)
        if role and not value:
            current = _FilerDraft(role)
            h.filers.append(current)
            continue
        name = _KEYS.get(key)
        if name is None:
            continue
        if name == "item":
            if value:
                h.items.append(value)
        elif name in ("name", "cik", "sic", "state", "fye", "former"):
            if current is None:
                if name == "cik" and "cik" not in h.values:
                    h.values["cik"] = value
                continue
            _set_filer_field(current, name, value)
        elif name not in h.values and value:
            h.values[name] = value
    return h


def _split_line(line: str) -> tuple[str | None, str]:
    m = _TAG_LINE.match(line)
    if m:
        if m.group(1):
            return None, ""
        return m.group(2).upper(), m.group(3).strip()
    m = _LABEL_LINE.match(line)
    if m:
        return " ".join(m.group(2).upper().split()), m.group(3).strip()
    return None, ""


def _set_filer_field(f: _FilerDraft, name: str, value: str) -> None:
    if name == "name":
        f.name = f.name or value or None
    elif name == "cik":
        f.cik = f.cik if f.cik is not None else _int(value)
    elif name == "sic":
        m = re.search(r"\[(\d{3,4})\]", value) or re.fullmatch(r"\s*(\d{3,4})\s*", value)
        f.sic = int(m.group(1)) if m else f.sic
    elif name == "state":
        f.state = value or f.state
    elif name == "fye":
        f.fye = value or f.fye
    elif name == "former" and value:
        f.former.append(value)


def _iter_documents(raw: bytes, pos: int):
    """Each `<DOCUMENT>` block; a missing `</TEXT>` or `</DOCUMENT>` means a truncated submission."""
    n = 0
    while pos >= 0:
        n += 1
        meta_end = raw.find(_DOC_CLOSE, pos)
        text_open = _TEXT_OPEN.search(raw, pos, pos + 8192 if meta_end < 0 else min(meta_end, pos + 8192))
        meta_region = raw[pos:text_open.start() if text_open else (meta_end if meta_end >= 0 else pos + 8192)]
        meta = {k.upper().decode(): v.strip().decode("latin-1") for k, v in _META_TAG.findall(meta_region)}
        doc_type = meta.get("TYPE") or "UNKNOWN"
        if text_open is None:
            if meta_end < 0:
                raise ParseError(f"document {n} ({doc_type}) has no <TEXT> and no </DOCUMENT>: truncated")
            body_b = b""
            end = meta_end
        else:
            close = raw.find(b"</TEXT>", text_open.end())
            if close < 0:
                cm = _TEXT_CLOSE.search(raw, text_open.end())
                close = cm.start() if cm else -1
            if close < 0:
                raise ParseError(f"document {n} ({doc_type}) has no </TEXT>: truncated submission")
            if raw.find(_DOC_OPEN, text_open.end(), close) >= 0:
                raise ParseError(f"document {n} ({doc_type}) has no </TEXT> before the next <DOCUMENT>")
            body_b = raw[text_open.end():close]
            end = close
        filename = meta.get("FILENAME") or None
        is_binary = _is_binary(doc_type, filename, body_b)
        body = "" if is_binary else decode_text(_unwrap(body_b))
        yield Document(
            type=doc_type.upper(),
            sequence=_int(meta.get("SEQUENCE")),
            filename=filename,
            description=meta.get("DESCRIPTION") or None,
            body=body,
            is_binary=is_binary,
        )
        pos = raw.find(_DOC_OPEN, end)


def _is_binary(doc_type: str, filename: str | None, body: bytes) -> bool:
    if doc_type.upper() in BINARY_TYPES:
        return True
    if filename and filename.lower().endswith(BINARY_SUFFIXES):
        return True
    return bool(_UU_BEGIN.match(body[:300]))


_WRAPPERS = (b"<XBRL>", b"<XML>")


def _unwrap(body: bytes) -> bytes:
    """Drop the `<XBRL>`/`<XML>` envelope EDGAR puts around (i)XBRL and XML parts."""
    head = body[:64].lstrip()
    for w in _WRAPPERS:
        if head[: len(w)].upper() == w:
            start = body.upper().find(w) + len(w)
            close = body.rfind(b"</" + w[1:])
            if close < 0:
                close = body.rfind(b"</" + w[1:].lower())
            return body[start:close if close > start else len(body)]
    return body


_CTRL_DELETE = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def _stray_byte(exc: UnicodeError) -> tuple[str, int]:
    """Decode a byte that is not UTF-8 as cp1252 (latin-1 for the five bytes cp1252 leaves undefined)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    out = []
    for byte in exc.object[exc.start:exc.end]:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out), exc.end


codecs.register_error("edgar8k-stray-byte", _stray_byte)


def decode_text(b: bytes) -> str:
    """UTF-8, with any byte that is not UTF-8 read as cp1252/latin-1.

    A UTF-8 document with one stray cp1252 apostrophe keeps its other characters intact, and an
    all-cp1252 document reads as cp1252. Control bytes (NUL, ESC, vertical tab...) are dropped first;
    they are never part of readable text.
    """
    cleaned = b.translate(None, _CTRL_DELETE)
    if len(cleaned) != len(b):
        b = cleaned
    return b.decode("utf-8", "edgar8k-stray-byte")


def _bare_document(raw: bytes) -> Submission:
    """A primary document with no SGML envelope (the seed, `corpus/documents/*`)."""
    sample = raw[:65536]
    junk = len(_CTRL_B.findall(sample))
    if junk > max(8, len(sample) // 100):
        raise ParseError(f"binary data, not a filing: {junk} control bytes in the first {len(sample)} bytes")
    body = decode_text(raw)
    if not body.strip():
        raise ParseError("no readable text")
    return Submission(
        accession_number=None, form_type=None, filing_date=None, period_of_report=None,
        acceptance_datetime=None, item_titles=(), filers=(),
        documents=(Document(type="8-K", sequence=1, filename=None, description=None, body=body),),
    )


def _accession(v: str | None) -> str | None:
    if not v:
        return None
    v = v.strip()
    if re.fullmatch(r"\d{18}", v):
        return f"{v[:10]}-{v[10:12]}-{v[12:]}"
    return v


def _int(v: str | None) -> int | None:
    if v is None:
        return None
    v = v.strip()
    return int(v) if v.isdigit() else None


def _date(v: str | None) -> dt.date | None:
    if not v:
        return None
    v = v.strip()
    try:
        if len(v) == 8 and v.isdigit():
            return dt.date(int(v[:4]), int(v[4:6]), int(v[6:]))
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


def _datetime(v: str | None) -> dt.datetime | None:
    if not v or len(v.strip()) != 14 or not v.strip().isdigit():
        return None
    v = v.strip()
    try:
        return dt.datetime(int(v[:4]), int(v[4:6]), int(v[6:8]), int(v[8:10]), int(v[10:12]), int(v[12:]))
    except ValueError:
        return None
