"""A webhook that trickles one byte a second (a real TCP server on loopback) through the daily
report's delivery job: each attempt ends at its deadline, the channel is recorded `failed` with an
error naming it, the run takes about the deadlines (not minutes), the other channels are sent."""

from __future__ import annotations

import dataclasses
import time

from crm_pipelines_tests.delivery.test_deadlines import DEADLINE, TOKEN, trickle  # noqa: F401 - fixture
from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_delivery, run_report
from crm_pipelines_tests.support.crm_factory import stored_report


def test_a_trickling_webhook_is_recorded_failed_by_the_delivery_job(
    db, report_settings, resources, trickle, smtp_server, webhook_server
):
    acme = build_acme_day(db)
    settings = dataclasses.replace(
        report_settings, smtp_host="127.0.0.1", smtp_port=smtp_server.port, alert_email_from="r@crm.test",
        handoff_email="handoff@crm.test", slack_webhook_url=trickle.url(f"/services/{TOKEN}"),
        teams_webhook_url=webhook_server.url("/teams"),
    )
    assert run_report(settings, resources).success
    started = time.monotonic()
    result = run_delivery(settings, resources, attempts=2, deadline=DEADLINE)
    took = time.monotonic() - started
    assert result.success
    # Acme: 2 attempts; Quiet: 1 (Slack already known down). About 3 deadlines, not minutes.
    assert took < 3 * DEADLINE + 8
    with db.connect() as conn:
        delivered = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert delivered["slack"]["status"] == "failed" and delivered["slack"]["attempts"] == 2
    assert delivered["slack"]["error"] == "DeliveryTimeout: Slack webhook: no complete answer within 2 s"
    assert delivered["email"]["status"] == "sent" and delivered["teams"]["status"] == "sent"
    assert trickle.connections == 3
