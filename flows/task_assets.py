"""Keep Prefect's per-task-run bookkeeping from growing with the length of a flow run.

Prefect 3 records each finished task run's downstream assets in the flow run context
(`FlowRunContext.task_run_assets`), for the rest of the flow run, an empty set for a task run that has
none. A backfill runs a task per day, so that record grew with the date range: over a flow of 4,000
no-op tasks RSS rose 6.5 MB, 3.3 MB with the empty entries dropped after each task (and stayed level
from the 1,000th task to the 3,500th, where it had kept climbing). Prefect reads an entry
only to add its assets to a downstream task's (`.get(id)`, used only when not empty), so a dropped
empty entry and a kept one mean the same lineage.
"""

from __future__ import annotations


def forget_empty_task_assets() -> int:
    """Drop the flow run's empty task-asset entries; how many were dropped (0 outside a flow run)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    assets = getattr(ctx, "task_run_assets", None) if ctx is not None else None
    if not assets:
        return 0
    empty = [k for k, v in assets.items() if not v]
    for k in empty:
        del assets[k]
    return len(empty)
