"""The raw store: every fetched submission, gzip-compressed and keyed by accession number.

It is what makes reruns cheap and reprocessing possible without the network: a filing in the store is
never fetched again. Each accession is two objects, `{acc}.txt.gz` and a JSON sidecar written last;
the sidecar is the commit mark, so a half-written record (a killed process) reads as absent.
Works over a local folder (plain file calls: a reprocess worker then needs no pyarrow, ~44 MB per
process) or any pyarrow filesystem URI (`s3://bucket/prefix?endpoint_override=...`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import stat
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator

from edgar8k.locations import LocationError, local_path, remote_filesystem

if TYPE_CHECKING:
    import pyarrow.fs as pafs

log = logging.getLogger(__name__)

_ACC = re.compile(r"^\d{10}-\d{2}-\d{6}$")


class RawStoreError(RuntimeError):
    """The store cannot be opened or an accession number is not valid as a key."""


@dataclass(frozen=True)
class RawRecord:
    """A stored submission, held as stored: gzip, ~1/7 of the submission's size. A backfill keeps a
    window of fetched records waiting for the transform; held decompressed, the larger submissions in
    it (8% of the scale mirror's are over 256 KB) made most of the run's memory spikes."""
    accession_number: str
    gz: bytes = field(repr=False)
    sha256: str
    fetched_at: datetime
    source_url: str

    @property
    def data(self) -> bytes:
        """The submission, decompressed anew on each access (~0.3 ms for 170 KB): nothing keeps it."""
        return gzip.decompress(self.gz)


_CHUNK = 1 << 18


def _matches(gz: bytes, sha256: str | None) -> bool:
    """Whether `gz` decompresses to bytes of this sha256, a chunk at a time: checking a 1.5 MB
    submission this way holds 256 KB of it, not all of it, and costs one decompression."""
    h, z, rest = hashlib.sha256(), zlib.decompressobj(zlib.MAX_WBITS | 16), gz
    while rest and not z.eof:
        h.update(z.decompress(rest, _CHUNK))
        rest = z.unconsumed_tail
    h.update(z.flush())
    if not z.eof:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")
    if z.unused_data or rest:  # another gzip member (not written by this store): check the whole of it
        return hashlib.sha256(gzip.decompress(gz)).hexdigest() == sha256
    return h.hexdigest() == sha256


def _check(acc: str) -> str:
    if not isinstance(acc, str) or not _ACC.match(acc):
        raise RawStoreError(f"not an accession number (NNNNNNNNNN-YY-NNNNNN): {acc!r}")
    return acc


def _open_fs(root: str) -> tuple[pafs.FileSystem | None, str]:
    """(filesystem, base path) for a filesystem URI; (None, folder) for a local folder."""
    try:
        local = local_path(root)
        return (None, local) if local is not None else remote_filesystem(root)
    except LocationError as e:
        raise RawStoreError(f"raw store {e}") from e


def _raise(e: OSError) -> None:
    raise RawStoreError(f"cannot list the raw store: {e}") from e


class RawStore:
    """Compressed raw submissions under `root`: `{root}/{yy}/{filer-prefix}/{acc}.txt.gz` + `.json`."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = str(root)
        self.fs, self.base = _open_fs(self.root)
        self.is_local = self.fs is None
        if self.is_local:
            os.makedirs(self.base, exist_ok=True)

    def __repr__(self) -> str:
        return f"RawStore({self.root!r})"

    def _dir(self, acc: str) -> str:
        return f"{self.base}/{acc[11:13]}/{acc[:10]}"

    def data_path(self, acc: str) -> str:
        return f"{self._dir(_check(acc))}/{acc}.txt.gz"

    def meta_path(self, acc: str) -> str:
        return f"{self._dir(_check(acc))}/{acc}.json"

    # -- reading -----------------------------------------------------------------------------

    def _read(self, path: str) -> bytes | None:
        if self.fs is None:
            try:
                with open(path, "rb") as f:
                    return f.read()
            except FileNotFoundError:
                return None
        try:
            with self.fs.open_input_stream(path, compression=None) as f:
                return f.read()
        except (FileNotFoundError, OSError) as e:
            if isinstance(e, FileNotFoundError) or "not found" in str(e).lower() or "No such" in str(e):
                return None
            raise

    def has(self, acc: str) -> bool:
        """Cheap existence check (the sidecar is written last, so it marks a complete record)."""
        if self.fs is None:
            try:
                return stat.S_ISREG(os.stat(self.meta_path(acc)).st_mode)
            except FileNotFoundError:
                return False  # anything else (permissions, a dead disk) is an error, not "absent"
        import pyarrow.fs as pafs

        return self.fs.get_file_info(self.meta_path(acc)).type == pafs.FileType.File

    def get(self, acc: str) -> RawRecord | None:
        """The stored record, or None if absent or damaged (a damaged record is refetched)."""
        meta_bytes = self._read(self.meta_path(acc))
        if meta_bytes is None:
            return None
        gz = self._read(self.data_path(acc))
        try:
            meta = json.loads(meta_bytes)
            matches = gz is not None and _matches(gz, meta.get("sha256"))
        except (ValueError, OSError, EOFError, zlib.error) as e:
            log.warning("raw record %s is damaged (%s); it will be fetched again", acc, e)
            return None
        if not matches:
            log.warning("raw record %s does not match its sha256; it will be fetched again", acc)
            return None
        return RawRecord(acc, gz, meta["sha256"], datetime.fromisoformat(meta["fetched_at"]),
                         meta.get("source_url", ""))

    def iter_accessions(self, year_key: str | None = None) -> Iterator[str]:
        """Accession numbers of complete records, in sorted order (for reprocessing without network);
        with `year_key` ("96", "01"), only those of that accession year, listing only its folder."""
        yield from sorted(self.scan_accessions(year_key))

    def scan_accessions(self, year_key: str | None = None) -> Iterator[str]:
        """iter_accessions in the order the folders are listed: nothing is held to sort them, so a
        caller can pack a year of them (tens of thousands) as it goes."""
        if year_key is not None and not (len(year_key) == 2 and year_key.isdigit()):
            raise RawStoreError(f"not a two-digit accession year: {year_key!r}")
        base = self.base if year_key is None else f"{self.base}/{year_key}"
        for name in self._file_names(base):
            if name.endswith(".json") and _ACC.match(name[:-5]):
                yield name[:-5]

    def year_keys(self) -> list[str]:
        """The two-digit accession years the store holds, as its top-level folders name them."""
        if self.fs is None:
            with os.scandir(self.base) as it:
                names = [e.name for e in it if e.is_dir()]
        else:
            import pyarrow.fs as pafs

            names = [fi.base_name for fi in self.fs.get_file_info(pafs.FileSelector(self.base, allow_not_found=True))
                     if fi.type == pafs.FileType.Directory]
        return sorted(n for n in names if len(n) == 2 and n.isdigit())

    def _file_names(self, base: str) -> Iterator[str]:
        if self.fs is None:
            if base != self.base and not os.path.isdir(base):
                return
            for _, _, files in os.walk(base, followlinks=True, onerror=_raise):
                yield from files
            return
        import pyarrow.fs as pafs

        for fi in self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True)):
            if fi.type == pafs.FileType.File:
                yield fi.base_name

    def list(self) -> list[str]:
        return list(self.iter_accessions())

    # -- writing -----------------------------------------------------------------------------

    def put(self, acc: str, data: bytes, source_url: str) -> RawRecord:
        """Store `data` for `acc` (data first, sidecar last, each atomically where the filesystem allows)."""
        sha = hashlib.sha256(data).hexdigest()
        fetched_at = datetime.now(timezone.utc).replace(microsecond=0)
        meta = {"accession_number": acc, "sha256": sha, "fetched_at": fetched_at.isoformat(),
                "source_url": source_url, "bytes": len(data)}
        if self.is_local:
            os.makedirs(self._dir(_check(acc)), exist_ok=True)
        gz = gzip.compress(data, compresslevel=6, mtime=0)
        self._write(self.data_path(acc), gz)
        self._write(self.meta_path(acc), json.dumps(meta, sort_keys=True).encode())
        return RawRecord(acc, gz, sha, fetched_at, source_url)

    def _write(self, path: str, payload: bytes) -> None:
        if not self.is_local:
            # Object stores publish a PUT only when it completes: already atomic.
            with self.fs.open_output_stream(path, compression=None) as f:
                f.write(payload)
            return
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
