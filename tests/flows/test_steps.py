import datetime as dt

import pytest

from edgar8k.flows import steps
from edgar8k.load.parquet import SchemaError, write_filings
from tests.load.test_parquet import digest, filing, issuance

D1, D2 = dt.date(2001, 3, 13), dt.date(2001, 4, 2)


def part(day: dt.date, *accs: str) -> steps.BatchResult:
    p = steps.BatchResult()
    for acc in accs:
        p.add(day, filing(acc, day), [issuance(acc, day), issuance(acc, day, s=1)])
    return p


def test_a_write_batch_packs_its_rows_and_writes_what_the_rows_would(tmp_path):
    batch = steps.BatchResult()
    for p in (part(D1, "a", "b"), part(D2, "c")):
        steps.merge(batch, p)
    assert (batch.filings, batch.issuances, batch.size, batch.packed.rows) == ([], [], 3, 3)
    assert batch.counts["filings"] == 3 and batch.counts["issuance_rows"] == 6
    stats = steps.write_batch(batch, str(tmp_path / "packed"))
    assert stats == {"filings": 3, "issuances": 6}
    assert (batch.size, batch.counts["filings"]) == (0, 3)  # counts only: merged on, it adds no rows
    every = part(D1, "a", "b")
    every.filings += part(D2, "c").filings
    every.issuances += part(D2, "c").issuances
    write_filings(every.filings, every.issuances, str(tmp_path / "rows"))
    assert digest(tmp_path / "packed") == digest(tmp_path / "rows")


def test_a_write_batch_holds_its_rows_in_one_buffer_per_table_not_one_per_column_and_day():
    """Long-lived small buffers among the transform's short-lived ones pinned heap pages (Spool's docstring)."""
    def root(buf):
        while buf.parent is not None:
            buf = buf.parent
        return buf

    batch = steps.BatchResult()
    for k in range(6):
        steps.merge(batch, part(D1 + dt.timedelta(days=k), f"a{k}", f"b{k}"))
    assert batch.size == 12
    for table in batch.packed.tables():
        assert len(table.column(0).chunks) == 6
        regions = {(root(b).address, root(b).size) for column in table.columns for chunk in column.chunks
                   for b in chunk.buffers() if b is not None and b.size}
        assert len(regions) == 1, f"{table.num_rows} rows held in {len(regions)} separate buffers"


def test_rows_added_one_at_a_time_are_packed_at_the_write(tmp_path):
    batch = part(D1, "a")
    steps.merge(batch, part(D2, "c"))
    assert batch.size == 2
    assert steps.write_batch(batch, str(tmp_path)) == {"filings": 2, "issuances": 4}
    assert steps.write_batch(steps.BatchResult(), str(tmp_path)) == {"filings": 0, "issuances": 0}


def test_a_bad_row_is_refused_when_merged_not_at_the_end_of_the_batch():
    bad = steps.BatchResult()
    bad.add(D1, filing("a", D1), [issuance("a", D1, security_type="stock")])
    with pytest.raises(SchemaError, match="issuances.security_type"):
        steps.merge(steps.BatchResult(), bad)
