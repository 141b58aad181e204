"""The one text per filing that the extractor reads and `edgar8k show` prints.

The primary 8-K document comes first; each press-release exhibit (EX-99*) follows after a
separator line naming it, e.g. "[EX-99.1: PRESS RELEASE]". Every part is a `Segment`, so a value
found at an offset can be attributed to the 8-K body or to the exhibit it came from.
"""

from __future__ import annotations

from edgar8k.transform.items import split_items
from edgar8k.transform.model import Document, FilingText, ParseError, Submission, Segment
from edgar8k.transform.text import document_text

PRIMARY_LABEL = "8-K"
MAX_PRIMARY_CHARS = 16_000_000  # real 8-K bodies are well under 2 MB; bigger is junk or a mis-filed dump
MAX_EXHIBIT_CHARS = 4_000_000  # an EX-99 this large is a data tape or financial statements, not a release


def primary_document(sub: Submission) -> Document | None:
    """The first text document whose type starts with "8-K", else the first text document."""
    for d in sub.documents:
        if d.type.upper().startswith("8-K") and not d.is_binary:
            return d
    for d in sub.documents:
        if not d.is_binary:
            return d
    return sub.documents[0] if sub.documents else None


def is_press_release(doc: Document) -> bool:
    return doc.type.upper().startswith("EX-99") and not doc.is_binary


def exhibit_label(doc: Document) -> str:
    """'EX-99.1: PRESS RELEASE', falling back to the file name, for separators and `filings.exhibits`."""
    desc = " ".join((doc.description or "").split())
    if not desc or desc.upper() == doc.type.upper():  # a description that only repeats the type says nothing
        desc = " ".join((doc.filename or "").split())
    return f"{doc.type}: {desc}" if desc else doc.type


def exhibits(sub: Submission) -> list[str]:
    """Every exhibit document as 'TYPE: description' (the `filings.exhibits` column)."""
    return [exhibit_label(d) for d in sub.documents if d.type.upper().startswith("EX-")]


def build_filing_text(sub: Submission) -> FilingText:
    """Primary text plus press-release exhibits, with segments and the items found in the 8-K part.

    Raises ParseError when the primary document is too large to be a real 8-K body; oversized
    EX-99 documents are left out of the text (they still appear in `exhibits`).
    """
    primary = primary_document(sub)
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    if primary is not None:
        if len(primary.body) > MAX_PRIMARY_CHARS:
            raise ParseError(f"primary document ({primary.type}) is {len(primary.body):,} characters, "
                             f"over the {MAX_PRIMARY_CHARS:,} limit")
        body = document_text(primary)
        parts.append(body)
        segments.append(Segment(PRIMARY_LABEL, 0, len(body)))
        pos = len(body)
    primary_end = pos
    for doc in sub.documents:
        if doc is primary or not is_press_release(doc) or len(doc.body) > MAX_EXHIBIT_CHARS:
            continue
        body = document_text(doc)
        if not body.strip():
            continue
        sep = f"\n\n[{exhibit_label(doc)}]\n\n" if pos else f"[{exhibit_label(doc)}]\n\n"
        start = pos + (2 if pos else 0)
        parts.append(sep)
        parts.append(body)
        pos += len(sep) + len(body)
        segments.append(Segment(doc.type, start, pos))
    text = "".join(parts)
    items = split_items(text[:primary_end], sub.filing_date)
    return FilingText(text=text, segments=tuple(segments), items=items)
