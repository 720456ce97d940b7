"""Deletes and updates in short batches, each its own transaction, so the CRM is never locked for long.

Every batch statement (sql/*.sql) takes at most `batch_size` rows with FOR UPDATE SKIP LOCKED and
returns one row: how many it affected and, for day-partitioned tables, the days it removed. The
loop stops at the first batch that affects nothing (rows locked by someone else wait for the
next run). Each batch is timed; the slowest one goes into the run's metadata, the number to
watch when choosing the batch size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from crm_pipelines.resources.postgres import PostgresResource

# A safety stop: a table that refills as fast as it is emptied must not hold a run forever.
MAX_BATCHES = 10_000


@dataclass
class BatchStats:
    affected: int = 0
    batches: int = 0
    max_batch_seconds: float = 0.0
    days: set[date] = field(default_factory=set)

    def add(self, other: "BatchStats") -> "BatchStats":
        return BatchStats(
            self.affected + other.affected,
            self.batches + other.batches,
            max(self.max_batch_seconds, other.max_batch_seconds),
            self.days | other.days,
        )


def run_in_batches(
    postgres: PostgresResource, statement: sa.TextClause, params: dict[str, Any], batch_size: int
) -> BatchStats:
    stats = BatchStats()
    for _ in range(MAX_BATCHES):
        started = time.perf_counter()
        with postgres.begin() as conn:
            affected, days = conn.execute(statement, {**params, "batch_size": batch_size}).one()
        stats.max_batch_seconds = max(stats.max_batch_seconds, time.perf_counter() - started)
        if not affected:
            break
        stats.affected += affected
        stats.batches += 1
        stats.days.update(days or ())
    return stats
