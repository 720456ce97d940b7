"""A seller named with HTML or chat markup (`<script>`, `<!channel>`) is shown as text in every
channel: stored HTML, email HTML, Slack, Teams (both card kinds), the Markdown in the UI; the
Socket.IO payload carries the name unchanged as JSON data, with no HTML in it."""

from __future__ import annotations

import dataclasses
import html

from crm_pipelines.escaping import adaptive_card, message_card
from crm_pipelines.reports.render import teams_message
from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_delivery, run_report
from crm_pipelines_tests.support.crm_factory import stored_report
from crm_pipelines_tests.support.socketio_server import RecordingClient

EVIL = "<script>alert(1)</script> <!channel> *Carla*"


def test_markup_in_a_seller_name_is_escaped_everywhere(
    db, report_settings, resources, smtp_server, webhook_server, socketio_server
):
    acme = build_acme_day(db, seller_names={"c": EVIL})  # Carla is the top performer
    client = RecordingClient(socketio_server.url, rooms=[f"reports:{acme.tenant_id}"])
    settings = dataclasses.replace(
        report_settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        alert_email_from="reports@crm.test",
        slack_webhook_url=webhook_server.url("/slack"),
        teams_webhook_url=webhook_server.url("/teams"),
    )
    try:
        result = run_report(settings, resources)
        assert run_delivery(settings, resources).success
        assert result.success
        events = client.wait_for("daily_report", 1)
    finally:
        client.close()

    with db.connect() as conn:
        stored = stored_report(conn, acme.tenant_id, DAY)
    assert "<script>" not in stored["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; *Carla*" in stored["html"]

    email_html = next(p for p in smtp_server.messages[0].walk() if p.get_content_type() == "text/html")
    email_html = email_html.get_payload(decode=True).decode()
    assert "<script>" not in email_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in email_html

    slack = next(r for r in webhook_server.requests if r["path"] == "/slack")["body"]
    slack_text = str(slack)
    assert "<!channel>" not in slack_text and "<script>" not in slack_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;" in slack_text

    teams = next(r for r in webhook_server.requests if r["path"] == "/teams")["raw"]
    assert "<script>" not in teams and "<!channel>" not in teams
    card = next(r for r in webhook_server.requests if r["path"] == "/teams")["body"]
    assert any(adaptive_card(EVIL) in text for text in _strings(card))  # Adaptive Card text is Markdown

    markdown = result.asset_materializations_for_node("daily_report")[0].metadata["report"].value
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown and "\\*Carla\\*" in markdown

    # Socket.IO carries data, not markup: the CRM frontend escapes names as it does everywhere.
    assert events[0]["top_performers"][0]["seller"] == EVIL
    assert "html" not in events[0]


def test_legacy_teams_card_is_html_escaped(db, report_settings, resources):
    acme = build_acme_day(db, seller_names={"c": EVIL})
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        payload = stored_report(conn, acme.tenant_id, DAY)["payload"]
    card = teams_message(payload, legacy=True)
    assert card["@type"] == "MessageCard"
    assert "<script>" not in str(card)
    assert message_card(EVIL) in card["sections"][1]["text"]  # Markdown and HTML: every mark an entity
    assert EVIL in html.unescape(card["sections"][1]["text"])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
