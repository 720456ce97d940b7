"""Slack and Microsoft Teams incoming webhooks.

Slack goes through slack_sdk's WebhookClient; Teams through dagster-msteams' TeamsClient, which
posts the JSON and raises unless the hook accepted it. Teams has two kinds of hooks: legacy
Office 365 connectors (`*.webhook.office.com`) take a MessageCard, Workflows hooks take an
Adaptive Card in a message envelope; `is_legacy_teams_webhook` tells the caller which to build
(the same test dagster-msteams uses for its own failure hooks).
"""

from __future__ import annotations

import logging
from typing import Any

from dagster_msteams.client import TeamsClient
from slack_sdk.webhook import WebhookClient

WEBHOOK_TIMEOUT_SECONDS = 15

# slack_sdk logs the request URL (a secret: the webhook's token) at DEBUG, and at INFO when its own
# retry handler retries; it gets a logger of its own that only says errors (whose text carries the
# socket error, not the URL), and no retry handlers: `with_retries` does the retrying.
_SLACK_SDK_LOG = logging.getLogger("crm_pipelines.delivery.slack_sdk")
_SLACK_SDK_LOG.setLevel(logging.ERROR)


class WebhookRejected(RuntimeError):
    """The hook answered with a non-success status (message carries the status only)."""


def slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters: `<!channel>` and `<url|x>` become plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post_slack(url: str, payload: dict[str, Any]) -> None:
    client = WebhookClient(url, timeout=WEBHOOK_TIMEOUT_SECONDS, logger=_SLACK_SDK_LOG, retry_handlers=[])
    response = client.send_dict(payload)
    if response.status_code != 200:
        raise WebhookRejected(f"Slack webhook answered {response.status_code}")


def is_legacy_teams_webhook(url: str) -> bool:
    return TeamsClient(hook_url=url).is_legacy_webhook()


def post_teams(url: str, payload: dict[str, Any]) -> None:
    try:
        TeamsClient(hook_url=url, timeout=WEBHOOK_TIMEOUT_SECONDS).post_message(payload)
    except Exception as err:  # noqa: BLE001 - any failure; re-raised without requests' message
        # requests' messages name the URL; re-raise without it.
        raise WebhookRejected(f"Teams webhook failed: {type(err).__name__}") from None
