"""`seller_metrics_job` and `seller_metrics_schedule`: today's partition refreshed every
METRICS_REFRESH_INTERVAL_MINUTES, and yesterday's too during the first hour after local
midnight, so that the messages of a day's last minutes are counted in its final row."""


from datetime import datetime, time, timedelta

import dagster as dg

from crm_pipelines.automation import schedule_status
from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.settings import Settings

JOB_NAME = "seller_metrics_job"
SCHEDULE_NAME = "seller_metrics_schedule"
# After midnight yesterday's partition is refreshed once more while this long has passed.
YESTERDAY_GRACE = timedelta(hours=1)


def build_seller_metrics_job(settings: Settings):
    return dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.assets("seller_metrics"),
        partitions_def=daily_partitions(settings, include_today=True),
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
        description="Compute seller_metrics for the selected day(s) and run its checks. "
                    "Backfill from the asset's page (one run per range), not from this job's page.",
    )


def refresh_cron(minutes: int) -> str:
    """A cron for 'every N minutes'. Cron counts within the hour (or day), so an N that does not
    divide 60 (or, above an hour, 24 hours) restarts at each hour (day): 45 runs at :00 and :45."""
    if minutes < 60:
        return f"*/{minutes} * * * *"
    hours = minutes // 60
    return "0 * * * *" if hours == 1 else f"0 */{hours} * * *" if hours < 24 else "0 0 * * *"


def partitions_to_refresh(local_now: datetime, settings: Settings) -> list[str]:
    """Today's key, preceded by yesterday's in the first hour after local midnight."""
    today = local_now.date()
    midnight = datetime.combine(today, time(0), tzinfo=local_now.tzinfo)
    days = [today - timedelta(days=1), today] if local_now - midnight < YESTERDAY_GRACE else [today]
    return [d.isoformat() for d in days if d >= settings.metrics_start_date]


def build_seller_metrics_schedule(settings: Settings,
                                  job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=SCHEDULE_NAME,
        cron_schedule=refresh_cron(settings.metrics_refresh_interval_minutes),
        execution_timezone=settings.crm_timezone,
        job=job,
        default_status=schedule_status(settings),
        description=f"Refresh today's seller_metrics every {settings.metrics_refresh_interval_minutes} "
                    "minutes (and yesterday's during the first hour of the day).",
    )
    def seller_metrics_schedule(context: dg.ScheduleEvaluationContext):
        local_now = context.scheduled_execution_time.astimezone(settings.timezone)
        keys = partitions_to_refresh(local_now, settings)
        if not keys:
            return dg.SkipReason(f"METRICS_START_DATE {settings.metrics_start_date} has not come yet")
        # One run per day: a run key per tick and day (the schedule needs one per request).
        return [dg.RunRequest(run_key=f"{key}@{local_now.isoformat()}", partition_key=key) for key in keys]

    return seller_metrics_schedule
