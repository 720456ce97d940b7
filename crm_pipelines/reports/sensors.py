"""The two sensors that get reports delivered, both asking for `daily_report_delivery_job`.

`daily_report_delivery_sensor`: each new `daily_report` materialization of the latest finished
day (the schedule's run, a hand-run materialization, a backfill reaching yesterday) asks for one
delivery of that day, run_key `deliver:{day}:{storage id of the materialization}`. Older days
are not delivered by themselves (a backfill of last month sends nothing); launch the job for them.

`daily_report_redelivery_sensor`: when a channel of the latest report failed (SMTP down at
DAILY_REPORT_HOUR, a webhook answering 500), was left `pending` by a run that stopped, or was
never tried, ask for a delivery again later, with growing gaps (15, 30, 60, 120 minutes) and at
most REDELIVERY_RUNS times per report day. The run re-sends only what is not `sent`.
"""

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import dagster as dg

from crm_pipelines.automation import sensor_status
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.deliver import CHANNELS
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings

SENSOR_NAME = "daily_report_redelivery_sensor"
DELIVERY_SENSOR_NAME = "daily_report_delivery_sensor"
INTERVAL = timedelta(minutes=15)
REDELIVERY_RUNS = 4
REDELIVERY_TAG = "crm_pipelines/redelivery"
MATERIALIZATION_TAG = "crm_pipelines/report_materialization"
# A pending younger than this may be a live send, and a report stored more recently may still be
# waiting for the delivery sensor's run: the redelivery sensor leaves both alone.
SETTLE_TIME = timedelta(minutes=10)
REPORT_KEY = dg.AssetKey("daily_report")


def build_delivery_sensor(settings: Settings, job) -> dg.SensorDefinition:
    @dg.sensor(
        name=DELIVERY_SENSOR_NAME,
        job_name=job.name,  # by name, not the job itself: automation.py says why
        minimum_interval_seconds=30,
        default_status=sensor_status(settings),
        description="Deliver the latest day's daily report each time it is materialized.",
    )
    def daily_report_delivery_sensor(context: dg.SensorEvaluationContext):
        # Not dg.asset_sensor: it looks at the newest materialization only, and a backfill of old
        # days right after the schedule's run would hide yesterday's. The cursor is the storage
        # id of the last materialization looked at; without one (a new deployment) only the
        # newest counts, so switching the sensor on never replays history.
        after = int(context.cursor) if context.cursor else None
        records = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=REPORT_KEY, after_storage_id=after),
            limit=1 if after is None else 100,
            ascending=after is not None,
        ).records
        if not records:
            return dg.SkipReason("no new daily_report materialization")
        context.update_cursor(str(max(r.storage_id for r in records)))
        requests, older = [], []
        for record in records:
            day = record.partition_key
            if day and _was_latest_day(settings, day, record.timestamp):
                requests.append(dg.RunRequest(
                    run_key=f"deliver:{day}:{record.storage_id}",
                    partition_key=day,
                    tags={MATERIALIZATION_TAG: f"{record.run_id}:{record.storage_id}"},
                ))
            else:
                older.append(day or "unpartitioned")
        if older:
            context.log.info(f"not delivered by this sensor (not the latest day when materialized): {older}")
        return requests or dg.SkipReason(f"only older days materialized: {', '.join(older)}")

    return daily_report_delivery_sensor


def _was_latest_day(settings: Settings, day: str, timestamp: float) -> bool:
    """The report covered the latest finished local day at the time it was materialized."""
    local_today = datetime.fromtimestamp(timestamp, ZoneInfo(settings.crm_timezone)).date()
    return date.fromisoformat(day) >= local_today - timedelta(days=1)


def build_redelivery_sensor(settings: Settings, job) -> dg.SensorDefinition:
    partitions = daily_partitions(settings, include_today=False)

    @dg.sensor(
        name=SENSOR_NAME,
        job_name=job.name,  # by name, not the job itself: automation.py says why
        minimum_interval_seconds=int(INTERVAL.total_seconds()),
        default_status=sensor_status(settings),
        description="Deliver again the latest daily report to the channels that failed, were left "
        "pending or were never tried.",
    )
    def daily_report_redelivery_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        day_key = partitions.get_last_partition_key()
        if day_key is None:
            return dg.SkipReason("no finished day yet")
        # Cursor: {"day": latest report day, "runs": redelivery runs asked for it, "last": when}.
        state = json.loads(context.cursor) if context.cursor else {}
        if state.get("day") != day_key:
            state = {"day": day_key, "runs": 0, "last": None}
        if state["runs"] >= REDELIVERY_RUNS:
            return dg.SkipReason(f"{day_key}: {REDELIVERY_RUNS} redelivery runs already asked for")
        now = datetime.now(timezone.utc)
        if state["last"] and now < datetime.fromisoformat(state["last"]) + INTERVAL * 2 ** (
            state["runs"] - 1
        ):
            return dg.SkipReason(f"{day_key}: waiting before redelivery run {state['runs'] + 1}")

        undelivered = postgres.fetch_all(
            load_sql(__file__, "undelivered.sql"),
            report_date=date.fromisoformat(day_key),
            channels=list(CHANNELS),
            settled_before=now - SETTLE_TIME,
        )
        if not undelivered:
            return dg.SkipReason(f"{day_key}: every report was delivered (or its channels are off)")
        state = {"day": day_key, "runs": state["runs"] + 1, "last": now.isoformat()}
        context.update_cursor(json.dumps(state))
        missing = "; ".join(f"tenant {row.tenant_id}: {', '.join(row.channels)}" for row in undelivered)
        context.log.info(f"{day_key}: redelivery run {state['runs']} for {missing}")
        return dg.RunRequest(
            run_key=f"redeliver:{day_key}:{state['runs']}",
            partition_key=day_key,
            tags={REDELIVERY_TAG: str(state["runs"])},
        )

    return daily_report_redelivery_sensor
