"""Failure alerts under a trickling server: a Slack hook (a real TCP server on loopback) that
answers one byte a second never holds the alert sensor's tick past the attempt's deadline. The
Slack attempt ends at its 2 s deadline, the warning names the channel and the deadline and not
the hook's token, and Teams and email, sent after it, still get the alert."""

from __future__ import annotations

import logging
import time

from crm_pipelines.alerting.channels import send_alert
from crm_pipelines.alerting.content import Alert
from crm_pipelines.resources.build import build_socketio
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.delivery.test_deadlines import DEADLINE, TOKEN, trickle  # noqa: F401 - fixture


def test_a_trickling_slack_hook_costs_one_deadline_and_the_others_still_go(
    trickle, webhook_server, smtp_server, caplog  # noqa: F811 - the fixture imported above
):
    settings = load_settings({
        "SLACK_WEBHOOK_URL": trickle.url(f"/services/{TOKEN}"),
        "TEAMS_WEBHOOK_URL": webhook_server.url("/teams"),
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port),
        "ALERT_EMAIL_FROM": "dagster@crm.test", "ALERT_EMAIL_RECIPIENTS": "ops@crm.test",
    })
    alert = Alert(kind="failure", job="seller_metrics_job", subject="seller_metrics_job", assets=[],
                  partition="2026-11-20", run_id="run-1", run_url="http://dagster/runs/run-1")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        outcome = send_alert(settings, alert, build_socketio(settings), deadline_seconds=DEADLINE)
    took = time.monotonic() - started
    assert outcome == {"slack": False, "teams": True, "email": True}
    assert DEADLINE <= took < DEADLINE + 1.5
    assert "slack alert for run run-1 not delivered: DeliveryTimeout: Slack webhook: no complete answer " \
           "within 2 s" in caplog.text
    assert TOKEN not in caplog.text
    assert [r["path"] for r in webhook_server.requests] == ["/teams"] and len(smtp_server.messages) == 1
