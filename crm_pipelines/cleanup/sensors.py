"""`cleanup_sensor`: every CLEANUP_INTERVAL_HOURS, run cleanup_job only when there is something to do.

It asks PostgreSQL (one statement of cheap EXISTS, sql/pending.sql) and Dagster's run storage
whether anything is past its retention; when nothing is, it records a SkipReason saying so. The
run_key names the interval window (`cleanup:<start of window>`), stable for the window, so a
window never gets two cleanup runs. Stale Redis keys alone do not trigger a run: they expire
with their TTL anyway and are removed by the next run.
"""

# No `from __future__ import annotations` here: Dagster reads the config and resource
# annotations of the ops and sensors below as real types when it builds them.

import json
from datetime import datetime, timezone

import dagster as dg

from crm_pipelines.automation import sensor_status
from crm_pipelines.cleanup.plan import CleanupPlan
from crm_pipelines.cleanup.run_history import has_prunable_runs
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings

LABELS = {
    "expired_notifications": "expired notifications",
    "old_notified_situations": "notified situations older than the retention",
    "idle_conversations": "idle conversations",
    "old_seller_metrics": "old seller_metrics",
    "old_daily_reports": "old daily_reports",
    "old_dagster_runs": "old Dagster runs",
    "unfolded_conversation_counts": "conversation counts to fold",
}


def pending_work(conn, instance: dg.DagsterInstance, plan: CleanupPlan) -> dict[str, bool]:
    pending = dict(conn.execute(load_sql(__file__, "pending.sql"), plan.pending_params()).mappings().one())
    pending["old_dagster_runs"] = plan.run_history_cutoff is not None and has_prunable_runs(
        instance, plan.run_history_cutoff
    )
    return {name: bool(value) for name, value in pending.items()}


def build_cleanup_sensor(settings: Settings, job: dg.JobDefinition) -> dg.SensorDefinition:
    interval = settings.cleanup_interval_hours * 3600
    status = sensor_status(settings)

    @dg.sensor(
        name="cleanup_sensor",
        job_name=job.name,  # by name, not the job itself: automation.py says why
        minimum_interval_seconds=interval,
        default_status=status,
        description="Requests cleanup_job every CLEANUP_INTERVAL_HOURS when something is past its retention.",
    )
    def cleanup_sensor(context: dg.SensorEvaluationContext, postgres: PostgresResource):
        now = datetime.now(timezone.utc)
        plan = CleanupPlan.at(now, settings)
        with postgres.connect() as conn:
            pending = pending_work(conn, context.instance, plan)
        if settings.crm_source == "crmventas":
            pending["idle_conversations"] = False  # CRM Ventas has no conversation status to archive
        window = datetime.fromtimestamp(now.timestamp() // interval * interval, timezone.utc)
        run_key = f"cleanup:{window:%Y-%m-%dT%H:%M}"
        previous = json.loads(context.cursor) if context.cursor else {}
        found = [LABELS[name] for name, is_pending in pending.items() if is_pending]
        cursor = {
            "checked_at": now.isoformat(),
            "pending": pending,
            "last_run_key": previous.get("last_run_key"),
        }
        local = now.astimezone(settings.timezone).strftime("%H:%M")

        if not found:
            context.update_cursor(json.dumps(cursor))
            return dg.SkipReason(
                f"nothing to clean at {local} ({settings.crm_timezone}): no expired "
                "notifications, no idle conversations, nothing past its retention"
            )
        if previous.get("last_run_key") == run_key:
            context.update_cursor(json.dumps(cursor))
            return dg.SkipReason(
                f"at {local}: {', '.join(found)}; already requested {run_key} in this window"
            )
        cursor["last_run_key"] = run_key
        context.update_cursor(json.dumps(cursor))
        return dg.RunRequest(run_key=run_key, tags={"crm_pipelines/cleanup_found": ", ".join(found)})

    return cleanup_sensor
