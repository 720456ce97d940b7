"""Everything of this domain that the code location registers: the checks job and its sensors."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.notifications.jobs import build_notification_checks_job
from crm_pipelines.notifications.sensors import build_notification_sensors
from crm_pipelines.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    job = build_notification_checks_job(settings)
    return dg.Definitions(jobs=[job], sensors=build_notification_sensors(settings, job))
