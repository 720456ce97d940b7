"""The failure and recovery sensors: every job and asset run of this code location.

They watch every run of the instance (`monitor_all_code_locations=True`) and keep the runs of our
jobs and assets (`scope.is_our_run`), so that runs started from the command line (`dagster job
execute`, `dagster asset materialize`), which Dagster's default filter skips, alert too.
"""

# No `from __future__ import annotations` here: Dagster reads the sensors' resource annotations
# as real types when it builds them.

import dagster as dg

from crm_pipelines.alerting.channels import configured_channels, send_alert
from crm_pipelines.alerting.content import build_alert
from crm_pipelines.alerting.scope import is_our_run
from crm_pipelines.alerting.streaks import ends_failure_streak, starts_failure_streak, will_be_retried
from crm_pipelines.automation import sensor_status
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings

FAILURE_SENSOR = "pipeline_failure_alert_sensor"
RECOVERY_SENSOR = "pipeline_recovery_alert_sensor"
INTERVAL_SECONDS = 30
# The sensors return None, never a SkipReason: Dagster's run status sensor ends its tick at the
# first run whose handler returns something, so a SkipReason would leave the other runs of the
# tick for later ticks.


def _delivered(outcome: dict[str, bool]) -> str:
    said = ", ".join(f"{channel}={'ok' if ok else 'failed'}" for channel, ok in outcome.items())
    return said or "no channel configured"


def build_alert_sensors(settings: Settings) -> list[dg.SensorDefinition]:
    channels = ", ".join(configured_channels(settings)) or "none configured"

    @dg.run_failure_sensor(
        name=FAILURE_SENSOR,
        default_status=sensor_status(settings),
        minimum_interval_seconds=INTERVAL_SECONDS,
        monitor_all_code_locations=True,
        description=(
            "Alerts the operators when a job or asset run of this code location fails: the first "
            f"failure of a streak only (channels: {channels})."
        ),
    )
    def pipeline_failure_alert_sensor(context: dg.RunFailureSensorContext, socketio: SocketIOResource) -> None:
        run = context.dagster_run
        if not is_our_run(context.repository_def, context.instance, run):
            return None
        if will_be_retried(run):
            context.log.info(f"run {run.run_id} of {run.job_name} failed and will be retried: "
                             "the retry decides")
            return None
        if not starts_failure_streak(context.instance, run):
            context.log.info(
                f"run {run.run_id} of {run.job_name} failed again: alerted at the start of the streak")
            return None
        alert = build_alert("failure", settings, context.instance, run)
        outcome = send_alert(settings, alert, socketio)
        context.log.info(f"failure alert for run {run.run_id} of {alert.subject}: {_delivered(outcome)}")
        return None

    @dg.run_status_sensor(
        name=RECOVERY_SENSOR,
        run_status=dg.DagsterRunStatus.SUCCESS,
        default_status=sensor_status(settings),
        minimum_interval_seconds=INTERVAL_SECONDS,
        monitor_all_code_locations=True,
        description="Tells the operators once when a job that was failing succeeds again.",
    )
    def pipeline_recovery_alert_sensor(context: dg.RunStatusSensorContext, socketio: SocketIOResource) -> None:
        run = context.dagster_run
        if not is_our_run(context.repository_def, context.instance, run):
            return None
        if not ends_failure_streak(context.instance, run):
            return None
        alert = build_alert("recovery", settings, context.instance, run)
        outcome = send_alert(settings, alert, socketio)
        context.log.info(f"recovery alert for run {run.run_id} of {alert.subject}: {_delivered(outcome)}")
        return None

    return [pipeline_failure_alert_sensor, pipeline_recovery_alert_sensor]
