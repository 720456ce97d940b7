"""Everything of this domain that the code location registers: cleanup_job and its sensor."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.cleanup.jobs import build_cleanup_job
from crm_pipelines.cleanup.sensors import build_cleanup_sensor
from crm_pipelines.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    job = build_cleanup_job(settings)
    return dg.Definitions(jobs=[job], sensors=[build_cleanup_sensor(settings, job)])
