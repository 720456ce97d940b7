"""Everything of the reports domain that the code location registers: the `daily_report` asset,
`daily_report_job`, `daily_report_schedule` (DAILY_REPORT_HOUR in CRM_TIMEZONE, previous day) and
`daily_report_redelivery_sensor` (channels that failed to take the latest report)."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.automation import schedule_status
from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.assets import build_daily_report_asset
from crm_pipelines.reports.sensors import build_redelivery_sensor
from crm_pipelines.settings import Settings

JOB_NAME = "daily_report_job"


def build_defs(settings: Settings) -> dg.Definitions:
    daily_report = build_daily_report_asset(settings)
    job = dg.define_asset_job(
        JOB_NAME,
        selection=[daily_report.key],
        partitions_def=daily_partitions(settings, include_today=False),
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
        description="Build (and, from the schedule, deliver) each tenant's daily report.",
    )
    # The partitions end with yesterday, so the tick at DAILY_REPORT_HOUR targets the previous
    # local day; runs carry dagster/schedule_name, which is what turns delivery on.
    schedule = dg.build_schedule_from_partitioned_job(
        job,
        name="daily_report_schedule",
        hour_of_day=settings.daily_report_hour,
        minute_of_hour=0,
        default_status=schedule_status(settings),
        description="The CEO's daily report of the previous day, delivered to every configured channel.",
    )
    return dg.Definitions(
        assets=[daily_report],
        jobs=[job],
        schedules=[schedule],
        sensors=[build_redelivery_sensor(settings, job)],
    )
