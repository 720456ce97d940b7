"""The `daily_report` asset: each tenant's report of a finished day, stored in daily_reports and
shown on the asset's page; delivered only when the run is the schedule's or config asks for it."""

import json
import time
from datetime import date
from typing import Any

import dagster as dg
from pydantic import Field

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.chart import render_chart
from crm_pipelines.reports.content import build_payload
from crm_pipelines.reports.deliver import ReportDelivery, ReportToDeliver, RetryOptions
from crm_pipelines.reports.queries import read_report_data
from crm_pipelines.reports.render import chart_data_uri, render_html, render_markdown
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings

# The Markdown shown in the UI covers at most this many tenants (metadata is stored per event).
MAX_TENANTS_IN_METADATA = 20
# Charts (about 25 kB each as a data: URI) are shown for the first few tenants only.
MAX_CHARTS_IN_METADATA = 3


class DailyReportConfig(dg.Config):
    deliver: bool = Field(
        default=False,
        description="Send the report (Socket.IO, email, Slack, Teams) even though this run is not the "
        "schedule's. Channels that already took it are not sent again.",
    )
    delivery_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries per channel before it is recorded as failed."
    )
    delivery_backoff_seconds: float = Field(
        default=2.0, ge=0, description="Wait before the 2nd try; doubles for each further try."
    )


def should_deliver(context: dg.AssetExecutionContext, config: DailyReportConfig) -> bool:
    """Only the current report is delivered: the schedule's run, or a run whose config asks.
    Backfills (one run for a month) and plain re-materializations send nothing."""
    return config.deliver or bool(context.run.tags.get("dagster/schedule_name"))


def build_daily_report_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        name="daily_report",
        partitions_def=daily_partitions(settings, include_today=False),
        deps=[dg.AssetKey("seller_metrics")],
        backfill_policy=dg.BackfillPolicy.single_run(),
        retry_policy=transient_retry_policy(settings),
        group_name="reports",
        kinds={"postgres", "python", "email"},
    )
    def daily_report(
        context: dg.AssetExecutionContext,
        config: DailyReportConfig,
        postgres: PostgresResource,
        socketio: SocketIOResource,
    ) -> dg.MaterializeResult:
        """The CEO's report of a finished day, one per tenant: team performance against the week
        before, the top three sellers, the day's alerts, what to do next (named sellers, numbers)
        and a chart. Stored in `daily_reports`; re-materializing a day replaces it."""
        started = time.monotonic()
        with retry_only_transient():
            days = [date.fromisoformat(key) for key in context.partition_keys]
            stored: list[tuple[dict[str, Any], ReportToDeliver]] = []
            for day in days:
                stored.extend(_build_and_store_day(postgres, settings, day))
        context.log.info("stored %d report(s) for %d day(s)", len(stored), len(days))

        deliveries: dict[str, Any] = {}
        if should_deliver(context, config):
            delivery = ReportDelivery(
                postgres,
                socketio,
                settings,
                RetryOptions(config.delivery_attempts, config.delivery_backoff_seconds),
                log=context.log,
            )
            for payload, report in stored:
                try:
                    result = delivery.deliver(report)
                except Exception as err:  # noqa: BLE001 - delivery never fails the stored report
                    context.log.warning(
                        f"delivery of tenant {report.tenant_id} {report.report_date} "
                        f"failed: {type(err).__name__}"
                    )
                    result = {"error": type(err).__name__}
                deliveries[f"{report.tenant_id}:{report.report_date.isoformat()}"] = result

        last_day = [(payload, report) for payload, report in stored if report.report_date == days[-1]]
        # A multi-day run's metadata is copied to every partition it covers: charts only for one day.
        charts = MAX_CHARTS_IN_METADATA if len(days) == 1 else 0
        markdown = "\n\n---\n\n".join(
            render_markdown(p, chart_data_uri(r.chart_png) if i < charts else None)
            for i, (p, r) in enumerate(last_day[:MAX_TENANTS_IN_METADATA])
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
                "delivery": dg.MetadataValue.json(deliveries)
                if deliveries
                else dg.MetadataValue.text(
                    "not requested (not the schedule's run and config.deliver is false)"
                ),
                "duration_seconds": dg.MetadataValue.float(round(time.monotonic() - started, 2)),
            }
        )

    return daily_report


def _build_and_store_day(
    postgres: PostgresResource, settings: Settings, day: date
) -> list[tuple[dict[str, Any], ReportToDeliver]]:
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
        built.append((payload, ReportToDeliver(data.tenant_id, day, data.ceo_email, payload, png)))
    if rows:
        with postgres.begin() as conn:
            conn.execute(load_sql(__file__, "store_reports.sql"), {"reports": json.dumps(rows, default=str)})
    return built
