"""Fixtures shared by the whole suite: an isolated Prefect, the demo mirror, a running EDGAR server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
TEST_UA = "edgar8k test-suite tests@example.com"

_PREFECT_HOME = tempfile.mkdtemp(prefix="edgar8k-prefect-")
for key, value in {
    "PREFECT_HOME": _PREFECT_HOME,
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "CRITICAL",  # the temporary server's shutdown noise is not the user's business
}.items():
    os.environ[key] = value  # before Prefect is imported anywhere: isolated, quiet, offline
for key in [k for k in os.environ if k.startswith("EDGAR8K_") and k != "EDGAR8K_SHARED"]:
    del os.environ[key]


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One Prefect test harness (temporary SQLite + server) for every test that runs a real flow."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def demo_mirror() -> Path:
    if not (DEMO / "Archives").is_dir():
        pytest.fail(f"the demo mirror {DEMO} is missing from the repository")
    return DEMO


@pytest.fixture
def demo_server(demo_mirror: Path) -> Iterator["object"]:
    from edgar8k.testing.edgar_server import EdgarServer

    with EdgarServer(demo_mirror) as server:
        yield server
