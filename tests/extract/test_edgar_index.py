"""Index parsing on real EDGAR index files, hostile rows, business days, and listing over the test server."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pyarrow as pa
import pytest

from edgar8k.extract.edgar_index import (IndexEntry, IndexFormatError, IndexListing, business_days,
                                         daily_index_path, last_business_days, list_day, list_quarter,
                                         list_range, list_range_compact, parse_index, quarterly_index_path,
                                         weekdays)
from edgar8k.extract.http import EdgarClient
from tests.corpus import require_shared
from tests.fixtures_edgar import fast_settings


def _idx(name: str) -> bytes:
    return (require_shared() / "corpus" / "index" / name).read_bytes()


def test_daily_master_one_entry_per_accession_with_every_cik():
    entries = parse_index(_idx("keskinmbaha__master.idx"))
    assert len(entries) == 4655  # 7,989 rows, measured in docs/edgar.md
    assert sum(len(e.ciks) > 1 for e in entries) == 3180
    assert [e.accession_number for e in entries] == sorted(e.accession_number for e in entries)
    mpt = next(e for e in entries if e.accession_number == "0001193125-20-000720")
    assert mpt.form_type == "8-K" and mpt.filing_date == date(2020, 1, 3)
    assert 1287865 in mpt.ciks and 1524607 in mpt.ciks and mpt.cik == min(mpt.ciks)
    assert mpt.path == f"edgar/data/{mpt.cik}/0001193125-20-000720.txt"


def test_daily_form_and_wrapped_company_headers_agree():
    form = parse_index(_idx("form.20200318.idx"))
    company = parse_index(_idx("company.20221003.idx"))
    assert len(form) == 2666 and len(company) == 3195
    e = next(e for e in form if e.accession_number == "0001140361-20-006155")
    assert e == IndexEntry("0001140361-20-006155", 1806014, "DLP Positive Note Fund LLC", "1-A",
                           date(2020, 3, 18), "edgar/data/1806014/0001140361-20-006155.txt", (1806014,))
    c = next(e for e in company if e.accession_number == "0001104659-22-105357")
    assert (c.company_name, c.form_type, c.cik) == ("1st stREIT Office Inc.", "1-A POS", 1700461)


def test_quarterly_single_line_header_dashed_dates_and_overlong_names():
    master = parse_index(_idx("master.idx"))
    assert {e.filing_date.year for e in master} == {1993}
    form = parse_index(_idx("badform.idx.txt"))
    alfadan = [e for e in form if e.accession_number == "0001477932-21-001700"]
    assert len(alfadan) == 1, "the same accession under 1-A and 1-A POS is one filing"
    up = next(e for e in form if e.cik == 820694)
    assert up.company_name == "UNITED PLANNERS' FINANCIAL SERVICES OF AMERICA A LIMITED PARTNER"
    assert up.form_type == "X-17A-5" and up.filing_date == date(2021, 2, 24)
    assert parse_index(_idx("empty-form.idx")) == []


@pytest.mark.parametrize("name", ["keskinmbaha__master.idx", "form.20200318.idx", "company.20221003.idx",
                                  "company.idx", "master.20181231.idx", "badform.idx.txt"])
def test_asking_for_forms_gives_the_entries_filtering_would(name):
    data = _idx(name)
    everything = parse_index(data)
    for forms in (["8-K", "8-K/A"], ["8-k"], ["S-1/A"], ["1-A"], ["1-A POS"], ["4", "10-Q"]):
        wanted = {f.upper() for f in forms}
        assert parse_index(data, forms) == [e for e in everything if e.form_type.upper() in wanted], forms


def test_a_wanted_filing_keeps_the_ciks_its_other_rows_list():
    (e,) = [e for e in parse_index(_idx("company.20221003.idx"), ["S-1/A"])
            if e.accession_number == "0001104659-22-105373"]
    assert e.cik == 1839412 and len(e.ciks) == 15


HEADER = ("Description:           Daily Index of EDGAR Dissemination Feed\n \n"
          "CIK|Company Name|Form Type|Date Filed|File Name\n" + "-" * 80 + "\n")


def test_names_with_runs_of_spaces_and_duplicate_rows():
    rows = ("20|ACME   HOLDINGS  INC|8-K|20210105|edgar/data/20/0000000020-21-000001.txt\n"
            "20|ACME   HOLDINGS  INC|8-K|20210105|edgar/data/20/0000000020-21-000001.txt\n"
            "7|ACME SUB|8-K|20210105|edgar/data/7/0000000020-21-000001.txt\n")
    (e,) = parse_index((HEADER + rows).encode())
    assert e.ciks == (7, 20) and e.cik == 7 and e.company_name == "ACME SUB"
    fixed = ("Form Type   Company Name" + " " * 50 + "CIK         Date Filed  File Name\n" + "-" * 141 + "\n"
             + f"{'8-K':<12}{'BIG   SPACE   CO':<62}{'55':<12}{'20210105':<12}edgar/data/55/0000000055-21-000009.txt")
    (f,) = parse_index(fixed.encode())
    assert f.company_name == "BIG SPACE CO" and f.cik == 55


def test_hostile_rows_never_become_paths(caplog):
    rows = ("1|EVIL|8-K|20210105|edgar/data/1/../../../../etc/passwd.txt\n"
            "1|EVIL|8-K|20210105|edgar/data/1/0000000001-21-00001.txt\n"
            "abc|EVIL|8-K|20210105|edgar/data/1/0000000001-21-000001.txt\n"
            "2|EVIL|8-K|20210105|edgar/data/3/0000000001-21-000002.txt\n"
            "4|EVIL|8-K|2021-13-45|edgar/data/4/0000000001-21-000003.txt\n"
            "9|FINE|8-K|20210105|edgar/data/9/0000000009-21-000001.txt\n")
    entries = parse_index((HEADER + rows).encode())
    assert [e.accession_number for e in entries] == ["0000000009-21-000001"]
    assert caplog.text.count("skipping index row") == 5


def test_not_an_index_is_a_clear_error():
    with pytest.raises(IndexFormatError, match="not an EDGAR index"):
        parse_index(b"<html>maintenance</html>")


def test_paths_and_business_days():
    assert daily_index_path(date(2001, 3, 13)) == "Archives/edgar/daily-index/2001/QTR1/form.20010313.idx"
    assert quarterly_index_path(2021, 4, "master") == "Archives/edgar/full-index/2021/QTR4/master.idx"
    jan = business_days(date(2021, 1, 1), date(2021, 1, 31))
    assert date(2021, 1, 1) not in jan and date(2021, 1, 18) not in jan and len(jan) == 19
    assert date(2021, 1, 18) in weekdays(date(2021, 1, 1), date(2021, 1, 31))
    assert last_business_days(3, date(2021, 1, 19)) == [date(2021, 1, 14), date(2021, 1, 15), date(2021, 1, 19)]
    assert date(2022, 6, 20) not in business_days(date(2022, 6, 20), date(2022, 6, 20))  # Juneteenth observed
    assert date(2020, 12, 25) not in business_days(date(2020, 12, 21), date(2020, 12, 31))


def _wanted(filings, lo=date.min, hi=date.max):
    return {f.accession_number for f in filings if f.form_type.startswith("8-K") and lo <= f.filing_date <= hi}


def test_list_day_filters_forms_and_treats_missing_days_as_empty(edgar_client, edgar_server, mirror_filings):
    day = mirror_filings[0].filing_date
    entries = list_day(edgar_client, day)
    assert {e.accession_number for e in entries} == _wanted(mirror_filings, day, day)
    assert all(e.form_type in ("8-K", "8-K/A") for e in entries)
    assert list_day(edgar_client, date(2021, 1, 9)) == []  # a Saturday: 403 AccessDenied
    assert [r.status for r in edgar_server.requests_log()][-2:] == [403, 403]
    other = next(f.form_type for f in mirror_filings if not f.form_type.startswith("8-K"))
    others = list_day(edgar_client, next(f.filing_date for f in mirror_filings if f.form_type == other), [other])
    assert others and all(e.form_type == other for e in others)


def test_list_day_falls_back_to_master_index(tmp_path, mirror_dir, mirror_filings):
    day = mirror_filings[0].filing_date
    rel = daily_index_path(day, "master")
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_bytes((mirror_dir / rel).read_bytes())
    client = EdgarClient(fast_settings(str(tmp_path)))
    assert {e.accession_number for e in list_day(client, day)} == _wanted(mirror_filings, day, day)


def test_list_range_uses_one_quarterly_request_for_a_closed_quarter(edgar_client, edgar_server, mirror_filings):
    start, end = date(2021, 1, 1), date(2021, 3, 31)
    entries = list_range(edgar_client, start, end, today=date(2021, 6, 1))
    assert {e.accession_number for e in entries} == _wanted(mirror_filings)
    assert [r.path for r in edgar_server.requests_log()] == ["/" + quarterly_index_path(2021, 1)]
    assert list_quarter(edgar_client, 2020, 4) is None


def test_list_range_goes_daily_in_the_open_quarter_and_agrees(edgar_client, edgar_server, mirror_filings):
    start, end = date(2021, 1, 4), date(2021, 1, 15)
    daily = list_range(edgar_client, start, end, today=date(2021, 1, 20))
    assert len(edgar_server.requests_log()) >= len(weekdays(start, end))
    assert {e.accession_number for e in daily} == _wanted(mirror_filings, start, end)
    quarterly = list_range(edgar_client, start, end, today=date(2021, 6, 1))
    assert daily == quarterly


def _typed(e: IndexEntry) -> list[tuple[type, object]]:
    return [(type(getattr(e, f.name)), getattr(e, f.name)) for f in fields(IndexEntry)]


@pytest.mark.parametrize("name", ["keskinmbaha__master.idx", "form.20200318.idx", "company.20221003.idx",
                                  "company.idx", "master.20181231.idx", "badform.idx.txt", "master.idx"])
def test_a_compact_listing_gives_back_the_entries_list_range_returns(tmp_path, name):
    data = _idx(name)
    day = date(2021, 1, 5)  # a daily index lists whatever dates its rows carry: several days here
    (tmp_path / daily_index_path(day)).parent.mkdir(parents=True)
    (tmp_path / daily_index_path(day)).write_bytes(data)
    client = EdgarClient(fast_settings(str(tmp_path)))
    for forms in (["8-K", "8-K/A"], sorted({e.form_type for e in parse_index(data)})):
        entries = list_range(client, day, day, forms)
        listing = list_range_compact(client, day, day, forms)
        want = sorted(entries, key=lambda e: (e.filing_date, e.accession_number))
        assert len(listing) == len(entries) and listing.days == tuple(sorted({e.filing_date for e in entries}))
        assert listing.counts == tuple(sum(e.filing_date == d for e in entries) for d in listing.days)
        got = [e for d in listing.days for e in listing.entries(d)]
        assert [_typed(e) for e in got] == [_typed(e) for e in want], forms
    assert len(entries) == len(parse_index(data))  # every form: every entry of the file went through


def test_a_listed_day_less_the_accessions_done():
    listing = IndexListing.of(parse_index(_idx("keskinmbaha__master.idx"), ["8-K", "8-K/A"]))
    day = max(listing.days, key=lambda d: listing.counts[listing.days.index(d)])
    every = listing.entries(day)
    assert len(every) == listing.counts[listing.days.index(day)] > 3
    done = pa.array([every[0].accession_number, every[2].accession_number, "0000000000-20-000000"])
    assert listing.entries(day, skip=done) == [every[1]] + every[3:]
    assert listing.entries(day, skip=pa.array([e.accession_number for e in every])) == []
    assert listing.entries(day, skip=pa.array([], pa.string())) == every
    assert listing.entries(date(2020, 1, 4)) == [], "a Saturday: nothing listed"


def test_an_empty_range_is_an_empty_listing(tmp_path):
    day = date(2021, 1, 5)
    client = EdgarClient(fast_settings(str(tmp_path)))
    listings = [IndexListing.of([]), list_range_compact(client, day, date(2021, 1, 8))]  # no index at all
    (tmp_path / daily_index_path(day)).parent.mkdir(parents=True)
    (tmp_path / daily_index_path(day)).write_bytes(_idx("empty-form.idx"))
    listings.append(list_range_compact(client, day, day))  # an index with no rows
    for listing in listings:
        assert (len(listing), listing.days, listing.counts, listing.entries(day)) == (0, (), (), [])
