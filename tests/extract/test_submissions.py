"""fetch_submission over the test server: store first, legacy fallback, co-registrants, validation."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from edgar8k.extract.edgar_index import IndexEntry, list_range
from edgar8k.extract.http import FetchError
from edgar8k.extract.raw_store import RawStore
from edgar8k.extract.submissions import fetch_submission, legacy_submission_path, submission_path

ENTRY = IndexEntry("0001193125-19-292676", 320193, "Apple Inc.", "8-K", date(2019, 11, 15),
                   "edgar/data/320193/0001193125-19-292676.txt", (320193,))


def test_paths_follow_edgar_layout():
    assert submission_path(ENTRY) == "Archives/edgar/data/320193/000119312519292676/0001193125-19-292676.txt"
    assert legacy_submission_path(ENTRY) == "Archives/edgar/data/320193/0001193125-19-292676.txt"


@pytest.mark.parametrize("change", [{"accession_number": "../../../etc/x"}, {"accession_number": "1193125-19-292676"},
                                    {"cik": "320193/../.."}, {"cik": -1}, {"cik": 10**11}, {"ciks": (320193, "x")}])
def test_bad_accession_or_cik_never_becomes_a_path(change):
    with pytest.raises(FetchError):
        submission_path(dataclasses.replace(ENTRY, **change))


def _entries(client):
    return list_range(client, date(2021, 1, 1), date(2021, 3, 31), today=date(2021, 6, 1))


def test_fetches_every_listed_filing_once_and_never_again(edgar_client, edgar_server, mirror_dir, tmp_path):
    store = RawStore(tmp_path / "raw")
    entries = _entries(edgar_client)
    for e in entries:
        rec = fetch_submission(edgar_client, store, e)
        assert rec.accession_number == e.accession_number
        assert e.accession_number.encode() in rec.data[:200]
    assert store.list() == [e.accession_number for e in entries]
    before = len(edgar_server.requests_log())
    again = [fetch_submission(edgar_client, RawStore(tmp_path / "raw"), e) for e in entries]
    assert len(edgar_server.requests_log()) == before, "a stored filing must never be fetched again"
    assert [r.sha256 for r in again] == [store.get(e.accession_number).sha256 for e in entries]


def test_legacy_flat_path_and_co_registrant_folders(edgar_client, edgar_server, mirror_filings, tmp_path):
    store = RawStore(tmp_path)
    legacy = next(f for f in mirror_filings if f.legacy_only)
    entry = next(e for e in _entries(edgar_client) if e.accession_number == legacy.accession_number)
    rec = fetch_submission(edgar_client, store, entry)
    assert rec.source_url.endswith(f"/data/{entry.cik}/{entry.accession_number}.txt")
    assert [r.status for r in edgar_server.requests_log()][-2:] == [404, 200]

    co = next(f for f in mirror_filings if len(f.ciks) > 1 and not f.legacy_only and f.form_type.startswith("8-K"))
    e2 = next(e for e in _entries(edgar_client) if e.accession_number == co.accession_number)
    assert e2.ciks == co.ciks
    assert fetch_submission(edgar_client, store, e2).data


def test_missing_everywhere_is_a_fetch_error(edgar_client, tmp_path):
    ghost = dataclasses.replace(ENTRY, accession_number="0000000001-21-999999", cik=1, ciks=(1, 2))
    with pytest.raises(FetchError, match="not found at"):
        fetch_submission(edgar_client, RawStore(tmp_path), ghost)
    assert RawStore(tmp_path).list() == []
