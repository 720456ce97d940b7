"""Everything of the alerting domain that the code location registers: the failure and recovery
alert sensors (every job of the code location) and the freshness checks with their sensor."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.alerting.freshness import build_freshness_checks, build_freshness_sensor
from crm_pipelines.alerting.sensors import build_alert_sensors
from crm_pipelines.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    checks = build_freshness_checks(settings)
    return dg.Definitions(
        asset_checks=checks,
        sensors=[*build_alert_sensors(settings), build_freshness_sensor(settings, checks)],
    )
