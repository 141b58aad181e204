"""RawStore on a local folder and on S3 (moto's real S3 endpoint on loopback)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from edgar8k.extract.raw_store import RawStore, RawStoreError

ACC = "0001193125-21-000042"
DATA = b"<SEC-DOCUMENT>0001193125-21-000042.txt : 20210105\n" + b"filing text " * 500


def test_put_then_get_round_trips_compressed_with_sha(tmp_path):
    store = RawStore(tmp_path / "raw")
    rec = store.put(ACC, DATA, "https://www.sec.gov/Archives/x.txt")
    assert rec.sha256 == hashlib.sha256(DATA).hexdigest()
    again = RawStore(tmp_path / "raw").get(ACC)
    assert again == rec
    on_disk = Path(store.data_path(ACC))
    assert on_disk.stat().st_size < len(DATA) / 5 and gzip.decompress(on_disk.read_bytes()) == DATA
    meta = json.loads(Path(store.meta_path(ACC)).read_text())
    assert meta["sha256"] == rec.sha256 and meta["source_url"].endswith("x.txt") and meta["fetched_at"]
    assert not list((tmp_path / "raw").rglob("*.tmp")), "temporary files must be renamed away"


def test_missing_and_half_written_records_read_as_absent(tmp_path):
    store = RawStore(tmp_path)
    assert store.get(ACC) is None and not store.has(ACC)
    store.put(ACC, DATA, "u")
    Path(store.meta_path(ACC)).unlink()  # killed between data and sidecar
    assert store.get(ACC) is None and store.list() == []


def test_damaged_record_is_refetched_not_trusted(tmp_path, caplog):
    store = RawStore(tmp_path)
    store.put(ACC, DATA, "u")
    Path(store.data_path(ACC)).write_bytes(gzip.compress(b"something else"))
    assert store.get(ACC) is None
    Path(store.data_path(ACC)).write_bytes(b"not gzip at all")
    assert store.get(ACC) is None
    assert "fetched again" in caplog.text
    store.put(ACC, DATA, "u")
    assert store.get(ACC).data == DATA


def test_a_record_holds_its_submission_compressed_and_large_ones_are_checked_whole(tmp_path):
    big = b"".join(b"<P>row %d of a long exhibit table</P>\n" % i for i in range(60_000))  # ~2.3 MB
    store = RawStore(tmp_path)
    rec = store.put(ACC, big, "u")
    assert len(rec.gz) < len(big) / 5 and rec.data == big and "gz" not in repr(rec)
    assert store.get(ACC) == rec
    gz = Path(store.data_path(ACC))
    gz.write_bytes(gzip.compress(big[:-1] + b"X"))  # differs in the last of many decompressed chunks
    assert store.get(ACC) is None
    gz.write_bytes(gzip.compress(big)[:-100])  # truncated
    assert store.get(ACC) is None
    half = len(big) // 2
    gz.write_bytes(gzip.compress(big[:half]) + gzip.compress(big[half:]))  # two gzip members, as `cat a.gz b.gz`
    assert store.get(ACC).data == big


@pytest.mark.parametrize("bad", ["../../etc/passwd", "0001193125-21-00004", "0001193125/21/000042", "", None])
def test_keys_must_be_accession_numbers(tmp_path, bad):
    store = RawStore(tmp_path)
    with pytest.raises(RawStoreError, match="accession"):
        store.put(bad, b"x", "u")
    assert not any(tmp_path.iterdir())


def test_iter_accessions_lists_complete_records_sorted(tmp_path):
    store = RawStore(tmp_path)
    accs = ["0000950123-20-000001", "0001193125-21-000042", "0000000020-19-000007"]
    for a in accs:
        store.put(a, DATA, "u")
    (tmp_path / "stray.json").write_text("{}")
    assert list(store.iter_accessions()) == sorted(accs) == store.list()
    assert store.year_keys() == ["19", "20", "21"]
    assert list(store.iter_accessions("21")) == [accs[1]] and list(store.iter_accessions("98")) == []
    with pytest.raises(RawStoreError, match="two-digit accession year"):
        list(store.iter_accessions("2021"))


@pytest.fixture(scope="module")
def s3_uri(moto_s3):
    return moto_s3.uri(moto_s3.bucket("edgar-raw"), "prefix/raw")


def test_s3_store_behaves_like_the_local_one(s3_uri):
    store = RawStore(s3_uri)
    assert store.get(ACC) is None and store.list() == []
    rec = store.put(ACC, DATA, "u")
    fresh = RawStore(s3_uri)
    assert fresh.get(ACC) == rec and fresh.has(ACC) and fresh.list() == [ACC]
    assert fresh.year_keys() == [ACC[11:13]] and list(fresh.iter_accessions(ACC[11:13])) == [ACC]
    with fresh.fs.open_input_stream(fresh.data_path(ACC), compression=None) as f:
        assert gzip.decompress(f.read()) == DATA


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(RawStoreError, match="raw store 'nosuchscheme://bucket/x': no filesystem opens it"):
        RawStore("nosuchscheme://bucket/x")


def test_fsspec_only_schemes_work_too():
    pytest.importorskip("fsspec")
    store = RawStore("memory://edgar8k-tests/raw")
    store.put(ACC, DATA, "u")
    assert RawStore("memory://edgar8k-tests/raw").get(ACC).data == DATA
    assert store.list() == [ACC] and store.year_keys() == [ACC[11:13]]
    assert list(store.iter_accessions(ACC[11:13])) == [ACC] and list(store.iter_accessions("99")) == []


def test_file_uris_are_decoded_and_a_remote_host_is_refused(tmp_path):
    folder = tmp_path / "a b"
    RawStore(folder).put(ACC, b"x", "http://127.0.0.1/x")
    assert RawStore(f"file://{str(folder).replace(' ', '%20')}").list() == [ACC]
    assert RawStore(f"file://localhost{folder}").has(ACC)
    with pytest.raises(RawStoreError, match="not on 'otherhost'"):
        RawStore("file://otherhost/data/raw")


def test_a_symlinked_folder_is_listed(tmp_path):
    real = tmp_path / "real"
    RawStore(real).put(ACC, b"x", "http://127.0.0.1/x")
    linked = tmp_path / "store"
    linked.mkdir()
    (linked / ACC[11:13]).symlink_to(real / ACC[11:13])
    assert RawStore(linked).list() == [ACC]
