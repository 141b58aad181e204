"""Fixtures shared by the whole suite: an isolated Prefect, the demo mirror, a running EDGAR server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any
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


class MotoS3:
    """A real S3 endpoint (moto's server mode) on loopback: buckets, pyarrow URIs, raw objects."""

    def __init__(self, host: str, port: int):
        self.endpoint = f"http://{host}:{port}"
        self.query = f"endpoint_override={host}:{port}&scheme=http&region=us-east-1"

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def uri(self, bucket: str, prefix: str) -> str:
        return f"s3://{bucket}/{prefix}?{self.query}"

    def objects(self, bucket: str, prefix: str) -> dict[str, bytes]:
        c = self.client()
        keys = [o["Key"] for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
                for o in page.get("Contents", [])]
        return {k: c.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("boto3")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    mp = pytest.MonkeyPatch()
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                 "AWS_DEFAULT_REGION": "us-east-1"}.items():
        mp.setenv(k, v)  # inherited by reprocess's worker processes
    yield MotoS3(*server.get_host_and_port())
    mp.undo()
    server.stop()
