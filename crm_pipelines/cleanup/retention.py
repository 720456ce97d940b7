"""The day-partitioned tables cleanup trims: one description per table, read by one op each.

A table of one row set per local day (seller_metrics, daily_reports) is kept for the number of
days its setting says (0 = keep forever); the days removed are told to Dagster as partitions of
the asset the table stores.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from crm_pipelines.settings import Settings


@dataclass(frozen=True, kw_only=True)
class RetentionTarget:
    table: str  # our table of daily rows
    statement: str  # sql/ file deleting a batch of rows of days before :cutoff_day
    asset_key: dg.AssetKey  # the asset whose partitions are those days
    setting: str  # the variable giving the days kept, 0 = keep every day
    include_today: bool  # whether the asset's partitions include the day in progress

    def days_kept(self, settings: Settings) -> int:
        # Settings' field names are the variables' names in lower case.
        return getattr(settings, self.setting.lower())


SELLER_METRICS = RetentionTarget(
    table="seller_metrics",
    statement="delete_old_seller_metrics.sql",
    asset_key=dg.AssetKey("seller_metrics"),
    setting="METRICS_RETENTION_DAYS",
    include_today=True,
)

DAILY_REPORTS = RetentionTarget(
    table="daily_reports",
    statement="delete_old_daily_reports.sql",
    asset_key=dg.AssetKey("daily_report"),
    setting="REPORTS_RETENTION_DAYS",
    include_today=False,
)
