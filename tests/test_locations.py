"""Every folder-or-URI setting reads the same way: the output, the raw store and a mirror."""

from __future__ import annotations

from pathlib import Path

import pyarrow.fs as pafs
import pytest

from edgar8k.extract.raw_store import RawStore
from edgar8k.load.parquet import resolve_fs
from edgar8k.locations import LocationError, local_path

ACC = "0000950150-01-500299"


def test_folders_and_file_uris_name_the_same_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "my runs"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    expected = folder.resolve().as_posix()
    for spelling in (str(folder), "my runs", "~/my runs", "file://" + expected.replace(" ", "%20"),
                     "file://localhost" + expected):
        assert local_path(spelling) == expected, spelling
    assert local_path("s3://bucket/prefix") is None and local_path("memory://x") is None


def test_a_file_uri_on_another_host_is_refused_everywhere() -> None:
    with pytest.raises(LocationError, match="not on 'otherhost'"):
        local_path("file://otherhost/data")
    with pytest.raises(LocationError, match="not on 'otherhost'"):
        resolve_fs("file://otherhost/data/out")


def test_output_and_raw_store_agree_on_a_home_relative_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    fs, root = resolve_fs("~/edgar/out")
    assert isinstance(fs, pafs.LocalFileSystem) and root == (tmp_path / "edgar" / "out").as_posix()
    RawStore("~/edgar/raw").put(ACC, b"x", "http://127.0.0.1/x")
    assert RawStore(f"file://{tmp_path}/edgar/raw").list() == [ACC]
