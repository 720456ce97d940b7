"""ENABLE_SCHEDULED_TASKS as Dagster default statuses: every schedule and sensor of ours starts
running by itself when it is true (Dagster's own default for sensors is stopped) and stays
stopped when it is false. An operator can still toggle each one in the UI.

Our sensors name the job they request (`job_name=job.name`) instead of holding the job itself.
The op-based jobs get their resources from the Definitions; a sensor holding such a job is copied
by Dagster to point at the resource-bound job, and that copy passes the beta `owners` parameter,
so every load of the code location (every command, every run) printed a BetaWarning about it. By
name, the sensor requests the same job and nothing is copied."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.settings import Settings


def sensor_status(settings: Settings) -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if settings.enable_scheduled_tasks else dg.DefaultSensorStatus.STOPPED


def schedule_status(settings: Settings) -> dg.DefaultScheduleStatus:
    return (dg.DefaultScheduleStatus.RUNNING if settings.enable_scheduled_tasks
            else dg.DefaultScheduleStatus.STOPPED)
