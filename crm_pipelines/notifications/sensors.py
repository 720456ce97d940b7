"""What drives `notification_checks_job`.

`notification_checks_sensor` asks PostgreSQL every NOTIFICATION_CHECK_INTERVAL_MINUTES whether
any unanswered conversation, hot lead or due follow-up lacks its notification, and requests a run
only then, so a quiet CRM does not fill the run history with empty runs. Its run_key names the
situations it found (counts and a digest of their ids); its cursor and skip reasons say what
it saw. `performance_alerts_sensor` runs the performance-alert rule after a materialization of
today's `seller_metrics` partition (not on a clock), when that refresh shows a seller over the
limits who has no alert yet.
"""

# No `from __future__ import annotations` here: Dagster reads the config and resource
# annotations of the ops and sensors below as real types when it builds them.

import json
from datetime import datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.automation import sensor_status
from crm_pipelines.crmventas.freshness import mirrors_synced_at
from crm_pipelines.notifications.checks import DueSummary, count_performance_due, find_due, local_day
from crm_pipelines.notifications.jobs import run_config_for
from crm_pipelines.notifications.thresholds import CLOCK_RULES, Thresholds
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings

SELLER_METRICS = dg.AssetKey("seller_metrics")


def describe(summary: DueSummary) -> str:
    c = summary.counts
    return f"{c['unanswered']} unanswered, {c['hot_lead']} hot leads, {c['followup']} follow-ups"


def run_key_for(summary: DueSummary) -> str:
    c = summary.counts
    return f"due:{c['unanswered']}u-{c['hot_lead']}h-{c['followup']}f:{summary.digest}"


def build_notification_sensors(settings: Settings, job: dg.JobDefinition) -> list[dg.SensorDefinition]:
    status = sensor_status(settings)
    interval = settings.notification_check_interval_minutes * 60
    # A requested run that has not cleared its situations after this long (failed, cancelled)
    # is requested again under a new run_key.
    rerequest_after = timedelta(seconds=max(30 * 60, 3 * interval))

    @dg.sensor(
        name="notification_checks_sensor",
        job_name=job.name,  # by name, not the job itself: automation.py says why
        minimum_interval_seconds=interval,
        default_status=status,
        description="Requests a notification check when something is due and not yet notified.",
    )
    def notification_checks_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        now = datetime.now(timezone.utc)
        with postgres.connect() as conn:
            summary = find_due(conn, Thresholds.from_settings(settings), now)
        previous = json.loads(context.cursor) if context.cursor else {}
        local = now.astimezone(settings.timezone).strftime("%H:%M")
        seen = describe(summary)
        cursor = {
            "checked_at": now.isoformat(),
            "due": summary.counts,
            "requested": previous.get("requested"),
        }

        if summary.total == 0:
            context.update_cursor(json.dumps(cursor))
            synced = mirrors_synced_at(postgres) if settings.crm_source == "crmventas" else None
            if settings.crm_source == "crmventas" and (synced is None or now - synced > timedelta(seconds=interval)):
                # The mirrors answer for CRM Ventas only as of their last sync: a check syncs first.
                window = int(now.timestamp()) // interval * interval
                return dg.RunRequest(run_key=f"sync-and-check:{window}", run_config=run_config_for(CLOCK_RULES),
                                     tags={"crm_pipelines/due": f"mirrors last synced {synced or 'never'}"})
            return dg.SkipReason(f"nothing due at {local} ({settings.crm_timezone}): {seen}")

        requested = previous.get("requested") or {}
        if requested.get("digest") == summary.digest:
            age = now - datetime.fromisoformat(requested["at"])
            if age < rerequest_after:
                context.update_cursor(json.dumps(cursor))
                return dg.SkipReason(
                    f"at {local}: {seen}, already requested in run_key "
                    f"{requested['run_key']} at {requested['at']}; waiting for it"
                )

        run_key = run_key_for(summary)
        if requested.get("digest") == summary.digest:
            run_key += f":again-{int(now.timestamp())}"
        cursor["requested"] = {"digest": summary.digest, "run_key": run_key, "at": now.isoformat()}
        context.update_cursor(json.dumps(cursor))
        return dg.RunRequest(
            run_key=run_key, run_config=run_config_for(CLOCK_RULES), tags={"crm_pipelines/due": seen}
        )

    @dg.sensor(
        name="performance_alerts_sensor",
        job_name=job.name,  # by name, not the job itself: automation.py says why
        minimum_interval_seconds=60,
        default_status=status,
        description="Runs the performance-alert rule after a materialization of today's "
        "seller_metrics partition that shows a seller over the limits without an alert.",
    )
    def performance_alerts_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        day = local_day(datetime.now(timezone.utc), settings)
        today = day.isoformat()
        after = int(context.cursor) if context.cursor else None
        records = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=SELLER_METRICS, asset_partitions=[today], after_storage_id=after),
            limit=1,
        ).records
        if not records:
            return dg.SkipReason(
                f"no new materialization of seller_metrics {today}"
                + (f" after event {after}" if after else "")
            )
        latest = records[0]
        context.update_cursor(str(latest.storage_id))
        # A refresh every METRICS_REFRESH_INTERVAL_MINUTES must not mean as many empty runs.
        with postgres.connect() as conn:
            due = count_performance_due(conn, Thresholds.from_settings(settings), day)
        if due == 0:
            return dg.SkipReason(
                f"seller_metrics {today} refreshed (event {latest.storage_id}): "
                "no seller over the limits without an alert"
            )
        return dg.RunRequest(
            run_key=f"performance:{today}:{latest.storage_id}",
            run_config=run_config_for(["performance_alert"]),
            tags={"crm_pipelines/seller_metrics_partition": today, "crm_pipelines/due": f"{due} sellers"},
        )

    return [notification_checks_sensor, performance_alerts_sensor]
