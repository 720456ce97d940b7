"""Slack and Microsoft Teams incoming webhooks.

Slack goes through slack_sdk's WebhookClient; Teams is posted with urllib (requests and urllib3,
which dagster-msteams' TeamsClient uses, log the request path, i.e. the hook's token, at DEBUG).
Teams has two kinds of hooks: legacy
Office 365 connectors (`*.webhook.office.com`) take a MessageCard, Workflows hooks take an
Adaptive Card in a message envelope; `is_legacy_teams_webhook` tells the caller which to build
(the same test dagster-msteams uses for its own failure hooks).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any

from dagster_msteams.client import TeamsClient
from slack_sdk.webhook import WebhookClient

from crm_pipelines.escaping import slack_mrkdwn

WEBHOOK_TIMEOUT_SECONDS = 15

# slack_sdk logs the request URL (a secret: the webhook's token) at DEBUG, and at INFO when its own
# retry handler retries. Its logger sits outside logging's tree (no parent, so nothing reaches the
# root handlers even when a later dictConfig resets `propagate`) and is disabled; it gets no retry
# handlers either: `with_retries` does the retrying and records the outcome.
_SLACK_SDK_LOG = logging.Logger("crm_pipelines.delivery.slack_sdk", level=logging.CRITICAL)
_SLACK_SDK_LOG.disabled = True


class WebhookRejected(RuntimeError):
    """The hook answered with a non-success status (message carries the status only)."""


def slack_escape(text: str) -> str:
    """Slack mrkdwn: `<!channel>`, `<url|x>`, `*bold*`, `_it_` become plain text (see escaping.py)."""
    return slack_mrkdwn(text)


def post_slack(url: str, payload: dict[str, Any]) -> None:
    client = WebhookClient(url, timeout=WEBHOOK_TIMEOUT_SECONDS, logger=_SLACK_SDK_LOG, retry_handlers=[])
    response = client.send_dict(payload)
    if response.status_code != 200:
        raise WebhookRejected(f"Slack webhook answered {response.status_code}")


def is_legacy_teams_webhook(url: str) -> bool:
    return TeamsClient(hook_url=url).is_legacy_webhook()


def post_teams(url: str, payload: dict[str, Any]) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        # http(s) only: the URL was validated in settings
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as err:
        raise WebhookRejected(f"Teams webhook answered {err.code}") from None
    except (urllib.error.URLError, OSError) as err:
        # URLError's text names the host and path: re-raise with the error type only.
        raise WebhookRejected(f"Teams webhook failed: {type(err).__name__}") from None
    if status >= 300:
        raise WebhookRejected(f"Teams webhook answered {status}")
