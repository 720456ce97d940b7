"""End to end with the real seller_metrics asset: a small demo data set, seller_metrics then
daily_report materialized for one day, and the report's totals equal the sums of the
seller_metrics rows it read."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.demo.seed import seed_demo
from crm_pipelines.reports.assets import build_daily_report_asset
from crm_pipelines.seller_metrics.assets import build_seller_metrics_asset


def test_report_reads_what_seller_metrics_wrote(db, settings, resources):
    settings = dataclasses.replace(settings, crm_timezone="UTC")
    seed_demo(
        db,
        tenants=1,
        sellers=3,
        days=2,
        seed=7,
        now=datetime(2026, 11, 21, 12, tzinfo=timezone.utc),
        timezone="UTC",
        progress=False,
    )
    # Two runs: the assets' partitions differ (seller_metrics includes today, the report does not),
    # so Dagster does not put them in one job; the report runs after the metrics, as in production.
    for asset in (build_seller_metrics_asset(settings), build_daily_report_asset(settings)):
        assert dg.materialize([asset], partition_key="2026-11-20", resources=resources).success

    with db.connect() as conn:
        sums = conn.execute(
            sa.text(
                "SELECT sum(conversations_active), sum(leads_generated), sum(leads_converted), count(*) "
                "FROM seller_metrics WHERE period = '2026-11-20'"
            )
        ).one()
        payload = conn.execute(
            sa.text("SELECT payload FROM daily_reports WHERE report_date = '2026-11-20'")
        ).scalar_one()
    team = payload["team_performance"]
    assert sums[3] == 3  # one row per active seller
    assert (team["total_conversations"], team["new_leads"], team["converted_leads"]) == tuple(sums[:3])
    assert team["total_conversations"] > 0 and payload["has_activity"] is True
