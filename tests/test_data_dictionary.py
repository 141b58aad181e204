"""The data dictionary is generated, committed, and matches both the declared schemas and real files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from edgar8k.load import dictionary
from edgar8k.load.parquet import part_file, write_filings
from edgar8k.load.schema import PARTITION_COLUMN, TABLES, arrow_schema

from tests.conftest import DEMO

HALCYON = DEMO / "Archives/edgar/data/1990001/000199000124000011/0001990001-24-000011.txt"
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| `(?P<type>[^`]+)` \| `(?P<pandas>[^`]+)` \| (?P<required>[^|]+) \|")


def documented_columns(markdown: str) -> dict[str, list[tuple[str, str, str, bool]]]:
    """(name, arrow type, pandas dtype, required) per table, parsed back out of the Markdown."""
    tables: dict[str, list[tuple[str, str, str, bool]]] = {}
    current = None
    for line in markdown.splitlines():
        heading = re.match(r"^## `(\w+)`$", line)
        if heading:
            current = tables.setdefault(heading.group(1), [])
            continue
        m = ROW.match(line)
        if m and current is not None:
            current.append((m["name"], m["type"], m["pandas"], "yes" in m["required"]))
    return tables


def test_committed_file_is_the_generated_one() -> None:
    committed = dictionary.DOC_PATH.read_text()
    assert committed == dictionary.render_markdown(), (
        "docs/data-dictionary.md is stale: run `python -m edgar8k.load.dictionary` and commit it")


def test_every_declared_column_is_documented_with_its_type_in_order() -> None:
    docs = documented_columns(dictionary.DOC_PATH.read_text())
    assert set(docs) == set(TABLES)
    for table in TABLES:
        schema = arrow_schema(table)
        expected = [(f.name, str(f.type), dictionary.pandas_dtype(f.type), not f.nullable) for f in schema]
        assert docs[table] == expected, table


def test_every_column_has_meaning_example_and_numbers_have_units() -> None:
    for table, cols in TABLES.items():
        for c in cols:
            assert c.meaning.strip() and c.example.strip(), f"{table}.{c.name} lacks a meaning or an example"
            if pa.types.is_decimal(c.type):
                assert c.unit, f"{table}.{c.name}: money and prices need a unit"
    text = dictionary.render_markdown()
    assert "## Known limits of extraction" in text
    assert len(dictionary.KNOWN_LIMITS) >= 8


def test_documented_schema_is_what_the_writer_puts_in_files(tmp_path: Path) -> None:
    from edgar8k.api import extract_file

    filing, issuances = extract_file(HALCYON)
    day = filing.loc[0, "filing_date"]
    write_filings(filing, issuances, str(tmp_path))
    docs = documented_columns(dictionary.render_markdown())
    for table in TABLES:
        written = pq.read_schema(tmp_path / table / f"{PARTITION_COLUMN}=2024" / part_file(day.month))
        in_file = [(f.name, str(f.type).replace("list<element: ", "list<item: ")) for f in written]  # Parquet's list naming
        documented = [(n, t) for n, t, _, _ in docs[table] if n != PARTITION_COLUMN]
        assert in_file == documented, table


def test_check_mode_flags_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "dd.md"
    stale.write_text(dictionary.render_markdown().replace("`shares`", "`share_count`"))
    run = subprocess.run([sys.executable, "-m", "edgar8k.load.dictionary", "--check", "--path", str(stale)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "out of date" in run.stderr
    assert dictionary.main(["--path", str(stale)]) == 0
    assert dictionary.main(["--check", "--path", str(stale)]) == 0


@pytest.mark.parametrize("table", list(TABLES))
def test_allowed_values_are_listed(table: str) -> None:
    text = dictionary.render_markdown()
    for c in TABLES[table]:
        for value in c.allowed:
            assert f"`{value}`" in text
