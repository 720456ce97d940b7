"""Running the seller_metrics asset (and its checks) in process, for one day or a range."""

from __future__ import annotations

from typing import Any

import dagster as dg

from crm_pipelines.seller_metrics.definitions import build_defs
from crm_pipelines.settings import Settings

# The tags a single-run backfill of a partition range carries (what the UI and
# `dagster asset materialize --partition-range` set).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def materialize(settings: Settings, resources: dict[str, Any], partition: str | None = None,
                first: str | None = None, last: str | None = None, with_checks: bool = True,
                raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    defs = build_defs(settings)
    assets: list[Any] = [next(iter(defs.assets))]
    if with_checks:
        assets += list(defs.asset_checks)
    kwargs: dict[str, Any] = {"partition_key": partition} if partition else {
        "tags": {RANGE_START_TAG: first, RANGE_END_TAG: last}}
    return dg.materialize(assets, resources=resources, instance=dg.DagsterInstance.ephemeral(),
                          raise_on_error=raise_on_error, **kwargs)


def materialization_metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    """The metadata values of the run's (last) seller_metrics materialization."""
    events = result.asset_materializations_for_node("seller_metrics")
    return {key: value.value for key, value in events[-1].metadata.items()}


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}
