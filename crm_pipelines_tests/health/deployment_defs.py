"""A tiny code location for the deployment tests: the alert sensors, two jobs that fail on a bad
SQL statement, and a sensor that launches the second once a test asks for it (by writing a run key
to `launch_probe_run` in DAGSTER_HOME), so the daemon itself launches a run and ticks sensors.
Two jobs, because a failure alert goes out at the start of a job's failure streak only: the test's
own failed run of `health_probe_job` would otherwise be the start of the launched run's streak.
The daemon loads it with `dagster-daemon run -m crm_pipelines_tests.health.deployment_defs`."""

import dagster as dg

from crm_pipelines.alerting.sensors import build_alert_sensors
from crm_pipelines.resources.build import build_resources
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient
from crm_pipelines.settings import get_settings

settings = get_settings()
LAUNCH_FILE = "launch_probe_run"


@dg.op
def read_missing_table(postgres: PostgresResource) -> None:
    with retry_only_transient():
        postgres.fetch_all("SELECT * FROM health_probe_missing_table")


@dg.job(executor_def=dg.in_process_executor)
def health_probe_job():
    read_missing_table()


@dg.job(executor_def=dg.in_process_executor)
def alert_probe_job():
    read_missing_table()


@dg.sensor(job=alert_probe_job, default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=5)
def health_probe_sensor(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    request = settings.dagster_home / LAUNCH_FILE
    if not request.exists():
        return dg.SkipReason("no run requested")
    return dg.RunRequest(run_key=request.read_text().strip())


defs = dg.Definitions(
    jobs=[health_probe_job, alert_probe_job],
    sensors=[health_probe_sensor, *build_alert_sensors(settings)],
    resources=build_resources(settings),
)
