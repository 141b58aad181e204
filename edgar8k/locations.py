"""Where a folder-or-URI setting (output, raw store) points on this machine. One reading for every
setting, so `~/edgar`, `file:///data/my%20runs` and a relative folder mean the same thing wherever
they are given; no pyarrow here, because process-pool workers import the raw store."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


class LocationError(ValueError):
    """A file:// URI naming another machine."""


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
