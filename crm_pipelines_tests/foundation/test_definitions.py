"""The code location loads, names what SPEC section 6 names, and refuses a bad setting by name."""

import ast
import os
import subprocess
import sys

import dagster as dg

from crm_pipelines.definitions import build_definitions, defs
from crm_pipelines.settings import load_settings

# SPEC section 7's jobs, and the daily report's delivery, a job of its own since issue 15.
SPEC_JOBS = {"seller_metrics_job", "daily_report_job", "notification_checks_job", "cleanup_job"}
JOBS = SPEC_JOBS | {"daily_report_delivery_job"}


def test_defs_load_and_every_job_resolves():
    repo = defs.get_repository_def()
    # Dagster's own implicit asset job ("__ASSET_JOB") aside
    names = {job.name for job in repo.get_all_jobs() if not job.name.startswith("__")}
    assert names == JOBS
    for name in sorted(names):
        assert defs.resolve_job_def(name).name == name
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert {"sellers", "conversations", "messages", "leads"} <= keys
    assert set(defs.resources) >= {"postgres", "redis", "socketio"}


def test_secrets_are_env_vars_not_values_in_the_resource_config():
    built = build_definitions(load_settings({"POSTGRES_DSN": "postgresql://crm:hunter2@db/crm",
                                             "REDIS_URL": "redis://:redispass@cache:6379/0"}))
    pg = built.resources["postgres"]
    assert isinstance(pg.dsn, dg.EnvVar) or "hunter2" not in repr(pg)
    assert "hunter2" not in repr(built.resources["postgres"]._get_non_default_public_field_values())
    assert "redispass" not in repr(built.resources["redis"]._get_non_default_public_field_values())


def test_no_secret_reaches_what_the_ui_shows_of_the_code_location():
    """The code location as the webserver receives it (its serialized snapshot: resources, their
    config and nested dependencies, jobs' config schemas) names the secrets but holds no value."""
    from dagster._core.remote_representation.external_data import RepositorySnap

    built = build_definitions(load_settings({"POSTGRES_DSN": "postgresql://crm:hunter2@db/crm",
                                             "REDIS_URL": "redis://:redispass@cache:6379/0"}))
    snapshot = dg.serialize_value(RepositorySnap.from_def(built.get_repository_def()))
    assert "hunter2" not in snapshot and "redispass" not in snapshot
    assert '"Secret"' in snapshot  # the DSN and URL are there, shown by their kind only


def test_loading_with_a_bad_setting_names_the_variable():
    env = dict(os.environ, CRM_TIMEZONE="Mars/Olympus")
    proc = subprocess.run([sys.executable, "-c", "import crm_pipelines.definitions"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "CRM_TIMEZONE='Mars/Olympus'" in proc.stderr


def test_cli_commands_refuse_a_bad_setting_by_name():
    env = dict(os.environ, HOT_LEAD_PROBABILITY_THRESHOLD="1.5")
    proc = subprocess.run([sys.executable, "-m", "crm_pipelines.cli", "init-db"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "HOT_LEAD_PROBABILITY_THRESHOLD='1.5' must be at most 1" in proc.stderr


def test_dagster_definitions_validate(tmp_path):
    # An empty DAGSTER_HOME: validation must not depend on the production instance's storage.
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-m",
                           "crm_pipelines.definitions"], capture_output=True, text=True, timeout=120,
                          env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_schedule_and_sensor_follows_enable_scheduled_tasks():
    for flag, expected in (("true", "RUNNING"), ("false", "STOPPED")):
        repo = build_definitions(load_settings({"ENABLE_SCHEDULED_TASKS": flag})).get_repository_def()
        automations = list(repo.sensor_defs) + list(repo.schedule_defs)
        names = {a.name for a in automations}
        assert {"seller_metrics_schedule", "daily_report_schedule", "notification_checks_sensor",
                "performance_alerts_sensor", "cleanup_sensor", "pipeline_failure_alert_sensor"} <= names
        assert {a.name: a.default_status.value for a in automations} == {n: expected for n in names}


def test_loading_the_code_location_prints_no_beta_warning_about_sensor_owners():
    """Every command and every run loads the code location: it used to print Dagster's
    "BetaWarning: Parameter `owners` of initializer `SensorDefinition.__init__` is currently in
    beta" each time. Loaded in a fresh process with every warning shown, no sensor warns."""
    code = ("from crm_pipelines.definitions import defs\n"
            "repo = defs.get_repository_def()\n"
            "print({s.name: s.job_name for s in repo.sensor_defs if s.name in %r})" % (sorted(JOB_SENSORS),))
    env = dict(os.environ, POSTGRES_DSN="postgresql://crm:secret@127.0.0.1:5432/crm")
    proc = subprocess.run([sys.executable, "-W", "always", "-c", code], env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "owners" not in proc.stderr
    assert "SensorDefinition" not in proc.stderr
    assert ast.literal_eval(proc.stdout.strip().splitlines()[-1]) == JOB_SENSORS


JOB_SENSORS = {
    "cleanup_sensor": "cleanup_job",
    "daily_report_delivery_sensor": "daily_report_delivery_job",
    "daily_report_redelivery_sensor": "daily_report_delivery_job",
    "notification_checks_sensor": "notification_checks_job",
    "performance_alerts_sensor": "notification_checks_job",
}
