"""Memoisation that lasts one filing.

The extractor asks the same questions of the same sentence from several passes (is it negative, does
it cite an exemption, which amounts and dates does it hold), so answers are cached by sentence. Kept
across filings, those caches (a dozen, 4,096 sentences each) held ~20 MB of sentences seldom seen again,
and their constant turnover left long-lived strings scattered through the allocator's heap: in a
24,000-filing backfill (benchmarks/run.py scale) RSS climbed with them, and emptying them after each
filing held Python's live memory ~20 MB lower and the glibc heap level. `extract_issuances` empties
them before it starts and `records.build_rows` when a filing is done.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def per_filing(maxsize: int = 4096) -> Callable[[F], F]:
    """`lru_cache(maxsize)` that `forget_filing()` empties; the bound still holds within a huge filing."""
    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]
    return wrap


def forget_filing() -> None:
    for cached in _CACHES:
        cached.cache_clear()


def cached_entries() -> int:
    """Entries held by all per-filing caches (0 between filings)."""
    return sum(c.cache_info().currsize for c in _CACHES)
