"""EDGAR's daily and quarterly index files: where the list of filings to fetch comes from.

Index files are untrusted input: every accession number and CIK is validated here, and the
submission path is rebuilt from them, so nothing a mirror writes can become an arbitrary path.
"""

from __future__ import annotations

import logging
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

ACCESSION_RE = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_FILE_RE = re.compile(r"^edgar/data/(?P<cik>\d{1,10})/(?P<acc>\d{10}-\d{2}-\d{6})\.txt$")
DEFAULT_FORMS = ("8-K", "8-K/A")


class IndexFormatError(ValueError):
    """The bytes are not an EDGAR index file (no dash line under a known header)."""


class Getter(Protocol):
    def get(self, path: str) -> bytes | None: ...


@dataclass(frozen=True, order=True, slots=True)
class IndexEntry:
    accession_number: str
    cik: int
    company_name: str
    form_type: str
    filing_date: date
    path: str  # edgar/data/{cik}/{acc}.txt, rebuilt from the validated CIK and accession
    ciks: tuple[int, ...] = field(default=())


_LISTING_COLUMNS = ("accession_number", "cik", "company_name", "form_type", "filing_date", "path", "ciks")


def _listing_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([("accession_number", pa.string()), ("cik", pa.int64()), ("company_name", pa.string()),
                      ("form_type", pa.string()), ("filing_date", pa.date32()), ("path", pa.string()),
                      ("ciks", pa.list_(pa.int64()))])


@dataclass(frozen=True)
class IndexListing:
    """A listed range kept compact: its entries as one Arrow table sorted by (filing_date,
    accession_number), with each filing day and how many it lists. A quarter lists ~20,000 filings;
    as IndexEntry objects, built in a burst and kept until the quarter was done, they fragmented
    Python's small-object heap and a backfill's RSS stepped up at every quarter. `entries` builds one
    day's objects when that day is wanted; the table's buffers are freed whole."""
    table: pa.Table
    days: tuple[date, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, entries: Iterable[IndexEntry]) -> IndexListing:
        """For entries the caller holds anyway; a range's are listed by `list_range_compact`."""
        import pyarrow as pa

        entries = list(entries)
        schema = _listing_schema()
        return cls._of_table(pa.table([pa.array([getattr(e, c) for e in entries], schema.field(c).type)
                                       for c in _LISTING_COLUMNS], schema=schema))

    @classmethod
    def _of_table(cls, table: pa.Table) -> IndexListing:
        import pyarrow.compute as pc

        table = table.sort_by([("filing_date", "ascending"), ("accession_number", "ascending")]).combine_chunks()
        per_day = pc.value_counts(table["filing_date"])  # in order of first appearance, so by date
        return cls(table, tuple(per_day.field("values").to_pylist()), tuple(per_day.field("counts").to_pylist()))

    def __len__(self) -> int:
        return self.table.num_rows

    def entries(self, day: date, skip: pa.Array | None = None) -> list[IndexEntry]:
        """The day's entries in listing order, less those whose accession number is in `skip`."""
        import pyarrow.compute as pc

        i = bisect_left(self.days, day)
        if i == len(self.days) or self.days[i] != day:
            return []
        t = self.table.slice(sum(self.counts[:i]), self.counts[i])
        if skip is not None and len(skip):
            t = t.filter(pc.invert(pc.is_in(t["accession_number"], value_set=skip)))
        return _entries_of(t)


def _entries_of(t: pa.Table) -> list[IndexEntry]:
    return [IndexEntry(acc, cik, name, form, filed, path, tuple(ciks))
            for acc, cik, name, form, filed, path, ciks in zip(*(t[c].to_pylist() for c in _LISTING_COLUMNS))]


def valid_accession(acc: str) -> bool:
    return bool(ACCESSION_RE.match(acc))


def _parse_date(text: str) -> date:
    return datetime.strptime(text.replace("-", ""), "%Y%m%d").date()


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _lines(text: str) -> Iterator[str]:
    """The index's lines one at a time: a quarter's index has ~300,000 rows, of which a backfill keeps
    the few percent that are 8-Ks, and a list of them all would be the run's largest allocation."""
    pos, n = 0, len(text)
    while pos <= n:
        end = text.find("\n", pos)
        if end < 0:
            end = n
        yield text[pos:end]
        pos = end + 1


def _header_and_rows(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """Split at the first all-dash line: the preamble length varies, the dash line does not."""
    preamble: list[str] = []
    for line in lines:
        if len(line) > 20 and set(line.strip()) == {"-"}:
            return " ".join(l.strip() for l in preamble[-2:]), lines
        preamble.append(line)
        if len(preamble) > 100:
            break
    raise IndexFormatError("no dashed separator line: not an EDGAR index file")


def _row(cik: str, name: str, form: str, day: str, file: str) -> tuple[str, int, str, str, date] | None:
    """One validated row, or None (logged) if a field could become a bad path."""
    m = _FILE_RE.match(file.strip())
    if not m or not cik.strip().isdigit() or int(m["cik"]) != int(cik):
        log.warning("skipping index row with an unexpected file name or CIK: %r %r", cik, file)
        return None
    try:
        filed = _parse_date(day.strip())
    except ValueError:
        log.warning("skipping index row with a bad date: %r", day)
        return None
    return m["acc"], int(cik), " ".join(name.split()), form.strip(), filed


def _parse_rows(header: str, rows: Iterable[str], form_ok: Callable[[str], bool],
                accessions: Container[str] | None = None) -> Iterator[tuple[str, int, str, str, date]]:
    """Rows whose form passes `form_ok` (and whose file names one of `accessions`, when given),
    checked before a row is validated: most rows of a quarter's index are not wanted."""
    pipe = "|" in header
    company_first = header.lstrip().lower().startswith("company")
    for line in rows:
        if not line.strip():
            continue
        if pipe:
            parts = line.split("|")
            if len(parts) != 5:
                log.warning("skipping malformed index row: %r", line[:200])
                continue
            cik, name, form, day, file = parts
        else:
            parts = line.rstrip().rsplit(None, 3)
            if len(parts) != 4:
                log.warning("skipping malformed index row: %r", line[:200])
                continue
            left, cik, day, file = parts
            if company_first:
                name, form = left[:62], left[62:]
            else:
                form, name = left[:12], left[12:]
        if not form_ok(form) or accessions is not None and file.strip()[-24:-4] not in accessions:
            continue
        r = _row(cik, name, form, day, file)
        if r:
            yield r


_EPOCH = date(1970, 1, 1).toordinal()


def _rows_table(rows: Iterable[tuple[str, int, str, str, date]]) -> pa.Table:
    """Rows gathered as columns, a few growing buffers, not as a tuple each. A quarter's ~20,000 rows
    built as objects in one burst, while the fetch threads allocated too, left Python's small-object
    arenas pinned: a 100,000-filing backfill's RSS stepped up ~2.5 MB at quarter boundaries, while
    malloc's bytes and Python's block count stayed level (sampled in-process)."""
    import pyarrow as pa

    text = {c: (bytearray(), array("q", [0])) for c in ("accession_number", "company_name", "form_type")}
    cols = list(text.values())
    ciks, days = array("q"), array("i")
    for acc, cik, name, form, filed in rows:
        for (buf, ends), value in zip(cols, (acc, name, form)):
            buf += value.encode()
            ends.append(len(buf))
        ciks.append(cik)
        days.append(filed.toordinal() - _EPOCH)
    n = len(ciks)

    def strings(buf: bytearray, ends: array) -> pa.Array:
        offsets_and_bytes = [None, pa.py_buffer(ends), pa.py_buffer(buf)]
        return pa.Array.from_buffers(pa.large_string(), n, offsets_and_bytes).cast(pa.string())

    return pa.table({**{c: strings(*bufs) for c, bufs in text.items()},
                     "cik": pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(ciks)]),
                     "filing_date": pa.Array.from_buffers(pa.date32(), n, [None, pa.py_buffer(days)])})


def _starts(*cols: pa.Array) -> pa.Array:
    """True where a row differs from the one before it in any of `cols` (rows sorted by them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(cols[0])
    differs = pa.array([], pa.bool_())
    if n > 1:
        differs = pc.not_equal(cols[0].slice(1), cols[0].slice(0, n - 1))
        for c in cols[1:]:
            differs = pc.or_(differs, pc.not_equal(c.slice(1), c.slice(0, n - 1)))
    return pa.concat_arrays([pa.array([True] * min(n, 1), pa.bool_()), differs])


def _one_per_accession(rows: pa.Table, wanted: frozenset[str] | None) -> pa.Table:
    """An accession's rows as one entry: every CIK in `ciks`, the lowest CIK's row for the rest;
    dropped if that row's form is not wanted. Sorted by accession number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = rows.sort_by([("accession_number", "ascending"), ("cik", "ascending"), ("form_type", "ascending"),
                         ("filing_date", "ascending"), ("company_name", "ascending")])
    acc, cik = rows["accession_number"].combine_chunks(), rows["cik"].combine_chunks()
    heads = rows.filter(_starts(acc))
    pairs = rows.filter(_starts(acc, cik))
    firsts = pc.indices_nonzero(_starts(pairs["accession_number"].combine_chunks()))
    offsets = pa.concat_arrays([firsts.cast(pa.int32()), pa.array([pairs.num_rows], pa.int32())])
    ciks = pa.ListArray.from_arrays(offsets, pairs["cik"].combine_chunks())
    if wanted is not None:
        keep = pc.is_in(pc.utf8_upper(heads["form_type"]), value_set=pa.array(sorted(wanted), pa.string()))
        heads, ciks = heads.filter(keep), ciks.filter(keep)
    path = pc.binary_join_element_wise("edgar/data/", pc.cast(heads["cik"], pa.string()), "/",
                                       heads["accession_number"], ".txt", "")
    return pa.table([*(heads[c] for c in _LISTING_COLUMNS[:5]), path, ciks], schema=_listing_schema())


def _parse_table(data: bytes, forms: Iterable[str] | None = None) -> pa.Table:
    """`parse_index` as a table in the listing's schema, sorted by accession number."""
    import pyarrow as pa

    wanted = None if forms is None else frozenset(f.strip().upper() for f in forms)
    text = _text(data)
    header, rows = _header_and_rows(_lines(text))
    found = _rows_table(_parse_rows(header, rows, lambda form: wanted is None or form.strip().upper() in wanted))
    if wanted is not None and found.num_rows:
        # The same accession's rows under other forms (co-registrants, EDGAR's own slips) still add
        # their CIKs, and the lowest CIK's row still names the form.
        accessions = set(found["accession_number"].to_pylist())
        header, rows = _header_and_rows(_lines(text))
        others = _rows_table(_parse_rows(header, rows, lambda form: form.strip().upper() not in wanted, accessions))
        del accessions
        found = pa.concat_tables([found, others])
    return _one_per_accession(found, wanted)


def parse_index(data: bytes, forms: Iterable[str] | None = None) -> list[IndexEntry]:
    """The filings in a master/form/company index (daily or quarterly), one entry per accession;
    only those of `forms` when given (the same entries as filtering afterwards, built from only
    the rows they need).

    An accession listed under several filers becomes one entry: `ciks` holds every CIK and `cik`
    (with its name, form and date) the lowest one, so the result does not depend on row order.
    """
    return _entries_of(_parse_table(data, forms))


# -- paths -------------------------------------------------------------------------------------

def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def daily_index_path(day: date, kind: str = "form") -> str:
    return f"Archives/edgar/daily-index/{day.year}/QTR{quarter_of(day)}/{kind}.{day:%Y%m%d}.idx"


def quarterly_index_path(year: int, quarter: int, kind: str = "form") -> str:
    return f"Archives/edgar/full-index/{year}/QTR{quarter}/{kind}.idx"


# -- business days ----------------------------------------------------------------------------

def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def _last_weekday(year: int, month: int, weekday: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    return d - timedelta(days=1) if d.weekday() == 5 else d + timedelta(days=1) if d.weekday() == 6 else d


def federal_holidays(year: int) -> set[date]:
    """US federal holidays on which EDGAR does not disseminate (observed dates)."""
    days = {
        _observed(date(year, 1, 1)), _nth_weekday(year, 1, 0, 3), _nth_weekday(year, 2, 0, 3),
        _last_weekday(year, 5, 0), _observed(date(year, 7, 4)), _nth_weekday(year, 9, 0, 1),
        _nth_weekday(year, 10, 0, 2), _observed(date(year, 11, 11)), _nth_weekday(year, 11, 3, 4),
        _observed(date(year, 12, 25)),
    }
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))
    return days


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def business_days(start: date, end: date) -> list[date]:
    """Business days in [start, end]."""
    out, d = [], start
    while d <= end:
        if is_business_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def weekdays(start: date, end: date) -> list[date]:
    """Mon-Fri in [start, end]: what a listing asks for, so an unlisted closure costs one request, not data."""
    out, d = [], start
    while d <= end:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def last_business_days(n: int, today: date) -> list[date]:
    """The n business days up to and including `today` (the nightly job's re-list window)."""
    out, d = [], today
    while len(out) < n:
        if is_business_day(d):
            out.append(d)
        d -= timedelta(days=1)
    return sorted(out)


# -- listing ----------------------------------------------------------------------------------

def _fetch_table(client: Getter, paths: Iterable[str], forms: Iterable[str]) -> pa.Table | None:
    for p in paths:
        data = client.get(p)
        if data is not None:
            return _parse_table(data, forms)
    return None


def _day_paths(day: date) -> list[str]:
    return [daily_index_path(day, "form"), daily_index_path(day, "master")]


def _quarter_paths(year: int, quarter: int) -> list[str]:
    return [quarterly_index_path(year, quarter, "form"), quarterly_index_path(year, quarter, "master")]


def list_day(client: Getter, day: date, forms: Iterable[str] = DEFAULT_FORMS) -> list[IndexEntry]:
    """Filings of the wanted forms in one day's daily index; [] when the day has no index."""
    t = _fetch_table(client, _day_paths(day), forms)
    return [] if t is None else _entries_of(t)


def list_quarter(client: Getter, year: int, quarter: int,
                 forms: Iterable[str] = DEFAULT_FORMS) -> list[IndexEntry] | None:
    """Filings of the wanted forms in a quarterly full-index; None when that index does not exist."""
    t = _fetch_table(client, _quarter_paths(year, quarter), forms)
    return None if t is None else _entries_of(t)


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def _range_table(client: Getter, start: date, end: date, forms: Iterable[str], today: date | None) -> pa.Table:
    """`list_range` as a table sorted by accession number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    forms = tuple(forms)
    today = today or date.today()
    parts: list[pa.Table] = []
    y, q = start.year, quarter_of(start)
    while (y, q) <= (end.year, quarter_of(end)):
        qs, qe = _quarter_bounds(y, q)
        lo, hi = max(start, qs), min(end, qe)
        days = weekdays(lo, hi)
        found = None
        if qe < today and (len(days) > 1 or y < 1999):
            found = _fetch_table(client, _quarter_paths(y, q), forms)
            if found is not None:
                d = found["filing_date"]
                found = found.filter(pc.and_(pc.greater_equal(d, pa.scalar(lo, pa.date32())),
                                             pc.less_equal(d, pa.scalar(hi, pa.date32()))))
        if found is None:
            parts += [t for d in days if (t := _fetch_table(client, _day_paths(d), forms)) is not None]
        else:
            parts.append(found)
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    if not parts:
        return _listing_schema().empty_table()
    # An accession listed in more than one index file keeps its first listing.
    every = pa.concat_tables(parts)
    order = array("q", range(every.num_rows))
    every = every.append_column("_order", pa.Array.from_buffers(pa.int64(), len(order),
                                                                [None, pa.py_buffer(order)]))
    every = every.sort_by([("accession_number", "ascending"), ("_order", "ascending")]).combine_chunks()
    first = every.filter(_starts(every["accession_number"].combine_chunks()))
    return first.drop_columns(["_order"])


def list_range(client: Getter, start: date, end: date, forms: Iterable[str] = DEFAULT_FORMS,
               today: date | None = None) -> list[IndexEntry]:
    """Every filing of the wanted forms filed in [start, end], in as few requests as possible.

    Per quarter: the quarterly full-index (one request) when the range needs more than one day of
    it and the quarter is closed; otherwise, or if it is missing, the daily indexes.
    """
    return _entries_of(_range_table(client, start, end, forms, today))


def list_range_compact(client: Getter, start: date, end: date, forms: Iterable[str] = DEFAULT_FORMS,
                       today: date | None = None) -> IndexListing:
    """`list_range` as an IndexListing, made without an object per entry (see `_rows_table`)."""
    return IndexListing._of_table(_range_table(client, start, end, forms, today))
