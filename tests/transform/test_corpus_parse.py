"""Every real file in the shared corpus parses, and header fields agree with MANIFEST.csv."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from edgar8k.transform.filing_text import build_filing_text
from edgar8k.transform.items import item_numbers_from_titles
from edgar8k.transform.sgml import parse_submission
from tests.corpus import SHARED

CORPUS = SHARED / "corpus" if SHARED else None
FILINGS = sorted((CORPUS / "filings").iterdir()) if CORPUS else []
DOCUMENTS = sorted(p for p in (CORPUS / "documents").rglob("*") if p.is_file()) if CORPUS else []
MANIFEST = {r["path"]: r for r in csv.DictReader((CORPUS / "MANIFEST.csv").open())} if CORPUS else {}

needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus not found: set EDGAR8K_SHARED")


@needs_corpus
def test_corpus_is_the_expected_size() -> None:
    assert len(FILINGS) >= 100 and any(p.suffix == ".nc" for p in FILINGS)
    assert len(DOCUMENTS) >= 380


@needs_corpus
@pytest.mark.parametrize("path", FILINGS, ids=lambda p: p.name)
def test_every_submission_parses_and_matches_the_manifest(path: Path) -> None:
    row = MANIFEST[f"filings/{path.name}"]
    sub = parse_submission(path.read_bytes())
    ft = build_filing_text(sub)
    assert sub.accession_number == row["accession"]
    assert sub.form_type == row["form_type"]
    assert sub.filing_date == dt.date.fromisoformat(row["filed_date"])
    assert int(row["cik"]) in [f.cik for f in sub.filers]
    assert sub.primary_filer is not None and sub.primary_filer.name.upper() == row["company"].upper()
    assert all(f.cik and f.name for f in sub.filers)
    assert sub.documents and sub.documents[0].type == row["form_type"]
    assert not any(d.is_binary and d.body for d in sub.documents)
    assert len(ft.text) > 500 and ft.segments[0].label == "8-K"
    if row["form_type"].startswith("8-K"):
        body_items = {i.number for i in ft.items}
        header_items = set(item_numbers_from_titles(sub.item_titles, sub.filing_date))
        assert body_items, "no item heading found in the 8-K text"
        if path.name != "0001004963-96-000018.txt":  # header says Item 1; the body reports Item 5
            assert header_items <= body_items


@needs_corpus
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_primary_document_parses(path: Path) -> None:
    sub = parse_submission(path.read_bytes())
    ft = build_filing_text(sub)
    assert len(sub.documents) == 1 and ft.text.strip()
    row = MANIFEST.get(str(path.relative_to(CORPUS)))
    has_heading = path.parent.name != "x-item801-2021"  # Item 8.01 section bodies, headings cut off
    if has_heading and row and row["form_type"].startswith("8-K") and sub.documents[0].type.startswith("8-K"):
        assert ft.items, "no item heading found in a primary 8-K document"


@needs_corpus
def test_header_fields_across_eras() -> None:
    pem = parse_submission((CORPUS / "filings" / "0000950144-94-000103.txt").read_bytes())
    assert pem.accession_number == "0000950144-94-000103" and pem.acceptance_datetime is None
    nc = parse_submission((CORPUS / "filings" / "0001493152-25-001317.nc").read_bytes())
    assert nc.item_titles == ("5.02", "9.01") and nc.public_document_count == 14
    assert nc.filers[0].former_names == (
        "ACORN FACTOR, INC.", "DATA SYSTEMS & SOFTWARE INC", "DEFENSE SOFTWARE & SYSTEMS INC")


@needs_corpus
def test_damaged_real_files_give_a_submission_or_a_parse_error() -> None:
    """Truncations, flipped bytes and stray tags in real files: never any exception but ParseError."""
    import random

    from edgar8k.transform.model import ParseError

    rng = random.Random(20041023)
    small = [p for p in FILINGS if p.stat().st_size < 100_000]
    stray = [b"<DOCUMENT>", b"</TEXT>", b"<TEXT>", b"<SEC-HEADER>", b"</SEC-HEADER>", b"<TYPE>", b"\x00" * 64,
             b"<table><tr><td>", b"<div style='display:none'>", b"begin 644 x.jpg\n", b"\xff\xfe\x92\x81"]
    outcomes = {"ok": 0, "parse_error": 0}
    for _ in range(300):
        raw = bytearray(rng.choice(small).read_bytes())
        op = rng.randrange(4)
        if op == 0:
            raw = raw[:rng.randrange(len(raw) + 1)]
        elif op == 1:
            for _ in range(50):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        elif op == 2:
            pos = rng.randrange(len(raw))
            raw[pos:pos] = rng.choice(stray)
        else:
            raw = raw[rng.randrange(len(raw)):]
        try:
            build_filing_text(parse_submission(bytes(raw)))
            outcomes["ok"] += 1
        except ParseError as e:
            assert str(e), "a parse error always says why"
            outcomes["parse_error"] += 1
    assert outcomes["ok"] > 50 and outcomes["parse_error"] > 50
