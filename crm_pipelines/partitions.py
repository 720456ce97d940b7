"""Daily partitions: one per local calendar day in CRM_TIMEZONE, from METRICS_START_DATE."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.settings import Settings


def daily_partitions(settings: Settings, include_today: bool = True) -> dg.DailyPartitionsDefinition:
    """`include_today` adds the day in progress (end_offset=1): seller_metrics refreshes it live;
    the daily report only ever covers finished days."""
    return dg.DailyPartitionsDefinition(
        start_date=settings.metrics_start_date.isoformat(),
        timezone=settings.crm_timezone,
        end_offset=1 if include_today else 0,
    )
