"""Where a folder-or-URI setting (output, raw store) points on this machine. One reading for every
setting, so `~/edgar`, `file:///data/my%20runs` and a relative folder mean the same thing wherever
they are given; and one way to open a remote one (pyarrow's filesystem, else fsspec's), so a scheme
works for the output exactly when it works for the raw store. pyarrow is imported only to open a
remote location: process-pool workers import this module through the raw store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import pyarrow.fs as pafs


class LocationError(ValueError):
    """A location this machine cannot use: a file:// URI naming another host, a scheme nothing opens."""


def local_path(location: str) -> str | None:
    """The absolute local path a folder or file:// URI names, or None for another scheme (s3://, gs://,
    ...): those go to a remote filesystem."""
    if "://" not in location:
        return Path(location).expanduser().resolve().as_posix()
    if not location.startswith("file://"):
        return None
    u = urlsplit(location)
    if u.netloc not in ("", "localhost"):
        raise LocationError(f"{location!r}: a file:// URI names a path on this machine, not on {u.netloc!r} "
                            "(an absolute path takes three slashes: file:///data/...)")
    return Path(unquote(u.path)).resolve().as_posix()


def remote_filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    """(filesystem, path inside it) for a URI that is not local: pyarrow's own filesystem where it has
    one (s3://, gs://, hdfs://), else fsspec's wrapped for pyarrow (memory://, az://, anything an
    installed fsspec plugin knows)."""
    import pyarrow.fs as pafs

    try:
        fs, path = pafs.FileSystem.from_uri(location)
    except (ValueError, OSError) as e:  # ArrowInvalid is a ValueError: a scheme pyarrow lacks
        try:
            import fsspec

            ffs, path = fsspec.core.url_to_fs(location)
        except Exception as e2:  # noqa: BLE001 - ImportError or fsspec's own: both go into one message
            raise LocationError(f"{location!r}: no filesystem opens it (pyarrow: {e}; fsspec: {e2}); "
                                "use a local folder or an s3:// / gs:// URI") from e2
        fs = pafs.PyFileSystem(pafs.FSSpecHandler(ffs))
    return fs, path.rstrip("/")
