"""Fixtures of the report tests: the hand-built day of SPEC section 5 (a tenant with five
sellers, a week of history and the day's notifications; a second tenant with nothing)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import sqlalchemy as sa

from crm_pipelines.reports.assets import build_daily_report_asset
from crm_pipelines.reports.delivery_job import build_delivery_job
from crm_pipelines.settings import Settings
from crm_pipelines_tests.support import crm_factory as crm

DAY = date(2026, 11, 20)
TZ = "America/Bogota"  # UTC-5: the day's notifications are counted by local midnight


@dataclasses.dataclass
class Acme:
    tenant_id: int
    quiet_tenant_id: int
    sellers: dict[str, str]


def build_acme_day(db: sa.Engine, seller_names: dict[str, str] | None = None) -> Acme:
    """Acme (ceo@acme.test) and Quiet (no ceo_email, no activity). Seller keys a..e map to names."""
    names = {"a": "Ana López", "b": "Bruno Díaz", "c": "Carla Ruiz", "d": "Diego Mora", "e": "Eva Gil"}
    names.update(seller_names or {})
    local = ZoneInfo(TZ)
    with db.begin() as conn:
        acme = crm.tenant(conn, "Acme", "ceo@acme.test")
        quiet = crm.tenant(conn, "Quiet", None)
        ids = {k: crm.seller(conn, acme, n) for k, n in names.items()}
        crm.seller_metrics_row(
            conn,
            acme,
            ids["a"],
            DAY,
            conversations_active=10,
            conversations_new=3,
            conversations_unanswered=2,
            messages_sent=40,
            replies=20,
            avg_response_time_minutes=6.0,
            leads_generated=4,
            leads_converted=1,
            hot_leads_open=1,
            productivity_score=7.5,
        )
        crm.seller_metrics_row(
            conn,
            acme,
            ids["b"],
            DAY,
            conversations_active=6,
            conversations_new=2,
            conversations_unanswered=7,
            messages_sent=12,
            replies=10,
            avg_response_time_minutes=45.0,
            leads_generated=2,
            leads_converted=2,
            hot_leads_open=3,
            follow_ups_due=2,
            productivity_score=7.5,
        )
        crm.seller_metrics_row(
            conn,
            acme,
            ids["c"],
            DAY,
            conversations_active=4,
            conversations_new=1,
            messages_sent=20,
            replies=10,
            avg_response_time_minutes=12.0,
            leads_generated=2,
            leads_converted=1,
            follow_ups_due=1,
            productivity_score=8.2,
        )
        crm.seller_metrics_row(conn, acme, ids["d"], DAY, productivity_score=1.0)  # inactive all day
        crm.seller_metrics_row(
            conn,
            acme,
            ids["e"],
            DAY,
            conversations_active=2,
            messages_sent=8,
            replies=5,
            avg_response_time_minutes=10.0,
            leads_generated=1,
            leads_converted=1,
            productivity_score=7.5,
        )
        # The week before: only two days have rows (Ana alone); D-8 is outside the baseline.
        crm.seller_metrics_row(
            conn,
            acme,
            ids["a"],
            DAY - timedelta(days=1),
            conversations_active=8,
            messages_sent=10,
            replies=10,
            avg_response_time_minutes=10.0,
            leads_generated=3,
            leads_converted=1,
        )
        crm.seller_metrics_row(
            conn,
            acme,
            ids["a"],
            DAY - timedelta(days=2),
            conversations_active=12,
            messages_sent=10,
            replies=10,
            avg_response_time_minutes=20.0,
            leads_generated=5,
            leads_converted=3,
        )
        crm.seller_metrics_row(
            conn,
            acme,
            ids["a"],
            DAY - timedelta(days=8),
            conversations_active=100,
            messages_sent=100,
            replies=100,
            avg_response_time_minutes=99.0,
            leads_generated=50,
            leads_converted=50,
        )
        # Notifications: local day D runs from D 05:00 UTC to D+1 05:00 UTC.
        start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=local)
        for minutes in (1, 60, 23 * 60 + 30):  # 00:01, 01:00 and 23:30 local
            crm.notification(conn, acme, "unanswered", start + timedelta(minutes=minutes))
        crm.notification(conn, acme, "hot_lead", start + timedelta(hours=12))
        crm.notification(conn, acme, "performance_alert", start + timedelta(hours=9))
        crm.notification(conn, acme, "unanswered", start - timedelta(minutes=1))  # previous local day
        crm.notification(conn, acme, "followup", start + timedelta(days=1))  # next local day
        crm.notification(conn, quiet, "unanswered", start - timedelta(hours=2))  # Quiet's, previous day
    return Acme(acme, quiet, ids)


@pytest.fixture
def report_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, crm_timezone=TZ)


def daily_report_asset(settings: Settings) -> dg.AssetsDefinition:
    return build_daily_report_asset(settings)


def run_report(
    settings: Settings,
    resources: dict,
    day: date = DAY,
    partition_range: tuple[str, str] | None = None,
    tags: dict | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize daily_report (which stores the reports and sends nothing)."""
    kwargs: dict = {"partition_key": day.isoformat()} if partition_range is None else {}
    if partition_range is not None:
        kwargs["tags"] = {
            "dagster/asset_partition_range_start": partition_range[0],
            "dagster/asset_partition_range_end": partition_range[1],
        }
    if tags:
        kwargs["tags"] = kwargs.get("tags", {}) | tags
    if instance is not None:
        kwargs["instance"] = instance
    return dg.materialize([daily_report_asset(settings)], resources=resources, **kwargs)


def run_delivery(
    settings: Settings,
    resources: dict,
    day: date = DAY,
    attempts: int = 3,
    backoff: float = 0.01,
    deadline: float | None = None,
    resend_interrupted: bool = False,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """Run daily_report_delivery_job for `day`, as the delivery sensor's run does."""
    config = {"attempts": attempts, "backoff_seconds": backoff, "resend_interrupted": resend_interrupted}
    if deadline is not None:
        config["attempt_deadline_seconds"] = deadline
    return build_delivery_job(settings).execute_in_process(
        run_config={"ops": {"deliver_daily_report": {"config": config}}},
        resources={"postgres": resources["postgres"], "socketio": resources["socketio"]},
        partition_key=day.isoformat(),
        instance=instance,
        raise_on_error=False,
    )


def delivery_states(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, str]]:
    """The delivery job's output: {"tenant:day": {channel: state after the run}}."""
    return result.output_for_node("deliver_daily_report")


def run_log(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> str:
    """Every message of the run's log, as the Dagster UI shows it."""
    return "\n".join(entry.user_message or "" for entry in instance.all_logs(result.run_id))
