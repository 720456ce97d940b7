"""The failure and recovery sensors, end to end: a job whose op runs a bad SQL statement against
the real test database fails; Dagster's sensor machinery (evaluate_tick on a real instance)
picks the run up; a real HTTP server takes the Slack and Teams posts, a real SMTP server the
email, a real Socket.IO client in `alerts:ops` the event. Each names the job, the failing step
and the error, links to the run, and carries no secret (a password planted in the DSN, tokens
in the webhook paths). A second failure stays quiet; a success after it sends one recovery.
"""


import json
import logging
import re
from urllib.parse import urlsplit

import dagster as dg
import pytest

from crm_pipelines.alerting.channels import ALERT_EVENT, ALERT_ROOM
from crm_pipelines.alerting.sensors import build_alert_sensors
from crm_pipelines.resources.build import build_resources
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings, load_settings
from crm_pipelines_tests.support.socketio_server import RecordingClient

PASSWORD = "Planted-Pg-Passw0rd"
SLACK_TOKEN = "T0SLACKSECRET/B0HOOK/XoxbPlantedToken42"
TEAMS_TOKEN = "teams-planted-token-9f8e7d6c"


class ProbeConfig(dg.Config):
    sql: str


def probe_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(retry_policy=transient_retry_policy(settings))
    def run_probe_sql(context: dg.OpExecutionContext, config: ProbeConfig, postgres: PostgresResource) -> int:
        with retry_only_transient():
            rows = postgres.fetch_all(config.sql)
        context.log.info(f"probe returned {len(rows)} rows")
        return len(rows)

    @dg.job(executor_def=dg.in_process_executor)
    def alert_probe_job():
        run_probe_sql()

    return alert_probe_job


@pytest.fixture
def alert_settings(pg_dsn, redis_url, socketio_channel, webhook_server, smtp_server, tmp_path) -> Settings:
    dsn = urlsplit(pg_dsn)
    # trust auth on the test server ignores the password: it is there to be looked for
    planted_dsn = pg_dsn.replace(f"//{dsn.username}@", f"//{dsn.username}:{PASSWORD}@")
    assert PASSWORD in planted_dsn
    return load_settings({
        "POSTGRES_DSN": planted_dsn,
        "REDIS_URL": redis_url,
        "SOCKETIO_CHANNEL": socketio_channel,
        "SLACK_WEBHOOK_URL": webhook_server.url(f"/slack/{SLACK_TOKEN}"),
        "TEAMS_WEBHOOK_URL": webhook_server.url(f"/teams/{TEAMS_TOKEN}"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "ALERT_EMAIL_FROM": "dagster@crm.example",
        "ALERT_EMAIL_RECIPIENTS": "ops@crm.example, oncall@crm.example",
        "DAGSTER_WEBSERVER_URL": "http://dagster.crm.example:3000",
        "MAX_TASK_RETRIES": "0",
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    })


class SensorDriver:
    """Ticks a run status sensor the way the daemon does, with the code location's resources for
    `settings`, carrying its cursor between ticks."""

    def __init__(self, sensor: dg.SensorDefinition, instance: dg.DagsterInstance, settings: Settings):
        self.sensor, self.instance, self.cursor = sensor, instance, None
        self.resources = build_resources(settings)

    def tick(self) -> None:
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources) as context:
            self.cursor = self.sensor.evaluate_tick(context).cursor


def run_probe(job: dg.JobDefinition, instance, settings: Settings, sql: str) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(
        run_config={"ops": {"run_probe_sql": {"config": {"sql": sql}}}},
        resources={"postgres": PostgresResource(dsn=settings.postgres_dsn)},
        instance=instance, raise_on_error=False,
    )


def shown(text: str) -> str:
    """A payload as a person reads it: Slack's plain-text date fallbacks and Adaptive Card
    backslash escapes undone (how crm_pipelines/escaping.py keeps error text from being markup)."""
    text = re.sub(r"<!date\^00000000\^\{_\}\|(.)>", r"\1", text)
    return re.sub(r"\\+(?=[!-/:-@\[-`{-~])", "", text)


def secrets(settings: Settings) -> list[str]:
    return [PASSWORD, SLACK_TOKEN, "XoxbPlantedToken42", TEAMS_TOKEN, settings.postgres_dsn]


def test_first_failure_alerts_every_channel_second_stays_quiet_success_recovers(
        alert_settings, db, webhook_server, smtp_server, socketio_server, caplog):
    caplog.set_level(logging.DEBUG)
    settings = alert_settings
    job = probe_job(settings)
    failure_sensor, recovery_sensor = build_alert_sensors(settings)
    client = RecordingClient(socketio_server.url, rooms=[ALERT_ROOM])
    try:
        with dg.instance_for_test() as instance:
            failures = SensorDriver(failure_sensor, instance, settings)
            recoveries = SensorDriver(recovery_sensor, instance, settings)
            failures.tick(), recoveries.tick()  # first ticks only set the cursors, as in a deployment

            first = run_probe(job, instance, settings, "SELECT * FROM no_such_table_for_alerts")
            assert not first.success
            failures.tick()

            slack = [r for r in webhook_server.requests if r["path"].startswith("/slack/")]
            teams = [r for r in webhook_server.requests if r["path"].startswith("/teams/")]
            assert len(slack) == 1 and len(teams) == 1 and len(smtp_server.messages) == 1
            events = client.wait_for(ALERT_EVENT, 1, timeout=20)
            assert len(events) == 1

            run_link = f"http://dagster.crm.example:3000/runs/{first.run_id}"
            email = smtp_server.messages[0]
            email_body = email.get_payload(decode=True).decode()
            for text in map(shown, (slack[0]["raw"], teams[0]["raw"], email_body, json.dumps(events[0]))):
                assert "alert_probe_job" in text
                assert "run_probe_sql" in text
                assert "no_such_table_for_alerts" in text and "does not exist" in text
                assert run_link in text
            assert email["Subject"] == "[crm-pipelines] Failed: alert_probe_job"
            assert smtp_server.envelopes[0] == (
                "dagster@crm.example", ["ops@crm.example", "oncall@crm.example"])
            assert events[0]["kind"] == "failure" and events[0]["steps"] == ["run_probe_sql"]
            assert slack[0]["body"]["blocks"][2]["elements"][0]["url"] == run_link

            second = run_probe(job, instance, settings, "SELECT * FROM no_such_table_for_alerts")
            assert not second.success
            failures.tick(), recoveries.tick()
            assert len(webhook_server.requests) == 2 and len(smtp_server.messages) == 1

            third = run_probe(job, instance, settings, "SELECT 1")
            assert third.success
            failures.tick(), recoveries.tick()
            recovered = webhook_server.requests[2:]
            assert sorted(r["path"].split("/")[1] for r in recovered) == ["slack", "teams"]
            assert len(smtp_server.messages) == 2
            assert smtp_server.messages[1]["Subject"] == (
                "[crm-pipelines] Recovered: alert_probe_job succeeded again")
            events = client.wait_for(ALERT_EVENT, 2, timeout=20)
            assert [e["kind"] for e in events] == ["failure", "recovery"]
            assert events[1]["run_id"] == third.run_id
            for request in recovered:
                assert "Recovered: alert_probe_job" in shown(request["raw"])

            # a success after a success says nothing
            run_probe(job, instance, settings, "SELECT 1")
            recoveries.tick()
            assert len(webhook_server.requests) == 4

            run_logs = [dg.serialize_value(entry) for result in (first, second, third)
                        for entry in instance.all_logs(result.run_id)]
    finally:
        client.close()

    payloads = [r["raw"] for r in webhook_server.requests] + [m.as_string() for m in smtp_server.messages]
    payloads += [json.dumps(e) for e in client.received(ALERT_EVENT)]
    everything = payloads + run_logs + [caplog.text]
    for secret in secrets(settings):
        leaks = [text[max(0, text.find(secret) - 300):text.find(secret) + 80]
                 for text in everything if secret in text]
        assert not leaks, f"a secret leaked: {leaks}"


def test_a_channel_that_is_down_does_not_stop_the_others(alert_settings, db, webhook_server, smtp_server):
    """Slack (posted first) answers 500: Teams and email still get the alert and the sensor tick
    itself succeeds."""
    settings = alert_settings
    job = probe_job(settings)
    failure_sensor, _ = build_alert_sensors(settings)
    with dg.instance_for_test() as instance:
        driver = SensorDriver(failure_sensor, instance, settings)
        driver.tick()
        run_probe(job, instance, settings, "SELECT * FROM no_such_table_for_alerts")
        webhook_server.fail_next = 1
        driver.tick()
    paths = [r["path"].split("/")[1] for r in webhook_server.requests]
    assert paths == ["teams"]  # the server records only the requests it answered 200
    assert len(smtp_server.messages) == 1


def test_ad_hoc_asset_run_alert_names_the_asset_and_partition(alert_settings, db, webhook_server):
    """A partitioned asset materialized on its own (Dagster's hidden asset job) is named by its
    asset and partition, not by the hidden job."""
    settings = alert_settings

    @dg.asset(partitions_def=dg.DailyPartitionsDefinition(start_date="2025-01-01"))
    def broken_metric(postgres: PostgresResource) -> None:
        with retry_only_transient():
            postgres.fetch_all("SELECT missing_column FROM tenants")

    failure_sensor, _ = build_alert_sensors(settings)
    with dg.instance_for_test() as instance:
        driver = SensorDriver(failure_sensor, instance, settings)
        driver.tick()
        result = dg.materialize([broken_metric], partition_key="2025-03-04", instance=instance,
                                resources={"postgres": PostgresResource(dsn=settings.postgres_dsn)},
                                raise_on_error=False)
        assert not result.success
        driver.tick()
    slack = [r for r in webhook_server.requests if r["path"].startswith("/slack/")]
    assert len(slack) == 1
    text = slack[0]["raw"]
    assert "Failed: broken_metric (partition 2025-03-04)" in text
    assert "missing_column" in text


class BrokenSetupResource(dg.ConfigurableResource):
    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        raise ValueError("REDIS_URL='localhost' is not a redis:// URL")


def test_run_that_fails_setting_up_a_resource_alerts_with_that_error(alert_settings, db, webhook_server):
    """No step body ran: the alert still says what went wrong."""

    @dg.op
    def needs_broken(broken: BrokenSetupResource) -> None:
        pass

    @dg.job(executor_def=dg.in_process_executor)
    def broken_setup_job():
        needs_broken()

    failure_sensor, _ = build_alert_sensors(alert_settings)
    with dg.instance_for_test() as instance:
        driver = SensorDriver(failure_sensor, instance, alert_settings)
        driver.tick()
        result = broken_setup_job.execute_in_process(instance=instance, raise_on_error=False,
                                                     resources={"broken": BrokenSetupResource()})
        assert not result.success
        driver.tick()
    slack = [r for r in webhook_server.requests if r["path"].startswith("/slack/")]
    assert len(slack) == 1
    assert "broken_setup_job" in slack[0]["raw"]
    assert "REDIS_URL='localhost' is not a redis:// URL" in shown(slack[0]["body"]["text"])


def test_a_run_the_instance_will_retry_does_not_alert_its_last_retry_does(
        alert_settings, db, webhook_server):
    """With run_retries on (retrying op failures here, to have a run Dagster marks for a retry),
    the first failed run is tagged `dagster/will_retry=true` and stays quiet; a run that fails for
    good (no retry left: here its own `dagster/max_retries=0` tag, as the daemon's last retry
    would be) alerts, as the first failure of the streak: the run waiting for a retry does not
    count."""
    settings = alert_settings
    job = probe_job(settings)
    failure_sensor, _ = build_alert_sensors(settings)
    retries = {"run_retries": {"enabled": True, "max_retries": 1, "retry_on_asset_or_op_failure": True}}
    with dg.instance_for_test(overrides=retries) as instance:
        driver = SensorDriver(failure_sensor, instance, settings)
        driver.tick()
        first = run_probe(job, instance, settings, "SELECT * FROM no_such_table_for_alerts")
        assert instance.get_run_by_id(first.run_id).tags.get("dagster/will_retry") == "true"
        driver.tick()
        assert webhook_server.requests == []

        bad_sql = {"ops": {"run_probe_sql": {"config": {"sql": "SELECT * FROM no_such_table_for_alerts"}}}}
        retry = job.execute_in_process(
            run_config=bad_sql,
            resources={"postgres": PostgresResource(dsn=settings.postgres_dsn)}, instance=instance,
            raise_on_error=False, tags={"dagster/max_retries": "0"})
        assert instance.get_run_by_id(retry.run_id).tags.get("dagster/will_retry") == "false"
        driver.tick()
    slack = [r for r in webhook_server.requests if r["path"].startswith("/slack/")]
    assert len(slack) == 1 and retry.run_id in slack[0]["raw"]
