"""The sentence caches serve one filing: nothing a filing asked about is held once it is done, and no
answer depends on the filings processed before it."""

import datetime as dt

from edgar8k.transform.filing_cache import cached_entries
from edgar8k.transform.filing_text import build_filing_text
from edgar8k.transform.issuance import extract_issuances
from edgar8k.transform.records import FilingMeta, build_rows, process_submission
from edgar8k.transform.sgml import parse_submission
from tests.conftest import DEMO

PATHS = sorted((DEMO / "Archives" / "edgar" / "data").rglob("*.txt"))


def _meta(path) -> FilingMeta:
    return FilingMeta(path.stem, 1, "X", "8-K", dt.date(2001, 3, 9))


def test_each_filing_leaves_the_sentence_caches_empty():
    assert PATHS, f"no filings under {DEMO}"
    for path in PATHS:
        sub = parse_submission(path.read_bytes())
        text = build_filing_text(sub)
        extract_issuances(text, filing_date=None, event_date=None, company_name="X")
        assert cached_entries() > 0, f"{path.name}: the extractor asked nothing of the caches"
        build_rows(sub, text, _meta(path))
        assert cached_entries() == 0, f"{path.name}: a cache kept {cached_entries()} entries past the filing"


def test_rows_do_not_depend_on_the_filings_processed_before():
    def rows(paths):
        out = {}
        for path in paths:
            p = process_submission(path.read_bytes(), _meta(path))
            out[path.name] = (p.filing, p.issuances)
        return out

    assert rows(PATHS) == rows(PATHS[::-1])
