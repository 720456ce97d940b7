"""Delivery of the daily report (daily_report_delivery_job) to real servers on loopback: Socket.IO
(a client in the tenant's reports room gets the event, a client elsewhere does not), email through
aiosmtpd (HTML, text part, inline chart), Slack and Teams webhooks; a channel that is down is
recorded as failed without failing the run, and the next run sends only what is missing; a tenant
without ceo_email falls back to HANDOFF_EMAIL or is skipped with a log line; materializing the
asset sends nothing by itself."""

from __future__ import annotations

import dataclasses
import io
import logging
from email.header import decode_header, make_header

import dagster as dg
import pytest
import sqlalchemy as sa
from PIL import Image

from crm_pipelines.reports.delivery_state import delivery_lock_name
from crm_pipelines.settings import Settings
from crm_pipelines_tests.reports.conftest import (
    DAY,
    build_acme_day,
    delivery_states,
    run_delivery,
    run_log,
    run_report,
)
from crm_pipelines_tests.support.crm_factory import stored_report
from crm_pipelines_tests.support.socketio_server import RecordingClient, free_port


def delivering(
    settings: Settings, smtp_port: int, webhook_server, handoff: str | None = "handoff@crm.test"
) -> Settings:
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        alert_email_from="reports@crm.test",
        handoff_email=handoff,
        slack_webhook_url=webhook_server.url("/slack"),
        teams_webhook_url=webhook_server.url("/teams"),
    )


def decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


def statuses(delivered_to: dict) -> dict[str, str]:
    return {channel: outcome["status"] for channel, outcome in delivered_to.items()}


@pytest.fixture
def clients(socketio_server):
    made: list[RecordingClient] = []

    def join(room: str) -> RecordingClient:
        client = RecordingClient(socketio_server.url, rooms=[room])
        made.append(client)
        return client

    yield join
    for client in made:
        client.close()


def test_every_channel_takes_the_report(db, report_settings, resources, smtp_server, webhook_server, clients):
    acme = build_acme_day(db)
    acme_room = clients(f"reports:{acme.tenant_id}")
    other_room = clients("reports:999")
    settings = delivering(report_settings, smtp_server.port, webhook_server)

    assert run_report(settings, resources).success
    assert run_delivery(settings, resources).success

    events = acme_room.wait_for("daily_report", 1)
    assert len(events) == 1
    assert events[0]["tenant_id"] == acme.tenant_id and events[0]["date"] == "2026-11-20"
    assert events[0]["team_performance"]["total_conversations"] == 22
    assert other_room.received("daily_report") == []

    # One email per tenant: Acme to its CEO, Quiet (no ceo_email) to HANDOFF_EMAIL.
    assert sorted(rcpts[0] for _, rcpts in smtp_server.envelopes) == ["ceo@acme.test", "handoff@crm.test"]
    message = next(m for m in smtp_server.messages if m["To"] == "ceo@acme.test")
    assert decoded(message["Subject"]) == "Reporte diario Acme — 20/11/2026"
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html", "image/png"}
    html = parts["text/html"].get_payload(decode=True).decode()
    text = parts["text/plain"].get_payload(decode=True).decode()
    assert 'src="cid:report-chart"' in html and "data:image" not in html
    assert "Carla Ruiz" in html and "Revisar 7 conversaciones sin respuesta de Bruno Díaz" in text
    assert "- Conversaciones atendidas: 22" in text
    image = parts["image/png"]
    assert image["Content-ID"] == "<report-chart>"
    assert image.get_content_disposition() == "inline"
    assert Image.open(io.BytesIO(image.get_payload(decode=True))).size == (1000, 800)

    by_path = {}
    for request in webhook_server.requests:
        by_path.setdefault(request["path"], []).append(request["body"])
    assert len(by_path["/slack"]) == 2 and len(by_path["/teams"]) == 2
    slack = next(b for b in by_path["/slack"] if "Acme" in b["text"])
    assert "Conversaciones atendidas: *22 (+120 %)*" in str(slack["blocks"])
    teams = next(b for b in by_path["/teams"] if "Acme" in str(b))
    assert teams["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"

    with db.connect() as conn:
        delivered = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert statuses(delivered) == {"socketio": "sent", "email": "sent", "slack": "sent", "teams": "sent"}
    assert delivered["email"]["detail"] == "ceo@acme.test" and delivered["email"]["at"]


def test_smtp_down_then_next_run_sends_only_the_email(
    db, report_settings, resources, smtp_server, webhook_server, clients
):
    acme = build_acme_day(db)
    acme_room = clients(f"reports:{acme.tenant_id}")
    closed_port = free_port()  # nothing listens there
    down = delivering(report_settings, closed_port, webhook_server)

    assert run_report(down, resources).success
    assert run_delivery(down, resources, attempts=2).success
    with db.connect() as conn:
        first = stored_report(conn, acme.tenant_id, DAY)
    assert first["payload"]["team_performance"]["total_conversations"] == 22  # the report is stored
    assert statuses(first["delivered_to"]) == {
        "socketio": "sent",
        "email": "failed",
        "slack": "sent",
        "teams": "sent",
    }
    assert first["delivered_to"]["email"]["attempts"] == 2
    assert first["delivered_to"]["email"]["error"] == "ConnectionRefusedError"
    with db.connect() as conn:  # the SMTP server was already known down: Quiet's email tried once
        quiet = stored_report(conn, acme.quiet_tenant_id, DAY)["delivered_to"]["email"]
    assert (quiet["status"], quiet["attempts"]) == ("failed", 1)
    assert len(acme_room.wait_for("daily_report", 1)) == 1
    assert len(webhook_server.requests) == 4

    up = delivering(report_settings, smtp_server.port, webhook_server)
    assert run_delivery(up, resources).success
    with db.connect() as conn:
        second = stored_report(conn, acme.tenant_id, DAY)
    assert statuses(second["delivered_to"]) == {
        "socketio": "sent",
        "email": "sent",
        "slack": "sent",
        "teams": "sent",
    }
    assert second["delivered_to"]["slack"]["at"] == first["delivered_to"]["slack"]["at"]
    assert len(smtp_server.messages) == 2  # Acme and Quiet, now
    assert len(webhook_server.requests) == 4  # nothing sent twice
    assert len(acme_room.wait_for("daily_report", 2, timeout=1.0)) == 1


def test_webhook_failure_is_retried(db, report_settings, resources, smtp_server, webhook_server):
    acme = build_acme_day(db)
    settings = dataclasses.replace(
        delivering(report_settings, smtp_server.port, webhook_server), teams_webhook_url=None
    )
    webhook_server.fail_next = 1  # Slack for Acme answers 500 once
    assert run_report(settings, resources).success
    assert run_delivery(settings, resources).success
    with db.connect() as conn:
        delivered = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert delivered["slack"]["status"] == "sent" and delivered["slack"]["attempts"] == 2
    assert delivered["teams"] == {
        "status": "skipped",
        "at": delivered["teams"]["at"],
        "detail": "TEAMS_WEBHOOK_URL unset",
    }


def test_without_ceo_email_or_handoff_the_email_is_skipped(
    db, report_settings, resources, smtp_server, webhook_server
):
    acme = build_acme_day(db)
    settings = delivering(report_settings, smtp_server.port, webhook_server, handoff=None)
    assert run_report(settings, resources).success
    with dg.instance_for_test() as instance:
        result = run_delivery(settings, resources, instance=instance)
        assert result.success
        log = run_log(instance, result)
    assert [rcpts for _, rcpts in smtp_server.envelopes] == [["ceo@acme.test"]]
    with db.connect() as conn:
        quiet = stored_report(conn, acme.quiet_tenant_id, DAY)["delivered_to"]
    assert quiet["email"]["status"] == "skipped"
    # Said in the run's log, where an operator reads it in the UI.
    assert f"tenant {acme.quiet_tenant_id} has no ceo_email and HANDOFF_EMAIL is unset" in log


def test_materialization_and_backfill_send_nothing_by_themselves(
    db, report_settings, resources, smtp_server, webhook_server, clients
):
    acme = build_acme_day(db)
    room = clients(f"reports:{acme.tenant_id}")
    settings = delivering(report_settings, smtp_server.port, webhook_server)
    assert run_report(settings, resources).success
    # A backfill is one run over a range of days (BackfillPolicy.single_run): three days here.
    backfill = run_report(settings, resources, partition_range=("2026-11-18", "2026-11-20"))
    assert backfill.success
    materializations = backfill.asset_materializations_for_node("daily_report")
    assert sorted(m.partition for m in materializations) == ["2026-11-18", "2026-11-19", "2026-11-20"]
    markdown = materializations[0].metadata["report"].value
    assert markdown.startswith("_One run for 3 days (2026-11-18 … 2026-11-20)")
    assert "data:image" not in markdown  # charts are not copied to every partition of a backfill
    with db.connect() as conn:
        assert stored_report(conn, acme.tenant_id, DAY)["delivered_to"] == {}
        stored = conn.execute(
            sa.text(
                "SELECT report_date, count(*) FROM daily_reports GROUP BY report_date ORDER BY report_date"
            )
        ).all()
    assert [(d.isoformat(), n) for d, n in stored] == [
        ("2026-11-18", 2),
        ("2026-11-19", 2),
        ("2026-11-20", 2),
    ]
    assert smtp_server.messages == [] and webhook_server.requests == []
    assert room.wait_for("daily_report", 1, timeout=1.0) == []


def test_webhook_urls_never_appear_in_logs_metadata_or_delivered_to(db, report_settings, resources, caplog):
    """A webhook URL is a bearer token: failures are recorded by error type only."""
    acme = build_acme_day(db)
    dead = f"http://127.0.0.1:{free_port()}"
    settings = dataclasses.replace(
        report_settings,
        slack_webhook_url=f"{dead}/services/T0/B0/SLACKSECRET",
        teams_webhook_url=f"{dead}/webhookb2/TEAMSSECRET",
    )
    with caplog.at_level(logging.DEBUG), dg.instance_for_test() as instance:
        report = run_report(settings, resources, instance=instance)
        result = run_delivery(settings, resources, attempts=2, instance=instance)
        log = run_log(instance, report) + run_log(instance, result)
    assert result.success
    refused = "WebhookRejected: Slack webhook failed: ConnectionRefusedError"
    assert "daily_report Slack tenant" in log and f"attempt 2 of 2 failed ({refused})" in log
    with db.connect() as conn:
        delivered = stored_report(conn, acme.tenant_id, DAY)["delivered_to"]
    assert delivered["slack"]["status"] == "failed" and delivered["teams"]["status"] == "failed"
    assert delivered["slack"]["error"] == refused
    assert delivered["teams"]["error"] == "WebhookRejected: Teams webhook failed: ConnectionRefusedError"
    metadata = report.asset_materializations_for_node("daily_report")[0].metadata
    seen = caplog.text + log + str(delivered) + str({k: v.value for k, v in metadata.items()})
    seen += str(delivery_states(result))
    seen += "".join(str(e.message) for e in result.all_events if getattr(e, "message", None))
    assert "SECRET" not in seen


def test_a_report_being_delivered_by_another_run_is_left_alone(
    db, report_settings, resources, smtp_server, webhook_server
):
    """The advisory lock a delivering run holds: a second run skips that tenant's report ("busy")."""
    acme = build_acme_day(db)
    settings = delivering(report_settings, smtp_server.port, webhook_server)
    with db.connect() as other_run:
        other_run.execute(
            sa.text("SELECT pg_advisory_lock(hashtextextended(:n, 0))"),
            {"n": delivery_lock_name(acme.tenant_id, DAY)},
        )
        assert run_report(settings, resources).success
        result = run_delivery(settings, resources)
        other_run.execute(sa.text("SELECT pg_advisory_unlock_all()"))
    assert result.success
    delivery = delivery_states(result)
    assert delivery[f"{acme.tenant_id}:2026-11-20"] == {
        c: "busy" for c in ("socketio", "email", "slack", "teams")
    }
    assert delivery[f"{acme.quiet_tenant_id}:2026-11-20"]["email"] == "sent"
    assert [rcpts for _, rcpts in smtp_server.envelopes] == [["handoff@crm.test"]]
    with db.connect() as conn:
        assert stored_report(conn, acme.tenant_id, DAY)["delivered_to"] == {}
