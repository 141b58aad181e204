"""Fetching one full submission (`{acc}.txt`), store first: a stored accession is never fetched twice."""

from __future__ import annotations

from edgar8k.extract.edgar_index import IndexEntry, valid_accession
from edgar8k.extract.http import EdgarClient, FetchError
from edgar8k.extract.raw_store import RawRecord, RawStore


def _checked(entry: IndexEntry) -> tuple[str, list[int]]:
    acc = entry.accession_number
    if not valid_accession(acc):
        raise FetchError(str(acc), "accession number is not NNNNNNNNNN-YY-NNNNNN")
    ciks = [entry.cik, *[c for c in entry.ciks if c != entry.cik]]
    for c in ciks:
        if isinstance(c, bool) or not isinstance(c, int) or not 0 < c < 10**10:
            raise FetchError(acc, f"CIK {c!r} is not a positive integer of at most 10 digits")
    return acc, ciks


def submission_path(entry: IndexEntry, cik: int | None = None) -> str:
    """The filing-folder path EDGAR serves today: data/{cik}/{acc18}/{acc}.txt."""
    acc, ciks = _checked(entry)
    return f"Archives/edgar/data/{cik or ciks[0]}/{acc.replace('-', '')}/{acc}.txt"


def legacy_submission_path(entry: IndexEntry, cik: int | None = None) -> str:
    """The flat path the index files still name: data/{cik}/{acc}.txt."""
    acc, ciks = _checked(entry)
    return f"Archives/edgar/data/{cik or ciks[0]}/{acc}.txt"


def candidate_paths(entry: IndexEntry) -> list[str]:
    """Where the submission may be, most likely first; co-registrants' folders come last."""
    _, ciks = _checked(entry)
    paths = [submission_path(entry), legacy_submission_path(entry)]
    paths += [submission_path(entry, c) for c in ciks[1:]]
    return paths


def fetch_submission(client: EdgarClient, store: RawStore, entry: IndexEntry) -> RawRecord:
    """The raw submission from the store, or fetched once and stored; FetchError if nowhere to be found."""
    acc, _ = _checked(entry)
    rec = store.get(acc)
    if rec is not None:
        return rec
    for path in candidate_paths(entry):
        data = client.get(path)
        if data == b"":
            raise FetchError(acc, f"empty response for {path}")
        if data is not None:
            return store.put(acc, data, client.url_for(path))
    raise FetchError(acc, "submission not found at " + ", ".join(candidate_paths(entry)))
