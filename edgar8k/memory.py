"""Keep a long run's memory flat: glibc's allocator, tuned for many threads parsing large documents.

Measured on a backfill (8 fetch threads, HTML filings of ~150 KB; benchmarks/run.py scale): with
glibc's defaults RSS climbed through the whole run while Python's own live objects stayed level. Two
defaults cause it: every thread gets its own malloc arena (up to 8 per core), each holding freed
memory at its own high-water mark, and the mmap threshold rises to the largest block ever freed, so
big transient buffers (a document's text, libxml2's tree) move from mmap, returned on free, into
arenas that fragment. Capping the arenas, fixing the threshold, and trimming after each write batch
keeps RSS at the size of what is live. Arrow allocates from the same malloc (its default, mimalloc,
kept ~56 MB of pages it no longer used through a backfill), so one trim returns both. Elsewhere than
glibc these calls do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

ARENAS = 2
MMAP_THRESHOLD = 256 * 1024


@cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux") or os.environ.get("EDGAR8K_MALLOC_TUNING", "1") == "0":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # glibc (musl has neither mallopt nor malloc_trim)
        libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator() -> bool:
    """Call once, early, before worker threads start (an arena cap does not shrink arenas already made)."""
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(_M_ARENA_MAX, ARENAS) == 1
    ok &= libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1  # also stops the threshold from rising
    ok &= libc.mallopt(_M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD) == 1
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # for a pyarrow imported later
    pa = sys.modules.get("pyarrow")
    if pa is not None and os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system":
        pa.set_memory_pool(pa.system_memory_pool())
    return bool(ok)


def release_free_memory() -> None:
    """Give freed memory back to the OS: after a write batch, the run's natural low point."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    pa = sys.modules.get("pyarrow")  # only if loaded: importing it would cost more than it frees
    if pa is not None:
        pa.default_memory_pool().release_unused()
