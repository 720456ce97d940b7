"""Everything of the seller_metrics domain that the code location registers: the asset, its
checks, `seller_metrics_job` and `seller_metrics_schedule`."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.seller_metrics.assets import build_seller_metrics_asset
from crm_pipelines.seller_metrics.checks import build_seller_metrics_checks
from crm_pipelines.seller_metrics.schedules import build_seller_metrics_job, build_seller_metrics_schedule
from crm_pipelines.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    job = build_seller_metrics_job(settings)
    return dg.Definitions(
        assets=[build_seller_metrics_asset(settings)],
        asset_checks=build_seller_metrics_checks(settings),
        jobs=[job],
        schedules=[build_seller_metrics_schedule(settings, job)],
    )
