"""Deliver one tenant's stored report of one day to every channel, each on its own.

Channels: Socket.IO (`daily_report` to `reports:{tenant_id}`), email (to the tenant's ceo_email or
HANDOFF_EMAIL), Slack and Teams webhooks. Each channel's state lives in `delivered_to` and moves
pending -> sent/failed around its send (`delivery_state.py`), so a later run delivers exactly what
is missing: a channel `sent` is never sent again, a `failed`, `skipped` or never-tried one is.

A channel found `pending` by a later run was interrupted mid-send: the message may or may not
have arrived (an SMTP server that took the DATA and a process killed before it read the 250 look
the same from here). Sending it again risks a second email to the CEO, not sending risks none;
the run marks it `interrupted`, does not resend it, and says so (the delivery job then fails once,
naming tenant, day and channel, so the failure alert reaches a person). An operator who checked
that it did not arrive resends it with the job's `resend_interrupted: true`. The report email's
Message-ID is stable per tenant and day, so a mailbox shows such a resend as the same message.

Channel failures never raise: they are recorded as `failed` for the redelivery sensor. Only
PostgreSQL trouble raises (the state could not be kept), for the step's retry policy.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crm_pipelines.delivery import InlineImage, is_legacy_teams_webhook, post_slack, post_teams, send_email
from crm_pipelines.delivery.chat import WEBHOOK_DEADLINE_SECONDS
from crm_pipelines.delivery.email import EMAIL_DEADLINE_SECONDS
from crm_pipelines.delivery.retry import DeliveryOutcome, describe_error, with_retries
from crm_pipelines.reports.chart import render_chart
from crm_pipelines.reports.delivery_state import ReportDeliveryState, now_iso
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
CLAIMABLE = ("missing", "failed", "skipped")
INTERRUPTED_DETAIL = "the run sending it stopped mid-send: it may have arrived; not resent automatically"


@dataclass(frozen=True)
class DeliveryOptions:
    attempts: int = 3
    backoff_seconds: float = 2.0
    deadline_seconds: float | None = None  # per attempt; None: each transport's own default
    resend_interrupted: bool = False


@dataclass(frozen=True)
class ReportToDeliver:
    tenant_id: int
    report_date: date
    ceo_email: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Send:
    """One channel's send, ready to go: `detail` is a safe note kept with the outcome."""

    what: str
    send: Callable[[], None]
    detail: str | None = None


@dataclass
class DeliveryReport:
    """What one run did: per report, each channel's state after it; interrupted sends found."""

    states: dict[str, dict[str, str]] = field(default_factory=dict)
    interrupted: list[str] = field(default_factory=list)


def report_room(tenant_id: int) -> str:
    return f"reports:{tenant_id}"


def report_message_id(settings: Settings, tenant_id: int, report_date: date) -> str:
    domain = (settings.alert_email_from or "crm.local").split("@")[-1]
    return f"<daily-report.{tenant_id}.{report_date.isoformat()}@{domain}>"


class ReportDelivery:
    """Delivers the reports of one run. A channel that failed every attempt for one tenant is
    likely down for all of them (the webhooks and the SMTP server are shared): later tenants of
    the same run get a single attempt on it, so a dead server costs one deadline per tenant."""

    def __init__(
        self,
        postgres: PostgresResource,
        socketio: SocketIOResource,
        settings: Settings,
        options: DeliveryOptions,
        run_id: str = "",
        log: logging.Logger | None = None,
    ):
        self.postgres, self.socketio, self.settings, self.options = postgres, socketio, settings, options
        self.run_id = run_id
        # The run's logger (context.log) so skipped/failed channels show in the run's log in the UI.
        self.log = log or _MODULE_LOG
        self.down: set[str] = set()
        self.report = DeliveryReport()

    def _deadline(self, default: float) -> float:
        return self.options.deadline_seconds or default

    def plan(self, channel: str, report: ReportToDeliver) -> Send | str:
        """The channel's send, or why it is skipped."""
        tenant = f"tenant {report.tenant_id}"
        if channel == "socketio":
            if not self.socketio.enabled:
                return "REDIS_URL unset"

            def emit() -> None:
                if not self.socketio.emit(EVENT, report.payload, room=report_room(report.tenant_id)):
                    raise ConnectionError("Socket.IO emit not taken by Redis")

            return Send(f"daily_report Socket.IO {tenant}", emit)
        if channel == "email":
            return self._plan_email(report)
        url = self.settings.slack_webhook_url if channel == "slack" else self.settings.teams_webhook_url
        if not url:
            return f"{channel.upper()}_WEBHOOK_URL unset"
        deadline = self._deadline(WEBHOOK_DEADLINE_SECONDS)
        if channel == "slack":
            message = slack_message(report.payload)
            return Send(f"daily_report Slack {tenant}",
                        lambda: post_slack(url, message, deadline_seconds=deadline))
        message = teams_message(report.payload, legacy=is_legacy_teams_webhook(url))
        return Send(f"daily_report Teams {tenant}", lambda: post_teams(url, message, deadline_seconds=deadline))

    def _plan_email(self, report: ReportToDeliver) -> Send | str:
        if not self.settings.smtp_enabled:
            return "SMTP_HOST unset"
        recipient = report.ceo_email or self.settings.handoff_email
        if not recipient:
            self.log.warning(
                "tenant %s has no ceo_email and HANDOFF_EMAIL is unset: daily report email skipped",
                report.tenant_id,
            )
            return "no ceo_email and HANDOFF_EMAIL unset"
        html = render_html(report.payload, chart_src=f"cid:{CHART_CID}")
        text = render_text(report.payload)
        png = render_chart(report.payload, self.settings.performance_alert_max_response_minutes)
        image = InlineImage(cid=CHART_CID, data=png, filename="daily-report.png")
        message_id = report_message_id(self.settings, report.tenant_id, report.report_date)
        deadline = self._deadline(EMAIL_DEADLINE_SECONDS)

        def send() -> None:
            send_email(self.settings, [recipient], email_subject(report.payload), html, text, [image],
                       message_id=message_id, deadline_seconds=deadline)

        return Send(f"daily_report email tenant {report.tenant_id}", send, detail=recipient)

    def deliver(self, report: ReportToDeliver) -> dict[str, str]:
        """Bring every channel of the report to a settled state; returns each channel's state
        after this run (`sent` also for one sent earlier, `busy` when another run holds the lock)."""
        state = ReportDeliveryState(self.postgres, report.tenant_id, report.report_date, self.log)
        key = f"{report.tenant_id}:{report.report_date.isoformat()}"
        with state.locked() as taken:
            if not taken:
                self.log.info("daily report of tenant %s for %s is being delivered by another run",
                              report.tenant_id, report.report_date)
                result = {channel: "busy" for channel in CHANNELS}
            else:
                before = state.read()
                result = {channel: self._channel(state, report, channel, before.get(channel) or {})
                          for channel in CHANNELS}
        self.report.states[key] = result
        return result

    def _channel(self, state: ReportDeliveryState, report: ReportToDeliver, channel: str,
                 before: dict[str, Any]) -> str:
        status = before.get("status", "missing")
        if status == "sent":
            return "sent"
        if status == "pending":
            # We hold the lock, so the run that claimed it is no longer sending.
            state.settle(channel, before.get("claim", ""), {
                "status": "interrupted", "at": now_iso(), "since": before.get("at"),
                "run_id": before.get("run_id"), "attempts": before.get("attempts", 0),
                "detail": INTERRUPTED_DETAIL,
            })
            said = f"tenant {report.tenant_id} {report.report_date}: {channel} was interrupted mid-send " \
                   f"(pending since {before.get('at')}, run {before.get('run_id')}); its outcome is unknown"
            self.log.warning(said)
            self.report.interrupted.append(said)
            status = "interrupted"
        if status == "interrupted" and not self.options.resend_interrupted:
            return "interrupted"
        planned = self.plan(channel, report)
        if isinstance(planned, str):
            record = {"status": "skipped", "at": now_iso(), "detail": planned}
            return "skipped" if state.claim(channel, record, CLAIMABLE + ("interrupted",)) else status
        claim = uuid.uuid4().hex
        attempts_before = int(before.get("attempts") or 0)
        pending = {"status": "pending", "at": now_iso(), "claim": claim, "run_id": self.run_id,
                   "attempts": attempts_before}
        if not state.claim(channel, pending, CLAIMABLE + ("interrupted",)):
            return status  # changed under us (cannot happen under the lock; never send unclaimed)
        outcome = self._send(channel, planned)
        record = outcome.as_record() | {"attempts": attempts_before + outcome.attempts,
                                        "run_id": self.run_id, "since": pending["at"]}
        state.settle(channel, claim, record)
        return outcome.status

    def _send(self, channel: str, planned: Send) -> DeliveryOutcome:
        attempts = 1 if channel in self.down else self.options.attempts
        try:
            outcome = with_retries(planned.send, what=planned.what, attempts=attempts,
                                   backoff_seconds=self.options.backoff_seconds, detail=planned.detail,
                                   logger=self.log)
        except Exception as err:  # noqa: BLE001 - a bug in one channel must not stop the others
            self.log.warning("%s crashed: %s", planned.what, describe_error(err))
            outcome = DeliveryOutcome(status="failed", attempts=1, error=describe_error(err))
        if outcome.status == "failed":
            self.down.add(channel)
        else:
            self.down.discard(channel)
        return outcome
