"""The reports domain's definitions: `daily_report` is daily-partitioned on finished days,
downstream of seller_metrics, backfilled in one run; `daily_report_job` runs in process, one at a
time; `daily_report_schedule` fires at DAILY_REPORT_HOUR in CRM_TIMEZONE for the previous day;
`daily_report_delivery_job` (partitioned like the asset) is what both delivery sensors ask for."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.reports.definitions import build_defs
from crm_pipelines.settings import load_settings


def _settings(**env: str):
    return load_settings({"POSTGRES_DSN": "postgresql://postgres@127.0.0.1:5432/unused", **env})


def test_asset_job_and_schedule_are_declared():
    settings = _settings(CRM_TIMEZONE="America/Bogota", DAILY_REPORT_HOUR="7")
    defs = build_defs(settings)
    asset = next(a for a in defs.assets if isinstance(a, dg.AssetsDefinition))
    assert asset.key == dg.AssetKey("daily_report")
    assert asset.backfill_policy == dg.BackfillPolicy.single_run()
    assert dg.AssetKey("seller_metrics") in asset.dependency_keys
    partitions = asset.partitions_def
    assert partitions.timezone == "America/Bogota" and partitions.end_offset == 0
    assert partitions.start.date().isoformat() == "2025-01-01"
    assert asset.group_names_by_key[asset.key] == "reports"

    schedule = next(iter(defs.schedules))
    assert schedule.name == "daily_report_schedule"
    assert schedule.cron_schedule == "0 7 * * *"
    assert schedule.execution_timezone == "America/Bogota"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING

    sensors = {s.name: s for s in defs.sensors}
    assert set(sensors) == {"daily_report_delivery_sensor", "daily_report_redelivery_sensor"}
    redelivery, delivery = sensors["daily_report_redelivery_sensor"], sensors["daily_report_delivery_sensor"]
    assert redelivery.job_name == "daily_report_delivery_job" and redelivery.minimum_interval_seconds == 900
    assert delivery.job_name == "daily_report_delivery_job" and delivery.minimum_interval_seconds == 30
    assert {s.default_status for s in sensors.values()} == {dg.DefaultSensorStatus.RUNNING}


def test_schedule_targets_the_previous_local_day_and_the_job_runs_one_at_a_time():
    settings = _settings(CRM_TIMEZONE="America/Bogota")
    defs = dg.Definitions.merge(
        build_defs(settings),
        dg.Definitions(
            resources={
                "postgres": dg.ResourceDefinition.none_resource(),
                "socketio": dg.ResourceDefinition.none_resource(),
            }
        ),
    )
    job = defs.resolve_job_def("daily_report_job")
    assert job.executor_def.name == "in_process"
    assert job.tags[JOB_TAG] == "daily_report_job"
    delivery = defs.resolve_job_def("daily_report_delivery_job")
    assert delivery.tags[JOB_TAG] == "daily_report_delivery_job"
    assert delivery.partitions_def == job.partitions_def

    schedule = defs.resolve_schedule_def("daily_report_schedule")
    tick = datetime(2026, 11, 21, 8, 0, tzinfo=ZoneInfo("America/Bogota"))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        )
        result = schedule.evaluate_tick(context)
    assert [r.partition_key for r in result.run_requests] == ["2026-11-20"]


def test_schedule_and_sensor_are_stopped_when_scheduled_tasks_are_off():
    settings = dataclasses.replace(_settings(), enable_scheduled_tasks=False)
    defs = build_defs(settings)
    assert next(iter(defs.schedules)).default_status == dg.DefaultScheduleStatus.STOPPED
    assert {s.default_status for s in defs.sensors} == {dg.DefaultSensorStatus.STOPPED}
