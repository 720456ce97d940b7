"""Where alerts go: Slack and Teams webhooks, email to ALERT_EMAIL_RECIPIENTS, and a Socket.IO
event to the operators' room. Each channel only when configured; each is best effort (a channel
that is down logs a warning naming the channel and the error type, and the others still go).

Webhook URLs are bearer tokens: they are never logged. slack_sdk logs the URL it posts to (at
debug, and at info on a retry), so it gets a silent logger; Teams is posted with urllib (no
request logging) using dagster-msteams' adaptive card.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.request
from email.message import EmailMessage

from dagster_msteams.adaptive_card import AdaptiveCard
from slack_sdk.webhook import WebhookClient

from crm_pipelines.alerting.content import Alert
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings

log = logging.getLogger(__name__)

ALERT_EVENT = "pipeline_alert"
# Alerts are about the deployment, not a tenant: one room for whoever operates it (a CRM
# operator console joins it; the per-tenant managers' rooms never see pipeline internals).
ALERT_ROOM = "alerts:ops"
TIMEOUT_SECONDS = 10
LOOPBACK = ("127.0.0.1", "::1", "localhost")

# A logger outside logging's tree (no parent, so nothing reaches the root handlers even when a
# later dictConfig resets `propagate` on the named loggers) and disabled.
_silent = logging.Logger("crm_pipelines.alerting.slack_transport", level=logging.CRITICAL)
_silent.disabled = True


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


def send_alert(settings: Settings, alert: Alert) -> dict[str, bool]:
    """Send to every configured channel; {channel: delivered}."""
    senders = {"slack": send_slack, "teams": send_teams, "email": send_email, "socketio": send_socketio}
    outcome: dict[str, bool] = {}
    for channel in configured_channels(settings):
        try:
            senders[channel](settings, alert)
            outcome[channel] = True
        except Exception as err:  # best effort: one channel down never stops the others
            log.warning("%s alert for run %s not delivered: %s", channel, alert.run_id, type(err).__name__)
            outcome[channel] = False
    return outcome


def send_slack(settings: Settings, alert: Alert) -> None:
    text = f"*{alert.title}*\n" + "\n".join(alert.lines())
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_body(alert)}},
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open the run in Dagster"},
             "url": alert.run_url}]},
    ]
    client = WebhookClient(settings.slack_webhook_url, timeout=TIMEOUT_SECONDS, logger=_silent)
    response = client.send(text=text, blocks=blocks)
    if response.status_code != 200:
        raise RuntimeError(f"Slack answered {response.status_code}")


def _slack_body(alert: Alert) -> str:
    parts = [f"*Job:* {alert.job}"]
    if alert.assets:
        parts.append(f"*Assets:* {', '.join(alert.assets)}")
    if alert.partition:
        parts.append(f"*Partition:* {alert.partition}")
    if alert.steps:
        parts.append(f"*Failed step:* {', '.join(alert.steps)}")
    if alert.error:
        parts.append(f"```{alert.error}```")
    if alert.kind == "recovery":
        parts.append("Succeeded after a failure streak.")
    return "\n".join(parts)[:2900]  # Slack's section text limit is 3000


def send_teams(settings: Settings, alert: Alert) -> None:
    card = AdaptiveCard()
    card.add_attachment(f"**{alert.title}**")
    for line in alert.lines()[:-1]:
        card.add_attachment(line)
    card.add_attachment(f"[Open the run in Dagster]({alert.run_url})")
    request = urllib.request.Request(
        settings.teams_webhook_url, data=json.dumps(card.payload).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    # http(s) only: the URL was validated in settings
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if response.status >= 300:
            raise RuntimeError(f"Teams answered {response.status}")


def send_email(settings: Settings, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = f"[crm-pipelines] {alert.title}"
    message["From"] = settings.alert_email_from
    message["To"] = ", ".join(settings.alert_email_recipients)
    message.set_content("\n".join(alert.lines()) + "\n")
    with open_smtp(settings) as smtp:
        smtp.send_message(message)


def open_smtp(settings: Settings) -> smtplib.SMTP:
    """Port 465 is TLS from the first byte; elsewhere STARTTLS when the server offers it (a relay
    on loopback may not), and a login only when SMTP_USER is set, never in clear to another host."""
    context = ssl.create_default_context()
    if settings.smtp_port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                              timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif settings.smtp_user and settings.smtp_host not in LOOPBACK:
            smtp.close()
            raise RuntimeError("the SMTP server offers no STARTTLS: the password is not sent in clear")
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def send_socketio(settings: Settings, alert: Alert) -> None:
    socketio = SocketIOResource(redis_url=settings.redis_url, channel=settings.socketio_channel)
    if not socketio.emit(ALERT_EVENT, alert.as_event(), room=ALERT_ROOM):
        raise RuntimeError("Redis did not take the event")
