"""`daily_report_redelivery_sensor`: when a channel failed to take the latest report (SMTP down at
DAILY_REPORT_HOUR, a webhook answering 500), ask for a delivering run again later, with growing
gaps (15, 30, 60, 120 minutes after the previous try) and at most REDELIVERY_RUNS times per
report day. The run re-sends only the channels not yet `sent`, so nothing is sent twice.
"""

import json
from datetime import date, datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.automation import sensor_status
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings

SENSOR_NAME = "daily_report_redelivery_sensor"
INTERVAL = timedelta(minutes=15)
REDELIVERY_RUNS = 4
REDELIVERY_TAG = "crm_pipelines/redelivery"


def build_redelivery_sensor(settings: Settings, job) -> dg.SensorDefinition:
    partitions = daily_partitions(settings, include_today=False)

    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=int(INTERVAL.total_seconds()),
        default_status=sensor_status(settings),
        description="Deliver again the latest daily report to the channels that failed to take it.",
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

        failed = postgres.fetch_all(
            load_sql(__file__, "failed_deliveries.sql"), report_date=date.fromisoformat(day_key)
        )
        if not failed:
            return dg.SkipReason(f"{day_key}: every report was delivered (or its channels are off)")
        state = {"day": day_key, "runs": state["runs"] + 1, "last": now.isoformat()}
        context.update_cursor(json.dumps(state))
        tenants = ", ".join(str(row.tenant_id) for row in failed)
        context.log.info(f"{day_key}: redelivery run {state['runs']} for tenant(s) {tenants}")
        return dg.RunRequest(
            run_key=f"redeliver:{day_key}:{state['runs']}",
            partition_key=day_key,
            run_config={"ops": {"daily_report": {"config": {"deliver": True}}}},
            tags={REDELIVERY_TAG: str(state["runs"])},
        )

    return daily_report_redelivery_sensor
