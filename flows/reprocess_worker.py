"""The worker side of reprocessing: what a pool process or a Dask worker imports to run a chunk.

Kept apart from `flows.steps` so that a worker imports only the transform and the raw store: no pandas,
no Prefect, no Parquet writing (each spawned worker used to import all of `steps` for one function,
~60 MB of pandas per process). The parent merges the `BatchResult` a chunk returns and writes it.
Imports here must stay light; `tests/flows/test_reprocess.py` checks which modules a worker loads.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from edgar8k.extract.raw_store import RawRecord, RawStore
from edgar8k.memory import release_free_memory
from edgar8k.transform.model import ParseError
from edgar8k.transform.records import FilingMeta, process_submission
from edgar8k.transform.sgml import parse_submission

log = logging.getLogger("edgar8k")


@dataclass
class BatchResult:
    """Rows and counts of some filings: a chunk's result in a worker, a write batch in the parent (every
    flow uses it, as `steps.BatchResult`; it lives here so that workers need not import `steps`)."""
    filings: list[dict[str, Any]] = field(default_factory=list)
    issuances: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    per_day: dict[str, Counter] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    # a `steps.Spool`: how a write batch holds the rows merged into it (`steps.merge`); None in workers
    packed: Any = None

    @property
    def size(self) -> int:
        """Filings whose rows it holds, as dicts or packed."""
        return len(self.filings) + (self.packed.rows if self.packed is not None else 0)

    def add(self, day: dt.date, filing: dict[str, Any], issuances: list[dict[str, Any]]) -> None:
        self.filings.append(filing)
        self.issuances.extend(issuances)
        c = self.per_day.setdefault(day.isoformat(), Counter())
        status = filing["status"]
        flagged = [r for r in issuances if r.get("quality_flags")]
        for r in flagged:
            log.warning("%s: issuance row %s/%s kept with data-check flags %s", filing["accession_number"],
                        r.get("transaction_index"), r.get("security_index"), ",".join(r["quality_flags"]))
        for counter in (self.counts, c):
            counter["filings"] += 1
            counter[status] += 1
            counter["issuance_rows"] += len(issuances)
            counter["flagged_rows"] += len(flagged)
            counter["filings_with_issuance"] += int(bool(filing.get("has_issuance")))
        if status != "ok":
            self.failures.append({"accession_number": filing["accession_number"], "day": day.isoformat(),
                                  "status": status, "error": filing.get("error") or ""})


@dataclass(frozen=True, slots=True)
class KnownFiling:
    """What an existing `filings` row says about a filing (the index's facts, kept from its first run)."""
    cik: int
    company_name: str | None
    form_type: str | None
    filing_date: dt.date
    ciks: tuple[int, ...]


def meta_from_raw(record: RawRecord, known: KnownFiling | None) -> FilingMeta | None:
    """Rebuild what the index told the first run: the existing row's facts if there is one, else the
    submission's own SGML header. None when neither gives a filing date."""
    common = {"accession_number": record.accession_number, "source_url": record.source_url or None,
              "raw_sha256": record.sha256, "fetched_at": record.fetched_at}
    if known is not None:
        return FilingMeta(cik=known.cik, company_name=known.company_name, form_type=known.form_type,
                          filing_date=known.filing_date, ciks=known.ciks, **common)
    try:
        sub = parse_submission(record.data)
    except ParseError:
        return None
    if sub.filing_date is None:
        return None
    filer = sub.primary_filer
    ciks = tuple(f.cik for f in sub.filers if f.cik)
    return FilingMeta(cik=(filer.cik if filer and filer.cik else 0), company_name=filer.name if filer else None,
                      form_type=sub.form_type, filing_date=sub.filing_date, ciks=ciks, **common)


def exit_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose parent was killed (SIGKILL, the OOM killer) exits at once,
    instead of waiting forever on a queue nobody will write to."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def reprocess_chunk(raw_root: str, accessions: list[str], known: dict[str, KnownFiling],
                    start: dt.date | None, end: dt.date | None) -> BatchResult:
    """Process stored submissions with the current extractor: the unit of work sent to a process or a
    Dask worker (plain arguments, so it pickles by reference)."""
    release_free_memory()  # what the previous chunk freed, now that its rows went back to the parent
    store = RawStore(raw_root)
    result = BatchResult()
    for acc in accessions:
        record = store.get(acc)
        meta = meta_from_raw(record, known.get(acc)) if record is not None else None
        if meta is None:
            reason = "raw record missing or damaged" if record is None else "no filing date in header or output"
            result.counts["skipped"] += 1
            result.failures.append({"accession_number": acc, "day": "", "status": "skipped", "error": reason})
            continue
        if (start and meta.filing_date < start) or (end and meta.filing_date > end):
            continue
        p = process_submission(record.data, meta)
        result.add(meta.filing_date, p.filing, p.issuances)
    return result
