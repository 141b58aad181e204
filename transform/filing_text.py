"""The one text per filing that the extractor reads and `edgar8k show` prints.

The primary 8-K document comes first; each press-release exhibit (EX-99*) follows after a
separator line naming it, e.g. "[EX-99.1: PRESS RELEASE]". Every part is a `Segment`, so a value
found at an offset can be attributed to the 8-K body or to the exhibit it came from.
"""

from __future__ import annotations

from edgar8k.transform.items import split_items
from edgar8k.transform.model import Document, FilingText, Segment, Submission
from edgar8k.transform.text import document_text

PRIMARY_LABEL = "8-K"


def primary_document(sub: Submission) -> Document | None:
    """The first document whose type starts with "8-K", else the first text document."""
    for d in sub.documents:
        if d.type.upper().startswith("8-K"):
            return d
    for d in sub.documents:
        if not d.is_binary:
            return d
    return sub.documents[0] if sub.documents else None


def is_press_release(doc: Document) -> bool:
    return doc.type.upper().startswith("EX-99") and not doc.is_binary


def exhibit_label(doc: Document) -> str:
    """'EX-99.1: PRESS RELEASE', falling back to the file name, for separators and `filings.exhibits`."""
    desc = " ".join((doc.description or doc.filename or "").split())
    return f"{doc.type}: {desc}" if desc else doc.type


def exhibits(sub: Submission) -> list[str]:
    """Every exhibit document as 'TYPE: description' (the `filings.exhibits` column)."""
    return [exhibit_label(d) for d in sub.documents if d.type.upper().startswith("EX-")]


def build_filing_text(sub: Submission) -> FilingText:
    """Primary text plus press-release exhibits, with segments and the items found in the 8-K part."""
    primary = primary_document(sub)
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    if primary is not None:
        body = document_text(primary)
        parts.append(body)
        segments.append(Segment(PRIMARY_LABEL, 0, len(body)))
        pos = len(body)
    primary_end = pos
    for doc in sub.documents:
        if doc is primary or not is_press_release(doc):
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
