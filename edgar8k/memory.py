"""Keep a long run's memory flat: glibc's allocator, tuned for many threads parsing large documents.

Measured on a backfill (8 fetch threads, HTML filings of ~150 KB; benchmarks/run.py scale): with
glibc's defaults RSS climbed through the whole run while Python's own live objects stayed level. Two
defaults cause it: every thread gets its own malloc arena (up to 8 per core), each holding freed
memory at its own high-water mark, and the mmap threshold rises to the largest block ever freed, so
big transient buffers (a document's markup and text) move from mmap, returned on free, into arenas
that fragment. Capping the arenas, fixing the threshold, and trimming every 32 filings and after each
write batch keeps RSS at the size of what is live. Arrow is made to allocate from the same malloc
(its default, mimalloc, kept pages it no longer used, and more with every write batch), so one trim
returns both.
Elsewhere than glibc these calls do nothing.
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


_native_pools: list = []  # Arrow C++'s default pool when pyarrow was loaded before the environment said otherwise


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
    """Call first, before any thread starts: a thread's first malloc makes it an arena, and a cap set
    later removes none. Called in the flows, a backfill's process already had five arenas (Prefect's
    threads and the fetch pool's), 9-10 MB resident between them; called first in the CLI, two, and
    the thread arena held 1.5-2.4 MB (37,211 filings, smaps sampled in-process). The cap is also put
    in the environment, where glibc reads it when a process starts: a served deployment's flow runs
    and reprocess's workers are processes started from this one. Calling it again is harmless."""
    libc = _libc()
    if libc is None:
        return False
    os.environ.setdefault("MALLOC_ARENA_MAX", str(ARENAS))
    ok = libc.mallopt(_M_ARENA_MAX, ARENAS) == 1
    ok &= libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1  # also stops the threshold from rising
    ok &= libc.mallopt(_M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD) == 1
    arrow_allocates_from_malloc()  # for a pyarrow imported later
    pa = sys.modules.get("pyarrow")
    if pa is not None and os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system":
        native = pa.default_memory_pool()  # still Arrow C++'s own default: nothing has replaced it yet
        if native.backend_name != "system":
            _native_pools.append(native)
        pa.set_memory_pool(pa.system_memory_pool())
    return bool(ok)


def arrow_allocates_from_malloc() -> None:
    """Make Arrow C++'s default pool glibc's malloc, for every pyarrow loaded after this call.

    It has to come before `import pyarrow`: the C++ default is chosen once, from the environment, when
    pyarrow loads, and `pa.set_memory_pool` replaces it only for pyarrow's Python-level conversions.
    Parquet reads and dataset scans keep allocating from the C++ default; with mimalloc there, an RSS
    sample of a 100k-filing backfill found its region growing ~20 MB per 7 minutes, in steps at each
    write batch, and 20 upserts of 5,000 filings held 149-163 MB against 135-139 MB with malloc.
    The CLI calls it first, through `tune_allocator`; served flow runs and reprocess workers inherit
    the setting from it. Dask workers started elsewhere (`--scheduler`) do not: set the variable
    where they are started."""
    if _libc() is not None:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


def release_free_memory() -> None:
    """Give freed memory back to the OS at a run's low points: between chunks of 32 filings, after a
    day, after a write batch. Every 32 filings, a backfill pays ~5% of its transform speed for it."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    pa = sys.modules.get("pyarrow")  # only if loaded: importing it would cost more than it frees
    if pa is not None:
        pa.default_memory_pool().release_unused()
        for pool in _native_pools:
            pool.release_unused()
