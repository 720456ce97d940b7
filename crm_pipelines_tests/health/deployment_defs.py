"""A tiny code location for the health tests: the alerting domain, one job that fails on a bad
SQL statement and one sensor that runs by default (so the daemon ticks something). The daemon
loads it with `dagster-daemon run -m crm_pipelines_tests.health.deployment_defs`."""

import dagster as dg

from crm_pipelines.alerting.definitions import build_defs as alerting_defs
from crm_pipelines.resources.build import build_resources
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient
from crm_pipelines.settings import get_settings

settings = get_settings()


@dg.op
def read_missing_table(postgres: PostgresResource) -> None:
    with retry_only_transient():
        postgres.fetch_all("SELECT * FROM health_probe_missing_table")


@dg.job(executor_def=dg.in_process_executor)
def health_probe_job():
    read_missing_table()


@dg.sensor(default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=30)
def health_probe_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    return dg.SkipReason("nothing to do: this sensor only shows that the daemon ticks")


defs = dg.Definitions.merge(
    alerting_defs(settings),
    dg.Definitions(jobs=[health_probe_job], sensors=[health_probe_sensor], resources=build_resources(settings)),
)
