"""seller_metrics_job and seller_metrics_schedule as the code location registers them: the job
(in-process executor, one-at-a-time tag, daily partitions including today, backfill policy of a
single run) and the schedule's run requests: today's partition, and yesterday's too in the first
hour after local midnight; ENABLE_SCHEDULED_TASKS=false leaves it stopped."""

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from crm_pipelines.concurrency import JOB_TAG
from crm_pipelines.definitions import build_definitions
from crm_pipelines.seller_metrics.schedules import refresh_cron

BOGOTA = ZoneInfo("America/Bogota")


class _Schedule:
    """The registered schedule with the repository its ticks resolve partition keys against."""

    def __init__(self, settings):
        defs = build_definitions(settings)
        self.definition = defs.resolve_schedule_def("seller_metrics_schedule")
        self.repository = defs.get_repository_def()

    def __getattr__(self, name):
        return getattr(self.definition, name)


def _schedule(settings) -> _Schedule:
    return _Schedule(settings)


def _keys(schedule: _Schedule, when: datetime) -> list[str]:
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=schedule.repository)
    requests = schedule.definition.evaluate_tick(context).run_requests
    assert len({r.run_key for r in requests}) == len(requests)  # one run key per request
    return [r.partition_key for r in requests]


def test_job_and_asset_are_registered_as_the_spec_names_them(settings):
    defs = build_definitions(settings)
    job = defs.resolve_job_def("seller_metrics_job")
    assert job.tags[JOB_TAG] == "seller_metrics_job"
    assert job.executor_def.name == dg.in_process_executor.name
    partitions = job.partitions_def
    assert partitions.start.date().isoformat() == "2025-01-01"
    assert partitions.timezone == settings.crm_timezone
    asset = defs.resolve_assets_def("seller_metrics")
    assert asset.backfill_policy == dg.BackfillPolicy.single_run()
    assert asset.group_names_by_key[dg.AssetKey("seller_metrics")] == "seller_metrics"
    assert {k.name for k in asset_check_keys(defs)} >= {"rows_for_every_active_seller", "no_future_timestamps"}


def asset_check_keys(defs: dg.Definitions) -> set[dg.AssetCheckKey]:
    return {key for checks in defs.asset_checks for key in checks.check_keys}


def test_schedule_refreshes_today_and_yesterday_in_the_first_hour(settings):
    bogota = dataclasses.replace(settings, crm_timezone="America/Bogota")
    schedule = _schedule(bogota)
    assert schedule.cron_schedule == "*/15 * * * *"
    assert schedule.execution_timezone == "America/Bogota"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    # 00:30 local: yesterday's last messages still need counting
    assert _keys(schedule, datetime(2025, 3, 10, 0, 30, tzinfo=BOGOTA)) == ["2025-03-09", "2025-03-10"]
    assert _keys(schedule, datetime(2025, 3, 10, 0, 45, tzinfo=BOGOTA)) == ["2025-03-09", "2025-03-10"]
    # from 01:00 on, today's only
    assert _keys(schedule, datetime(2025, 3, 10, 1, 0, tzinfo=BOGOTA)) == ["2025-03-10"]
    assert _keys(schedule, datetime(2025, 3, 10, 23, 45, tzinfo=BOGOTA)) == ["2025-03-10"]
    # 03:30 UTC is still 22:30 of the previous day in Bogota
    assert _keys(schedule, datetime(2025, 3, 11, 3, 30, tzinfo=ZoneInfo("UTC"))) == ["2025-03-10"]


def test_schedule_is_stopped_when_scheduled_tasks_are_disabled(settings):
    stopped = dataclasses.replace(settings, enable_scheduled_tasks=False)
    assert _schedule(stopped).default_status == dg.DefaultScheduleStatus.STOPPED


def test_schedule_never_asks_for_a_day_before_the_start_date(settings):
    schedule = _schedule(settings)
    # 2025-01-01 00:10 UTC: yesterday (2024-12-31) is before METRICS_START_DATE
    assert _keys(schedule, datetime(2025, 1, 1, 0, 10, tzinfo=ZoneInfo("UTC"))) == ["2025-01-01"]


def test_refresh_interval_becomes_a_cron():
    assert refresh_cron(5) == "*/5 * * * *"
    assert refresh_cron(60) == "0 * * * *"
    assert refresh_cron(120) == "0 */2 * * *"
    assert refresh_cron(1440) == "0 0 * * *"
