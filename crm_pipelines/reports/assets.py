"""The `daily_report` asset: each tenant's report of a finished day, stored in daily_reports and
shown on the asset's page. It sends nothing: `daily_report_delivery_sensor` sees the new
materialization and asks `daily_report_delivery_job` to deliver it (`delivery_job.py`)."""

import json
import time
from datetime import date, datetime, timezone
from typing import Any

import dagster as dg

from crm_pipelines.crmventas.freshness import ensure_mirrors
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.chart import render_chart
from crm_pipelines.reports.content import build_payload
from crm_pipelines.reports.queries import read_report_data
from crm_pipelines.reports.render import chart_data_uri, render_html, render_markdown
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings

# The Markdown shown in the UI covers at most this many tenants (metadata is stored per event).
MAX_TENANTS_IN_METADATA = 20
# Charts (about 25 kB each as a data: URI) are shown for the first few tenants only.
MAX_CHARTS_IN_METADATA = 3


def build_daily_report_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        name="daily_report",
        partitions_def=daily_partitions(settings, include_today=False),
        deps=[dg.AssetKey("seller_metrics")],
        backfill_policy=dg.BackfillPolicy.single_run(),
        retry_policy=transient_retry_policy(settings),
        group_name="reports",
        kinds={"postgres", "python"},
    )
    def daily_report(
        context: dg.AssetExecutionContext,
        postgres: PostgresResource,
    ) -> dg.MaterializeResult:
        """The CEO's report of a finished day, one per tenant: team performance against the week
        before, the top three sellers, the day's alerts, what to do next (named sellers, numbers)
        and a chart. Stored in `daily_reports`; re-materializing a day replaces it."""
        started = time.monotonic()
        with retry_only_transient():
            # CRM_SOURCE=crmventas: tenants and sellers as CRM Ventas has them at this run's start.
            ensure_mirrors(settings, postgres, datetime.now(timezone.utc), context.log.info)
            days = [date.fromisoformat(key) for key in context.partition_keys]
            stored: list[tuple[dict[str, Any], bytes]] = []
            for day in days:
                stored.extend(_build_and_store_day(postgres, settings, day))
        context.log.info("stored %d report(s) for %d day(s)", len(stored), len(days))

        last_day = [(payload, png) for payload, png in stored if payload["date"] == days[-1].isoformat()]
        # A multi-day run's metadata is copied to every partition it covers: charts only for one day.
        charts = MAX_CHARTS_IN_METADATA if len(days) == 1 else 0
        markdown = "\n\n---\n\n".join(
            render_markdown(p, chart_data_uri(png) if i < charts else None)
            for i, (p, png) in enumerate(last_day[:MAX_TENANTS_IN_METADATA])
        )
        if len(days) > 1:
            markdown = (
                f"_One run for {len(days)} days ({days[0].isoformat()} … {days[-1].isoformat()}): "
                f"every day's report is in daily_reports; the last day's is shown here._\n\n{markdown}"
            )
        if len(last_day) > MAX_TENANTS_IN_METADATA:
            markdown += f"\n\n_… {len(last_day) - MAX_TENANTS_IN_METADATA} more tenants in daily_reports._"
        return dg.MaterializeResult(
            metadata={
                "report": dg.MetadataValue.md(markdown or "_No tenants._"),
                "reports_stored": dg.MetadataValue.int(len(stored)),
                "days": dg.MetadataValue.int(len(days)),
                "tenants": dg.MetadataValue.int(len(last_day)),
                "delivery": dg.MetadataValue.text(
                    "by daily_report_delivery_job, which daily_report_delivery_sensor asks for when the "
                    "latest day is materialized; older days: launch it for their partition"
                ),
                "duration_seconds": dg.MetadataValue.float(round(time.monotonic() - started, 2)),
            }
        )

    return daily_report


def _build_and_store_day(
    postgres: PostgresResource, settings: Settings, day: date
) -> list[tuple[dict[str, Any], bytes]]:
    """Every tenant's report of `day`, written in one statement (one transaction per day)."""
    with postgres.begin() as conn:
        tenants = read_report_data(conn, day, settings.crm_timezone)
    built, rows = [], []
    for data in tenants:
        payload = build_payload(data, settings)
        png = render_chart(payload, settings.performance_alert_max_response_minutes)
        rows.append(
            {
                "tenant_id": data.tenant_id,
                "report_date": day.isoformat(),
                "payload": payload,
                "html": render_html(payload, chart_src=chart_data_uri(png)),
            }
        )
        built.append((payload, png))
    if rows:
        with postgres.begin() as conn:
            conn.execute(load_sql(__file__, "store_reports.sql"), {"reports": json.dumps(rows, default=str)})
    return built
