"""Deliveries that stop half-way, reproduced against real servers, and how they are finished.

- A run killed (SIGKILL) while the SMTP server holds the CEO's email: the email went, nothing
  recorded it as sent, Slack and Teams were never tried. The next delivery run marks the email
  `interrupted` (not resent: the SMTP server still has one email for the CEO), sends Slack,
  Teams and the other tenant, and fails once naming tenant, day and channel; the run after it
  succeeds and sends nothing; `resend_interrupted` sends it again, with the same Message-ID.
- The PostgreSQL connections dropped (pg_terminate_backend) while the email was in flight: its
  `sent` is written on a new connection, the step is retried and finishes Slack and Teams, and
  the CEO gets one email.
- Two deliveries of the same day at once: every channel is sent once; the claim itself is a
  conditional UPDATE that a second claimant loses.
Emails are counted on the real SMTP server (aiosmtpd), webhook posts on a real HTTP server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from crm_pipelines.reports.deliver import DeliveryOptions, ReportDelivery, ReportToDeliver
from crm_pipelines.reports.delivery_state import ReportDeliveryState
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.reports.conftest import (
    DAY,
    TZ,
    build_acme_day,
    delivery_states,
    run_delivery,
    run_report,
)
from crm_pipelines_tests.support.crm_factory import stored_report
from crm_pipelines_tests.support.socketio_server import free_port


class _SMTP:
    """aiosmtpd whose handler can hold the first message (after taking it) or run a hook."""

    def __init__(self, hold_first: bool = False, on_first=None):
        self.messages: list[tuple[list[str], bytes]] = []
        self.took_first, self.release = threading.Event(), threading.Event()
        self.hold_first, self.on_first = hold_first, on_first
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        if len(self.messages) == 1:
            if self.on_first:
                self.on_first()
            self.took_first.set()
            while self.hold_first and not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"

    def to(self, address: str) -> list[bytes]:
        return [data for rcpts, data in self.messages if address in rcpts]


def _env(settings, smtp_port: int, webhook_server) -> dict[str, str]:
    return {
        "POSTGRES_DSN": settings.postgres_dsn, "CRM_TIMEZONE": TZ, "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port), "ALERT_EMAIL_FROM": "reports@crm.test", "HANDOFF_EMAIL": "handoff@crm.test",
        "SLACK_WEBHOOK_URL": webhook_server.url("/slack"), "TEAMS_WEBHOOK_URL": webhook_server.url("/teams"),
        "DAGSTER_HOME": str(settings.dagster_home), "MAX_TASK_RETRIES": "3",
    }


def _settings(report_settings, env: dict[str, str]):
    # Redis off in this module: Socket.IO is `skipped`, the channels under test are the others.
    return dataclasses.replace(
        report_settings, redis_url=None, smtp_host="127.0.0.1", smtp_port=int(env["SMTP_PORT"]),
        alert_email_from="reports@crm.test", handoff_email="handoff@crm.test",
        slack_webhook_url=env["SLACK_WEBHOOK_URL"], teams_webhook_url=env["TEAMS_WEBHOOK_URL"],
    )


def _no_redis(resources: dict) -> dict:
    return resources | {"socketio": SocketIOResource(redis_url=None, channel="unused")}


CHILD = """
import json, sys
from crm_pipelines.settings import load_settings
from crm_pipelines.reports.delivery_job import build_delivery_job
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.socketio import SocketIOResource
settings = load_settings(json.loads(sys.argv[1]))
build_delivery_job(settings).execute_in_process(
    resources={"postgres": PostgresResource(dsn=settings.postgres_dsn),
               "socketio": SocketIOResource(redis_url=None, channel="unused")},
    partition_key=sys.argv[2])
"""


@pytest.fixture
def held_smtp():
    server = _SMTP(hold_first=True)
    server.controller.start()
    yield server
    server.release.set()
    server.controller.stop()


def test_a_run_killed_mid_send_is_finished_and_the_ceo_gets_one_email(
    db, report_settings, resources, held_smtp, webhook_server
):
    acme = build_acme_day(db)
    env = _env(report_settings, held_smtp.port, webhook_server)
    settings = _settings(report_settings, env)
    assert run_report(settings, resources).success

    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(env), DAY.isoformat()],
                             env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert held_smtp.took_first.wait(60), "the delivery run never reached the SMTP server"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    held_smtp.release.set()  # the server took the email: it went, whatever the run knew

    with db.connect() as conn:
        left = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert {c: r["status"] for c, r in left.items()} == {"socketio": "skipped", "email": "pending"}
    assert len(held_smtp.to("ceo@acme.test")) == 1 and webhook_server.requests == []

    first = run_delivery(settings, _no_redis(resources))
    assert not first.success  # said once, as a failure naming the culprit
    failure = first.failure_data_for_node("deliver_daily_report").error.message
    assert f"tenant {acme.tenant_id} 2026-11-20: email was interrupted mid-send" in failure
    assert "resend_interrupted: true" in failure
    with db.connect() as conn:
        after = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
        quiet = stored_report(conn, acme.quiet_tenant_id, DAY)["delivered_to"]
    assert {c: r["status"] for c, r in after.items()} == {
        "socketio": "skipped", "email": "interrupted", "slack": "sent", "teams": "sent"}
    assert after["email"]["since"] == left["email"]["at"] and after["email"]["run_id"] == left["email"]["run_id"]
    assert quiet["email"]["status"] == "sent"
    assert len(held_smtp.to("ceo@acme.test")) == 1  # not sent twice
    assert len(held_smtp.to("handoff@crm.test")) == 1
    assert sorted(r["path"] for r in webhook_server.requests) == ["/slack", "/slack", "/teams", "/teams"]

    second = run_delivery(settings, _no_redis(resources))
    assert second.success and delivery_states(second)[f"{acme.tenant_id}:2026-11-20"]["email"] == "interrupted"
    assert len(held_smtp.messages) == 2 and len(webhook_server.requests) == 4

    # The operator checked the CEO's inbox: it is not there. Resend it, with the same Message-ID.
    forced = run_delivery(settings, _no_redis(resources), resend_interrupted=True)
    assert forced.success
    first_email, resent = held_smtp.to("ceo@acme.test")
    message_id = f"<daily-report.{acme.tenant_id}.2026-11-20@crm.test>".encode()
    assert b"Message-ID: " + message_id in first_email and b"Message-ID: " + message_id in resent
    with db.connect() as conn:
        email = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]["email"]
    assert (email["status"], email["attempts"]) == ("sent", 1)
    assert len(webhook_server.requests) == 4


def test_connections_dropped_while_recording_the_email(db, pg_dsn, report_settings, resources, webhook_server):
    """PostgreSQL drops the connections while the email is out: the step retries, the email is not
    sent a second time, and Slack and Teams are still delivered (a run that stopped at the dropped
    connection would leave them never tried and still report success)."""
    acme = build_acme_day(db)

    def drop_every_connection() -> None:
        killer = sa.create_engine(pg_dsn, poolclass=sa.pool.NullPool)
        with killer.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        killer.dispose()

    smtp = _SMTP(on_first=drop_every_connection)
    smtp.controller.start()
    try:
        env = _env(report_settings, smtp.port, webhook_server)
        settings = _settings(report_settings, env)
        assert run_report(settings, resources).success
        result = run_delivery(settings, _no_redis(resources))
    finally:
        smtp.controller.stop()
    assert result.success
    assert any(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)  # the lock went too
    with db.connect() as conn:
        delivered = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert {c: r["status"] for c, r in delivered.items()} == {
        "socketio": "skipped", "email": "sent", "slack": "sent", "teams": "sent"}
    assert len(smtp.to("ceo@acme.test")) == 1 and len(smtp.to("handoff@crm.test")) == 1
    assert sorted(r["path"] for r in webhook_server.requests) == ["/slack", "/slack", "/teams", "/teams"]


def test_two_deliveries_at_once_send_each_channel_once(db, report_settings, resources, smtp_server, webhook_server):
    acme = build_acme_day(db)
    env = _env(report_settings, smtp_server.port, webhook_server)
    settings = _settings(report_settings, env)
    assert run_report(settings, resources).success
    with db.connect() as conn:
        payload = stored_report(conn, acme.tenant_id, DAY)["payload"]
    report = ReportToDeliver(acme.tenant_id, DAY, "ceo@acme.test", payload)
    postgres = PostgresResource(dsn=settings.postgres_dsn)
    outcomes: list[dict] = []

    def deliver() -> None:
        delivery = ReportDelivery(postgres, SocketIOResource(redis_url=None, channel="unused"), settings,
                                  DeliveryOptions(attempts=1))
        outcomes.append(delivery.deliver(report))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 2
    assert len(smtp_server.messages) == 1 and len(webhook_server.requests) == 2
    assert all(set(o.values()) <= {"sent", "skipped", "busy"} for o in outcomes)

    # Without the lock, the claim alone decides: the second claimant of a channel gets no row.
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE daily_reports SET delivered_to = '{}' WHERE tenant_id = :t"),
                     {"t": acme.tenant_id})
    one, two = (ReportDeliveryState(postgres, acme.tenant_id, DAY, log=logging.getLogger(__name__)) for _ in range(2))
    with one.locked():
        assert one.claim("email", {"status": "pending", "claim": "a"}, ("missing", "failed")) is True
        two._conn = one._conn  # as if a second run got past the lock
        assert two.claim("email", {"status": "pending", "claim": "b"}, ("missing", "failed")) is False
        assert one.settle("email", "b", {"status": "sent"}) is False  # a claim it does not own
        assert one.settle("email", "a", {"status": "sent"}) is True
        assert one.claim("email", {"status": "pending", "claim": "c"}, ("missing", "failed", "skipped")) is False
    with db.connect() as conn:
        assert stored_report(conn, acme.tenant_id, DAY)["delivered_to"]["email"] == {"status": "sent", "claim": "a"}
