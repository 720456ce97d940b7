"""In the daily report, the top performer carries each hostile name in turn. In every
format the report lands in, the name reads as typed and makes no markup: the stored HTML
(Jinja2 autoescape), the Markdown on the asset's page (a real CommonMark renderer), Slack mrkdwn,
the Adaptive Card of a Workflows hook and the MessageCard of a legacy connector."""

from __future__ import annotations

import dataclasses
import html

import markupsafe
import pytest

from crm_pipelines.escaping import adaptive_card, message_card, slack_mrkdwn
from crm_pipelines.reports.render import teams_message
from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_delivery, run_report
from crm_pipelines_tests.support.crm_factory import stored_report
from crm_pipelines_tests.support.hostile_names import HOSTILE_NAMES, as_one_line, rendered


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_seller_name_is_text_in_every_format(name, db, report_settings, resources, webhook_server):
    acme = build_acme_day(db, seller_names={"c": name})  # Carla's place: the top performer
    settings = dataclasses.replace(report_settings, slack_webhook_url=webhook_server.url("/slack"),
                                   teams_webhook_url=webhook_server.url("/teams"))
    result = run_report(settings, resources)
    assert result.success
    assert run_delivery(settings, resources).success
    with db.connect() as conn:
        stored = stored_report(conn, acme.tenant_id, DAY)

    assert str(markupsafe.escape(name)) in stored["html"] and "<script>" not in stored["html"]

    markdown = result.asset_materializations_for_node("daily_report")[0].metadata["report"].value
    tags, text = rendered(markdown)
    assert not {"a", "code", "s", "script", "h1"} & set(tags), tags
    assert as_one_line(name) in text

    slack = next(r for r in webhook_server.requests if r["path"] == "/slack")["body"]
    sections = [b["text"] for b in slack["blocks"] if b["type"] == "section"]
    assert any(slack_mrkdwn(name) in s["text"] for s in sections)
    assert all(s["verbatim"] is True for s in sections)  # no URL or name auto-linked

    card = next(r for r in webhook_server.requests if r["path"] == "/teams")["body"]
    [block] = [s for s in _strings(card) if adaptive_card(name) in s]
    tags, text = rendered(block)
    assert "a" not in tags and "code" not in tags and as_one_line(name) in text

    legacy = teams_message(stored["payload"], legacy=True)
    top = legacy["sections"][1]["text"]
    assert message_card(name) in top and as_one_line(name) in html.unescape(top)
