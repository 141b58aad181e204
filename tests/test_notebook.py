"""The issuance explorer notebook runs top to bottom on demo output, in a real kernel, without error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO
from tests.test_api import build_demo_output

NOTEBOOK = REPO / "notebooks" / "issuance_explorer.ipynb"


def _notebook() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_committed_without_outputs() -> None:
    nb = _notebook()
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear outputs before committing"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_missing_output_says_run_demo_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = next(c.source for c in _notebook().cells if c.cell_type == "code")
    monkeypatch.setenv("EDGAR8K_OUT", str(tmp_path / "nothing-here"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    with pytest.raises(FileNotFoundError, match=r"run `edgar8k demo` .*first"):
        exec(compile(setup, "setup-cell", "exec"), {})


def test_runs_top_to_bottom_on_demo_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    out = tmp_path / "parquet"
    build_demo_output(out)
    monkeypatch.setenv("EDGAR8K_OUT", str(out))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = _notebook()
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                     if o.output_type == "stream" and o.get("name") == "stdout")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert f"reading {out.resolve()}" in text  # EDGAR8K_OUT, not the repository's data/parquet
    assert "superseded by a later amendment: ['0001990004-15-000045']" in text
    assert "1. Halcyon Demo Therapeutics, Inc." in text and "written as '$15.0 million'" in text.lower()
