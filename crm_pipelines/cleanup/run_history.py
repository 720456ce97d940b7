"""Prune Dagster's own run history: finished runs created before RUN_HISTORY_RETENTION_DAYS.

Runs that are queued or in progress are never touched, nor the run doing the pruning. Runs go
in batches (`get_run_records(limit=...)` then `delete_run`, which also removes their events).
"""

from __future__ import annotations

from datetime import datetime

import dagster as dg

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def prune_run_history(instance: dg.DagsterInstance, created_before: datetime, batch_size: int,
                      keep_run_id: str | None = None) -> int:
    deleted = 0
    runs_filter = dg.RunsFilter(created_before=created_before, statuses=FINISHED)
    while True:
        records = instance.get_run_records(filters=runs_filter, limit=batch_size, ascending=True)
        doomed = [r.dagster_run.run_id for r in records if r.dagster_run.run_id != keep_run_id]
        if not doomed:
            return deleted
        for run_id in doomed:
            instance.delete_run(run_id)
        deleted += len(doomed)
