"""Where alerts go: Slack and Teams webhooks, email to ALERT_EMAIL_RECIPIENTS, and a Socket.IO
event to the operators' room. Each channel only when configured; each is best effort (a channel
that is down logs a warning naming the channel and the error type, and the others still go).

The transports are crm_pipelines.delivery's (shared with the daily report): they never log a
webhook URL (a bearer token), open SMTP with STARTTLS when offered, and give every attempt a
wall-clock deadline (a server trickling one byte at a time cannot hold a sensor tick). Teams gets
dagster-msteams' adaptive card. Every value is escaped for the message's format (an error message
can quote a seller's or customer's name from a row): Slack mrkdwn, Adaptive Card Markdown.
"""

from __future__ import annotations

import logging

from dagster_msteams.adaptive_card import AdaptiveCard

from crm_pipelines.alerting.content import Alert
from crm_pipelines.delivery import describe_error, post_slack, post_teams
from crm_pipelines.delivery import send_email as deliver_email
from crm_pipelines.escaping import adaptive_card, slack_mrkdwn
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings

log = logging.getLogger(__name__)

ALERT_EVENT = "pipeline_alert"
# Alerts are about the deployment, not a tenant: one room for whoever operates it (a CRM
# operator console joins it; the per-tenant managers' rooms never see pipeline internals).
ALERT_ROOM = "alerts:ops"
# Per attempt and channel: a sensor tick sends to up to four channels, one after the other.
ALERT_DEADLINE_SECONDS = 10.0


def configured_channels(settings: Settings) -> list[str]:
    channels = []
    if settings.slack_webhook_url:
        channels.append("slack")
    if settings.teams_webhook_url:
        channels.append("teams")
    if settings.smtp_enabled and settings.alert_email_recipients:
        channels.append("email")
    if settings.redis_url:
        channels.append("socketio")
    return channels


def send_alert(
    settings: Settings,
    alert: Alert,
    socketio: SocketIOResource,
    deadline_seconds: float = ALERT_DEADLINE_SECONDS,
) -> dict[str, bool]:
    """Send to every configured channel; {channel: delivered}. `socketio` is the code location's
    resource (the sensors receive it like any op)."""
    senders = {
        "slack": lambda: send_slack(settings, alert, deadline_seconds),
        "teams": lambda: send_teams(settings, alert, deadline_seconds),
        "email": lambda: send_email(settings, alert, deadline_seconds),
        "socketio": lambda: send_socketio(socketio, alert),
    }
    outcome: dict[str, bool] = {}
    for channel in configured_channels(settings):
        try:
            senders[channel]()
            outcome[channel] = True
        except Exception as err:  # best effort: one channel down never stops the others
            log.warning("%s alert for run %s not delivered: %s", channel, alert.run_id, describe_error(err))
            outcome[channel] = False
    return outcome


def send_slack(settings: Settings, alert: Alert, deadline_seconds: float = ALERT_DEADLINE_SECONDS) -> None:
    text = f"*{slack_mrkdwn(alert.title)}*\n" + "\n".join(_slack_line(line) for line in alert.lines())
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_body(alert), "verbatim": True}},
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open the run in Dagster"},
             "url": alert.run_url}]},
    ]
    post_slack(settings.slack_webhook_url, {"text": text, "blocks": blocks}, deadline_seconds=deadline_seconds)


def _slack_line(line: str) -> str:
    # the run link stays a link; everything else is text
    return line if line.startswith("Run: http") else slack_mrkdwn(line)


def _slack_body(alert: Alert) -> str:
    parts = [f"*{label}:* {slack_mrkdwn(value)}" for label, value in alert.fields()]
    if alert.error:
        # inside ``` only & < > mean anything to Slack; a ``` in the error would end the block
        code = alert.error.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts.append("```" + code.replace("```", "ˋˋˋ") + "```")
    if alert.kind == "recovery":
        parts.append("Succeeded after a failure streak.")
    return "\n".join(parts)[:2900]  # Slack's section text limit is 3000


def send_teams(settings: Settings, alert: Alert, deadline_seconds: float = ALERT_DEADLINE_SECONDS) -> None:
    card = AdaptiveCard()
    card.add_attachment(f"**{adaptive_card(alert.title)}**")
    for line in alert.lines()[:-1]:
        # no indentation: four spaces would make a code block, which shows the escapes raw
        card.add_attachment(adaptive_card(line.strip()))
    card.add_attachment(f"[Open the run in Dagster]({alert.run_url})")
    post_teams(settings.teams_webhook_url, card.payload, deadline_seconds=deadline_seconds)


def send_email(settings: Settings, alert: Alert, deadline_seconds: float = ALERT_DEADLINE_SECONDS) -> None:
    deliver_email(settings, list(settings.alert_email_recipients), f"[crm-pipelines] {alert.title}",
                  None, "\n".join(alert.lines()) + "\n", deadline_seconds=deadline_seconds)


def send_socketio(socketio: SocketIOResource, alert: Alert) -> None:
    # A Redis PUBLISH: one short reply, bounded by the Redis client's own socket timeout.
    if not socketio.emit(ALERT_EVENT, alert.as_event(), room=ALERT_ROOM):
        raise RuntimeError("Redis did not take the event")
