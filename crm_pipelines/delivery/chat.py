"""Slack and Microsoft Teams incoming webhooks, posted as JSON with urllib under a wall-clock
deadline per attempt (`deadline.py`): urllib's timeout bounds each socket read, so its
connections register their socket with the attempt's deadline, which shuts it down when time is up.

One transport for both hooks: slack_sdk's WebhookClient and requests (dagster-msteams' TeamsClient)
log the request URL, i.e. the hook's token, at DEBUG, and neither has a total timeout. urllib
logs nothing and still honours HTTPS_PROXY. Teams has two kinds of hooks: legacy Office 365
connectors (`*.webhook.office.com`) take a MessageCard, Workflows hooks take an Adaptive Card in a
message envelope; `is_legacy_teams_webhook` tells the caller which to build (the same test
dagster-msteams uses for its own failure hooks).
"""

from __future__ import annotations

import functools
import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from dagster_msteams.client import TeamsClient

from crm_pipelines.delivery.deadline import Deadline, DeliveryError, attempt_deadline
from crm_pipelines.escaping import slack_mrkdwn

WEBHOOK_DEADLINE_SECONDS = 15


class WebhookRejected(DeliveryError):
    """The hook answered with a non-success status (message carries the status only)."""


def slack_escape(text: str) -> str:
    """Slack mrkdwn: `<!channel>`, `<url|x>`, `*bold*`, `_it_` become plain text (see escaping.py)."""
    return slack_mrkdwn(text)


def post_slack(url: str, payload: dict[str, Any], *, deadline_seconds: float = WEBHOOK_DEADLINE_SECONDS) -> None:
    post_webhook("Slack webhook", url, payload, deadline_seconds)


def is_legacy_teams_webhook(url: str) -> bool:
    return TeamsClient(hook_url=url).is_legacy_webhook()


def post_teams(url: str, payload: dict[str, Any], *, deadline_seconds: float = WEBHOOK_DEADLINE_SECONDS) -> None:
    post_webhook("Teams webhook", url, payload, deadline_seconds)


def post_webhook(what: str, url: str, payload: dict[str, Any], deadline_seconds: float) -> None:
    """POST `payload` as JSON; raises `WebhookRejected` or `DeliveryTimeout`, whose messages name
    `what` and never the URL (its path is the hook's secret)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with attempt_deadline(deadline_seconds, what) as deadline:
        opener = urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline))
        try:
            # http(s) only: the URL was validated in settings
            with opener.open(request, timeout=deadline.remaining()) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as err:
            raise WebhookRejected(f"{what} answered {err.code}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            if deadline.expired:
                raise  # attempt_deadline says it timed out
            # URLError's text names the host and path: say the cause's type only.
            cause = getattr(err, "reason", err)
            raise WebhookRejected(f"{what} failed: {type(cause).__name__}") from None
    if status >= 300:
        raise WebhookRejected(f"{what} answered {status}")


class _WatchedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        deadline.watch(lambda: self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        deadline.watch(lambda: self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTPConnection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTPSConnection, deadline=self.deadline), req,
                            context=self._context)
