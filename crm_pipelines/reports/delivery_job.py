"""`daily_report_delivery_job`: deliver the stored reports of one day (its partition) to every
channel, apart from building them. `daily_report_delivery_sensor` asks for it when the latest
day's report is materialized (by the schedule, by hand, by a backfill that reaches yesterday),
`daily_report_redelivery_sensor` when a channel failed or was never finished; an operator can
launch it for any day from the launchpad. Each channel's state is in `delivered_to`
(`delivery_state.py`), so running it again sends only what is missing.
"""

from datetime import date

import dagster as dg
from pydantic import Field

from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.partitions import daily_partitions
from crm_pipelines.reports.deliver import DeliveryOptions, ReportDelivery, ReportToDeliver
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings

JOB_NAME = "daily_report_delivery_job"
OP_NAME = "deliver_daily_report"


class DeliveryConfig(dg.Config):
    attempts: int = Field(default=3, ge=1, le=10, description="Tries per channel before it is recorded as failed.")
    backoff_seconds: float = Field(default=2.0, ge=0, description="Wait before the 2nd try; doubles after.")
    attempt_deadline_seconds: float | None = Field(
        default=None, gt=0, le=300,
        description="Wall-clock limit of one attempt on any channel (default: 30 s email, 15 s webhooks).",
    )
    resend_interrupted: bool = Field(
        default=False,
        description="Send again the channels marked `interrupted` (a run stopped mid-send: they may have "
        "arrived). Only after checking that they did not.",
    )


def build_delivery_job(settings: Settings) -> dg.JobDefinition:
    @dg.op(name=OP_NAME, retry_policy=transient_retry_policy(settings))
    def deliver_daily_report(
        context: dg.OpExecutionContext,
        config: DeliveryConfig,
        postgres: PostgresResource,
        socketio: SocketIOResource,
    ) -> dg.Output[dict]:
        """Send the day's stored reports by Socket.IO, email, Slack and Teams, each channel once."""
        day = date.fromisoformat(context.partition_key)
        options = DeliveryOptions(config.attempts, config.backoff_seconds, config.attempt_deadline_seconds,
                                  config.resend_interrupted)
        delivery = ReportDelivery(postgres, socketio, settings, options, run_id=context.run_id, log=context.log)
        with retry_only_transient():
            reports = postgres.fetch_all(load_sql(__file__, "reports_to_deliver.sql"), report_date=day)
            for row in reports:
                states = delivery.deliver(ReportToDeliver(row.tenant_id, day, row.ceo_email, row.payload))
                context.log.info(f"tenant {row.tenant_id} {day}: {states}")
        states = delivery.report.states
        # On the asset's page too: an operator sees a day's delivery where the report is.
        context.log_event(dg.AssetObservation(
            asset_key="daily_report", partition=context.partition_key,
            metadata={"delivery": dg.MetadataValue.json(states), "delivery_run": dg.MetadataValue.text(context.run_id)},
        ))
        if delivery.report.interrupted:
            # Said once: the next run finds these `interrupted`, not `pending`, and does not fail.
            raise dg.Failure(
                description="interrupted delivery found, not resent (outcome unknown): "
                + "; ".join(delivery.report.interrupted)
                + f". If it did not arrive, run {JOB_NAME} for {day} with resend_interrupted: true.",
                metadata={"delivery": dg.MetadataValue.json(states)},
                allow_retries=False,
            )
        if not reports:
            context.log.warning(f"no report stored for {day}: nothing to deliver (materialize daily_report first)")
        return dg.Output(states, metadata={
            "reports": dg.MetadataValue.int(len(reports)),
            "delivery": dg.MetadataValue.json(states),
        })

    @dg.job(
        name=JOB_NAME,
        partitions_def=daily_partitions(settings, include_today=False),
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
        description="Deliver the stored daily reports of a day to Socket.IO, email, Slack and Teams; "
        "channels already sent are not sent again.",
    )
    def daily_report_delivery_job():
        deliver_daily_report()

    return daily_report_delivery_job
