import gc
import time
import weakref
from dataclasses import dataclass, field

from edgar8k.flows.task_records import forget_finished_tasks


@dataclass
class _Rows:  # like steps.BatchResult: supports weak references, fields without them
    rows: list[int] = field(default_factory=list)


def test_empty_task_asset_entries_are_dropped_and_real_assets_kept(prefect_api):
    from prefect import flow, task
    from prefect.assets import materialize
    from prefect.cache_policies import NONE as NO_CACHE
    from prefect.context import FlowRunContext

    @task(cache_policy=NO_CACHE)
    def plain(i: int) -> int:
        return i

    @materialize("file://edgar8k-tests/asset", cache_policy=NO_CACHE)
    def made() -> int:
        return 1

    @flow
    def run() -> tuple[int, int, list[list[str]]]:
        made()
        for i in range(5):
            plain(i)
        held = len(FlowRunContext.get().task_run_assets)
        dropped, _ = forget_finished_tasks()
        kept = [sorted(a.key for a in v) for v in FlowRunContext.get().task_run_assets.values()]
        return held, dropped, kept

    assert run() == (6, 5, [["file://edgar8k-tests/asset"]])


def test_result_entries_of_freed_results_are_dropped_and_live_ones_kept(prefect_api):
    from prefect import flow, task
    from prefect.cache_policies import NONE as NO_CACHE
    from prefect.context import FlowRunContext
    from prefect.utilities.engine import get_state_for_result

    @task(cache_policy=NO_CACHE)
    def day(i: int) -> _Rows:
        return _Rows(list(range(i, i + 3)))

    @flow
    def run() -> tuple[int, int, int, bool, bool]:
        total: list[int] = []
        refs = []
        for i in range(5):
            r = day(i)
            refs.append(weakref.ref(r))
            total.extend(r.rows)  # merged, then freed: as the flows do with a day's result
            del r
        live = day(10)
        deadline = time.monotonic() + 30  # Prefect's engine lets go of a result once its events are sent
        while any(ref() is not None for ref in refs) and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.1)
        assert not any(ref() is not None for ref in refs), "Prefect still holds the day results after 30 s"
        held = len(FlowRunContext.get().run_results)
        _, dropped = forget_finished_tasks()
        left = set(FlowRunContext.get().run_results)
        return (held, dropped, left == {id(live), id(live.rows)},
                get_state_for_result(live) is not None, get_state_for_result(live.rows) is not None)

    held, dropped, only_live_left, live_tracked, items_tracked = run()
    # each result and its list has an entry; a freed result's id can be reused by a later one's, so
    # there may be fewer than 12
    assert held > 2 and dropped == held - 2
    assert only_live_left
    assert live_tracked and items_tracked  # a result still alive keeps its lineage


def test_outside_a_flow_run_nothing_happens():
    assert forget_finished_tasks() == (0, 0)
