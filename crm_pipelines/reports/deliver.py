"""Deliver one tenant's stored report of one day to every channel, each on its own.

Channels: Socket.IO (`daily_report` to `reports:{tenant_id}`), email (to the tenant's ceo_email or
HANDOFF_EMAIL), Slack and Teams webhooks. Each outcome is written to `daily_reports.delivered_to`
right after its attempt ({"email": {"status": "failed", "at": ..., "attempts": 3, "error": ...}}).
A channel already marked `sent` is never tried again, so a later run delivers only what is
missing. A session advisory lock per tenant and day keeps two runs from delivering at once.
Nothing here raises into the asset: the stored report stands whatever the channels do.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.delivery import InlineImage, is_legacy_teams_webhook, post_slack, post_teams, send_email
from crm_pipelines.delivery.retry import DeliveryOutcome, skipped, with_retries
from crm_pipelines.reports.render import (
    CHART_CID,
    email_subject,
    render_html,
    render_text,
    slack_message,
    teams_message,
)
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings

_MODULE_LOG = logging.getLogger(__name__)

CHANNELS = ("socketio", "email", "slack", "teams")
EVENT = "daily_report"


@dataclass(frozen=True)
class RetryOptions:
    attempts: int = 3
    backoff_seconds: float = 2.0


@dataclass(frozen=True)
class ReportToDeliver:
    tenant_id: int
    report_date: date
    ceo_email: str | None
    payload: dict[str, Any]
    chart_png: bytes


def report_room(tenant_id: int) -> str:
    return f"reports:{tenant_id}"


class ReportDelivery:
    """Delivers the reports of one run. A channel that failed every attempt for one tenant is
    likely down for all of them (the webhooks and the SMTP server are shared): later tenants of
    the same run get a single attempt on it, so a dead server costs one timeout per tenant, not
    the whole backoff sequence each time."""

    def __init__(
        self,
        postgres: PostgresResource,
        socketio: SocketIOResource,
        settings: Settings,
        retry: RetryOptions,
        log: logging.Logger | None = None,
    ):
        self.postgres = postgres
        self.socketio = socketio
        self.settings = settings
        self.retry = retry
        # The run's logger (context.log) so skipped/failed channels show in the run's log in the UI.
        self.log = log or _MODULE_LOG
        self.down: set[str] = set()

    def _retrying(self, channel: str, send, what: str, detail: str | None = None) -> DeliveryOutcome:
        attempts = 1 if channel in self.down else self.retry.attempts
        outcome = with_retries(
            send,
            what=what,
            attempts=attempts,
            backoff_seconds=self.retry.backoff_seconds,
            detail=detail,
            logger=self.log,
        )
        if outcome.status == "failed":
            self.down.add(channel)
        else:
            self.down.discard(channel)
        return outcome

    def via_socketio(self, report: ReportToDeliver) -> DeliveryOutcome:
        if not self.socketio.enabled:
            return skipped("REDIS_URL unset")

        def send() -> None:
            if not self.socketio.emit(EVENT, report.payload, room=report_room(report.tenant_id)):
                raise ConnectionError("Socket.IO emit not taken by Redis")

        return self._retrying("socketio", send, f"daily_report Socket.IO tenant {report.tenant_id}")

    def via_email(self, report: ReportToDeliver) -> DeliveryOutcome:
        if not self.settings.smtp_enabled:
            return skipped("SMTP_HOST unset")
        recipient = report.ceo_email or self.settings.handoff_email
        if not recipient:
            self.log.warning(
                "tenant %s has no ceo_email and HANDOFF_EMAIL is unset: daily report email skipped",
                report.tenant_id,
            )
            return skipped("no ceo_email and HANDOFF_EMAIL unset")
        html = render_html(report.payload, chart_src=f"cid:{CHART_CID}")
        text = render_text(report.payload)
        image = InlineImage(cid=CHART_CID, data=report.chart_png, filename="daily-report.png")

        def send() -> None:
            send_email(self.settings, [recipient], email_subject(report.payload), html, text, [image])

        return self._retrying(
            "email", send, f"daily_report email tenant {report.tenant_id}", detail=recipient
        )

    def via_slack(self, report: ReportToDeliver) -> DeliveryOutcome:
        url = self.settings.slack_webhook_url
        if not url:
            return skipped("SLACK_WEBHOOK_URL unset")
        message = slack_message(report.payload)
        return self._retrying(
            "slack", lambda: post_slack(url, message), f"daily_report Slack tenant {report.tenant_id}"
        )

    def via_teams(self, report: ReportToDeliver) -> DeliveryOutcome:
        url = self.settings.teams_webhook_url
        if not url:
            return skipped("TEAMS_WEBHOOK_URL unset")
        message = teams_message(report.payload, legacy=is_legacy_teams_webhook(url))
        return self._retrying(
            "teams", lambda: post_teams(url, message), f"daily_report Teams tenant {report.tenant_id}"
        )

    def deliver(self, report: ReportToDeliver) -> dict[str, str]:
        """Send the channels not yet `sent`; returns each channel's status after this run
        (`sent` also for one sent by an earlier run, `busy` when another run holds the lock)."""
        senders = {
            "socketio": self.via_socketio,
            "email": self.via_email,
            "slack": self.via_slack,
            "teams": self.via_teams,
        }
        keys = {"tenant_id": report.tenant_id, "report_date": report.report_date}
        lock_name = delivery_lock_name(report.tenant_id, report.report_date)
        with self.postgres.connect() as lock_conn:
            taken = lock_conn.execute(
                sa.text("SELECT pg_try_advisory_lock(hashtextextended(:n, 0))"), {"n": lock_name}
            ).scalar()
            lock_conn.commit()
            if not taken:
                self.log.info(
                    "daily report of tenant %s for %s is being delivered by another run",
                    report.tenant_id,
                    report.report_date,
                )
                return {channel: "busy" for channel in CHANNELS}
            try:
                with self.postgres.begin() as conn:
                    before = conn.execute(load_sql(__file__, "delivered_to.sql"), keys).scalar() or {}
                result: dict[str, str] = {}
                for channel in CHANNELS:
                    if (before.get(channel) or {}).get("status") == "sent":
                        result[channel] = "sent"
                        continue
                    try:
                        outcome = senders[channel](report)
                    except Exception as err:  # noqa: BLE001 - a bug in one channel must not stop the others
                        self.log.warning("daily report %s delivery crashed: %s", channel, type(err).__name__)
                        outcome = DeliveryOutcome(status="failed", error=type(err).__name__)
                    with self.postgres.begin() as conn:
                        conn.execute(
                            load_sql(__file__, "record_delivery.sql"),
                            keys | {"channel": channel, "outcome": json.dumps(outcome.as_record())},
                        )
                    result[channel] = outcome.status
                return result
            finally:
                lock_conn.execute(
                    sa.text("SELECT pg_advisory_unlock(hashtextextended(:n, 0))"), {"n": lock_name}
                )
                lock_conn.commit()


def delivery_lock_name(tenant_id: int, report_date: date) -> str:
    """The advisory lock (hashed to a bigint) held while a tenant's report of a day is delivered."""
    return f"crm_pipelines.daily_report:{tenant_id}:{report_date.isoformat()}"
