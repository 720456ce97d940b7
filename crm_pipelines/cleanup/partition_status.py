"""Keep Dagster's partition status truthful when cleanup removes old days of a partitioned table.

Dagster 1.13 has `instance.wipe_asset_partitions(asset_key, partition_keys)`, but its open-source
event log storages (SQLite, PostgreSQL) raise NotImplementedError for it. So: try the wipe (a
storage that supports it gets the real thing), and otherwise record one AssetObservation per
removed partition, saying the rows were deleted by cleanup_job and why. The partition then still
shows its last materialization in the UI, with this observation as its latest event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

import dagster as dg


def removed_partitions(
    context: dg.OpExecutionContext,
    asset_key: dg.AssetKey,
    days: Iterable[date],
    partitions_def: dg.DailyPartitionsDefinition,
    reason: str,
) -> Iterator[dg.AssetObservation]:
    existing = set(partitions_def.get_partition_keys(dynamic_partitions_store=context.instance))
    keys = [d.isoformat() for d in sorted(days) if d.isoformat() in existing]
    if not keys:
        return
    try:
        context.instance.wipe_asset_partitions(asset_key, keys)
        context.log.info(
            f"wiped {len(keys)} partitions of {asset_key.to_user_string()} from Dagster's history"
        )
        return
    except NotImplementedError:
        context.log.info(
            f"this instance's storage cannot wipe partitions; recording {len(keys)} "
            f"observations on {asset_key.to_user_string()} instead"
        )
    for key in keys:
        yield dg.AssetObservation(
            asset_key=asset_key,
            partition=key,
            metadata={
                "rows_deleted_by": "cleanup_job",
                "reason": reason,
            },
        )
