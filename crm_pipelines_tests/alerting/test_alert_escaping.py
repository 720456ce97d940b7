"""Failure alerts: an error message can quote a CRM user's text (a seller's name
in a failed row). Slack gets it escaped as mrkdwn (and inside its code block only as entities),
Teams' Adaptive Card as Markdown: no link, no mention, no emphasis reaches the operators."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.alerting.sensors import build_alert_sensors
from crm_pipelines_tests.alerting.test_failure_alerts import SensorDriver, alert_settings  # noqa: F401
from crm_pipelines_tests.support.hostile_names import HOSTILE_NAMES, rendered, slack_markup_left


def test_hostile_text_in_an_error_stays_text_in_slack_and_teams(alert_settings, db, webhook_server):  # noqa: F811
    message = "seller " + " / ".join(HOSTILE_NAMES) + " could not be saved"

    @dg.op
    def save_seller() -> None:
        raise ValueError(message)

    @dg.job(executor_def=dg.in_process_executor)
    def hostile_job():
        save_seller()

    failure_sensor, _ = build_alert_sensors(alert_settings)
    with dg.instance_for_test() as instance:
        driver = SensorDriver(failure_sensor, instance, alert_settings)
        driver.tick()
        assert not hostile_job.execute_in_process(instance=instance, raise_on_error=False).success
        driver.tick()

    slack = next(r for r in webhook_server.requests if r["path"].startswith("/slack/"))["body"]
    body = slack["blocks"][1]["text"]
    assert body["verbatim"] is True
    fields, code = body["text"].split("```", 1)
    assert slack_markup_left(fields.replace("*Job:*", "").replace("*Failed step:*", "")) == []
    assert "<!channel>" not in code and "&lt;!channel&gt;" in code  # entities inside the code block
    assert "<!channel>" not in slack["text"] and "<@U123" not in slack["text"]

    teams = next(r for r in webhook_server.requests if r["path"].startswith("/teams/"))["body"]
    texts = [b["text"] for a in teams["attachments"] for b in a["content"]["body"] if "text" in b]
    error = texts[texts.index("Error\\:") + 1:-1]  # the lines after "Error:", not the run link
    assert error and "could not be saved" in error[-1]
    shown = []
    for text in error:
        tags, read = rendered(text)
        assert tags == ["p"], (tags, text)
        shown.append(read.strip())
    assert "seller *bold* _it_ [phish](https://evil.example/login) | x |" in " ".join(shown)
