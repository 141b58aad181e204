from edgar8k.flows.task_assets import forget_empty_task_assets


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
        dropped = forget_empty_task_assets()
        kept = [sorted(a.key for a in v) for v in FlowRunContext.get().task_run_assets.values()]
        return held, dropped, kept

    assert run() == (6, 5, [["file://edgar8k-tests/asset"]])


def test_outside_a_flow_run_nothing_happens():
    assert forget_empty_task_assets() == 0
