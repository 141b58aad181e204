"""Shared fixtures for anything that talks to EDGAR: a synthetic mirror, the test server, a client.

Import into a conftest with `from tests.fixtures_edgar import *` (the names are listed in __all__).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from edgar8k.config import Settings
from edgar8k.extract.http import EdgarClient
from edgar8k.testing.edgar_server import EdgarServer
from edgar8k.testing.mirror import MirrorFiling, write_mirror

__all__ = ["TEST_UA", "fast_settings", "_mirror", "mirror_filings", "mirror_dir", "edgar_server", "edgar_client"]

TEST_UA = "edgar8k tests tests@example.com"


def fast_settings(source: str, **overrides: object) -> Settings:
    """Settings for loopback tests: real retry/throttle logic with delays in milliseconds."""
    base = Settings(source=source, user_agent=TEST_UA, rate=500.0, workers=4, retries=4,
                    backoff_base=0.01, backoff_max=0.05, timeout=2.0, throttle_cooldown=0.5)
    return dataclasses.replace(base, **overrides)


@pytest.fixture(scope="session")
def _mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[MirrorFiling]]:
    root = tmp_path_factory.mktemp("mirror")
    return root, write_mirror(root, 40, seed=7)


@pytest.fixture(scope="session")
def mirror_dir(_mirror: tuple[Path, list[MirrorFiling]]) -> Path:
    """A 40-filing synthetic mirror (January 2021), shared read-only by the session."""
    return _mirror[0]


@pytest.fixture(scope="session")
def mirror_filings(_mirror: tuple[Path, list[MirrorFiling]]) -> list[MirrorFiling]:
    return _mirror[1]


@pytest.fixture
def edgar_server(mirror_dir: Path):
    """A fault-free test EDGAR over the synthetic mirror."""
    with EdgarServer(mirror_dir) as server:
        yield server


@pytest.fixture
def edgar_client(edgar_server: EdgarServer):
    with EdgarClient(fast_settings(edgar_server.url)) as client:
        yield client
