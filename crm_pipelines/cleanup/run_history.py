"""Prune Dagster's own run history: finished runs created before RUN_HISTORY_RETENTION_DAYS.

Runs that are queued or in progress are never touched, nor the run doing the pruning. Runs go
in batches (`get_run_records(limit=...)` then `delete_run`).

`delete_run` also deletes the run's events, materializations included. A run that holds the
latest materialization of some asset partition (the last refresh of a seller_metrics day, a
day's report) is therefore kept: deleting it would make that partition look never
materialized in the UI while its rows are still in PostgreSQL. Only runs whose
materializations were all superseded, or that materialized nothing, are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import dagster as dg

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]
MATERIALIZATION = dg.DagsterEventType.ASSET_MATERIALIZATION


class LatestMaterializations:
    """Answers 'does this run hold the latest materialization of any asset or partition?'."""

    def __init__(self, instance: dg.DagsterInstance):
        self._instance = instance
        self._latest: dict[dg.AssetKey, set[int]] = {}

    def held_by(self, run_id: str) -> bool:
        records = self._instance.get_records_for_run(run_id, of_type=MATERIALIZATION).records
        return any(r.asset_key is not None and r.storage_id in self._latest_ids(r.asset_key) for r in records)

    def _latest_ids(self, asset_key: dg.AssetKey) -> set[int]:
        if asset_key not in self._latest:
            ids = set(self._instance.get_latest_storage_id_by_partition(asset_key, MATERIALIZATION).values())
            ids.update(
                r.storage_id for r in self._instance.fetch_materializations(asset_key, limit=1).records
            )
            self._latest[asset_key] = ids
        return self._latest[asset_key]


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    kept_for_assets: int


def _finished_before(created_before: datetime) -> dg.RunsFilter:
    return dg.RunsFilter(created_before=created_before, statuses=FINISHED)


def prune_run_history(
    instance: dg.DagsterInstance, created_before: datetime, batch_size: int, keep_run_id: str | None = None
) -> PruneResult:
    latest = LatestMaterializations(instance)
    deleted = kept = 0
    # Oldest first. A page's deleted runs vanish, so the next page starts after the last run this
    # loop kept (the storage's cursor must name a run that still exists).
    cursor: str | None = None
    while True:
        records = instance.get_run_records(
            filters=_finished_before(created_before), limit=batch_size, ascending=True, cursor=cursor
        )
        if not records:
            return PruneResult(deleted=deleted, kept_for_assets=kept)
        for record in records:
            run_id = record.dagster_run.run_id
            if run_id == keep_run_id or latest.held_by(run_id):
                kept += run_id != keep_run_id
                cursor = run_id
            else:
                instance.delete_run(run_id)
                deleted += 1


def has_prunable_runs(instance: dg.DagsterInstance, created_before: datetime, sample: int = 200) -> bool:
    """The sensor's question, on the oldest `sample` runs only (kept runs gather at the front, so
    a long kept prefix can hide prunable runs; a run triggered for any other reason prunes them)."""
    records = instance.get_run_records(filters=_finished_before(created_before), limit=sample, ascending=True)
    latest = LatestMaterializations(instance)
    return any(not latest.held_by(r.dagster_run.run_id) for r in records)
