"""Everything of the reports domain that the code location registers: the `daily_report` asset,
`daily_report_job`, `daily_report_schedule` (DAILY_REPORT_HOUR in CRM_TIMEZONE, previous day),
`daily_report_delivery_job` and its two sensors: `daily_report_delivery_sensor` (a new
materialization of the latest day) and `daily_report_redelivery_sensor` (channels of the latest
report that failed, were left pending or were never tried)."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.automation import schedule_status
from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.assets import build_daily_report_asset
from crm_pipelines.reports.delivery_job import build_delivery_job
from crm_pipelines.reports.sensors import build_delivery_sensor, build_redelivery_sensor
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
        description="Build each tenant's daily report (daily_report_delivery_job delivers it).",
    )
    # The partitions end with yesterday, so the tick at DAILY_REPORT_HOUR targets the previous
    # local day; its materialization is what daily_report_delivery_sensor delivers.
    schedule = dg.build_schedule_from_partitioned_job(
        job,
        name="daily_report_schedule",
        hour_of_day=settings.daily_report_hour,
        minute_of_hour=0,
        default_status=schedule_status(settings),
        description="The CEO's daily report of the previous day, delivered to every configured channel.",
    )
    delivery_job = build_delivery_job(settings)
    return dg.Definitions(
        assets=[daily_report],
        jobs=[job, delivery_job],
        schedules=[schedule],
        sensors=[build_delivery_sensor(settings, delivery_job), build_redelivery_sensor(settings, delivery_job)],
    )
