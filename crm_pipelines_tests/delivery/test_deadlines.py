"""Every attempt has a wall-clock deadline, not a per-read timeout: against a real TCP server on
loopback that answers one byte a second and never a whole line (each byte would reset a socket
timeout forever), an SMTP session, a Slack post and a Teams post each end within a moment of
their 2 s deadline with `DeliveryTimeout` naming the channel and nothing secret
(reports/test_delivery_deadline.py: the same through the daily report's delivery job)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from crm_pipelines.delivery import DeliveryTimeout, post_slack, post_teams, send_email
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.support.trickle_server import TrickleServer

DEADLINE = 2.0
TOKEN = "T0TRICKLE/B0HOOK/SecretToken77"


@pytest.fixture
def trickle() -> Iterator[TrickleServer]:
    server = TrickleServer(interval=1.0).start()
    yield server
    server.stop()


def _timed(send) -> tuple[float, DeliveryTimeout]:
    started = time.monotonic()
    with pytest.raises(DeliveryTimeout) as raised:
        send()
    return time.monotonic() - started, raised.value


def test_smtp_session_ends_at_its_deadline(trickle):
    settings = load_settings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(trickle.port),
                              "ALERT_EMAIL_FROM": "reports@crm.test"})
    took, error = _timed(lambda: send_email(settings, ["ceo@acme.test"], "Reporte", None, "hola",
                                            deadline_seconds=DEADLINE))
    assert DEADLINE <= took < DEADLINE + 1.0
    assert str(error) == "email (SMTP): no complete answer within 2 s"
    assert trickle.connections == 1


@pytest.mark.parametrize("post, name", [(post_slack, "Slack webhook"), (post_teams, "Teams webhook")])
def test_webhook_post_ends_at_its_deadline(trickle, post, name):
    url = trickle.url(f"/services/{TOKEN}")
    took, error = _timed(lambda: post(url, {"text": "hola"}, deadline_seconds=DEADLINE))
    assert DEADLINE <= took < DEADLINE + 1.0
    assert str(error) == f"{name}: no complete answer within 2 s"
    assert TOKEN not in str(error) and error.__cause__ is None
