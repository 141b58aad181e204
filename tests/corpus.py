"""Where the read-only shared corpus is: `EDGAR8K_SHARED`, else `../shared` beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_shared() -> Path | None:
    candidate = Path(os.environ.get("EDGAR8K_SHARED") or REPO.parent / "shared")
    return candidate if (candidate / "corpus").is_dir() else None


SHARED: Path | None = _find_shared()
SEED = SHARED / "seeds" / "000_c925b9460a6f9d51.txt" if SHARED else None


def require_shared() -> Path:
    """The shared folder, or skip the test with a message that says how to provide it."""
    if SHARED is None:
        pytest.skip("../shared/corpus not found: set EDGAR8K_SHARED to the shared folder to run corpus tests")
    return SHARED
