"""`notification_checks_job`: validate the thresholds, then one op per rule of SPEC section 3.

The first op, `notification_plan`, is the only one that reads the run config; it refuses a bad
threshold or an unknown rule by name before any statement runs, and yields one output per
selected rule. Rules left out (the performance-alert sensor runs only `performance_alert`)
are skipped by Dagster and shown as skipped in the UI.
"""

# No `from __future__ import annotations` here: Dagster reads the config and resource
# annotations of the ops and sensors below as real types when it builds them.

from datetime import datetime, timezone

import dagster as dg
from pydantic import Field

from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.notifications.checks import load_notifications, run_rule
from crm_pipelines.notifications.delivery import DeliveryReport, deliver
from crm_pipelines.notifications.thresholds import (
    RULES,
    CheckPlan,
    ThresholdError,
    Thresholds,
    validate_rules,
)
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings

JOB_NAME = "notification_checks_job"
PLAN_OP = "notification_plan"


class NotificationChecksConfig(dg.Config):
    """Leave a threshold empty to use its setting; set it to try another value in a manual run."""

    rules: list[str] = Field(default=list(RULES), description="Rules to check: " + ", ".join(RULES))
    unanswered_conversation_hours: float | None = Field(
        default=None, description="Override UNANSWERED_CONVERSATION_HOURS (> 0)"
    )
    hot_lead_probability_threshold: float | None = Field(
        default=None, description="Override HOT_LEAD_PROBABILITY_THRESHOLD (0..1)"
    )
    hot_lead_idle_hours: float | None = Field(default=None, description="Override HOT_LEAD_IDLE_HOURS (>= 0)")
    performance_alert_max_unanswered: int | None = Field(
        default=None, description="Override PERFORMANCE_ALERT_MAX_UNANSWERED (>= 0)"
    )
    performance_alert_max_response_minutes: float | None = Field(
        default=None, description="Override PERFORMANCE_ALERT_MAX_RESPONSE_MINUTES (> 0)"
    )


def run_config_for(rules: list[str] | tuple[str, ...]) -> dict:
    """The run config a sensor uses to run only some rules."""
    return {"ops": {PLAN_OP: {"config": {"rules": list(rules)}}}}


def build_notification_checks_job(settings: Settings) -> dg.JobDefinition:
    retry_policy = transient_retry_policy(settings)

    @dg.op(
        name=PLAN_OP,
        out={
            rule: dg.Out(CheckPlan, is_required=False, description=f"present when `{rule}` is checked")
            for rule in RULES
        },
    )
    def notification_plan(context: dg.OpExecutionContext, config: NotificationChecksConfig):
        """Thresholds from the settings with this run's overrides, validated by name; the time T
        every rule of the run is evaluated at."""
        overrides = config.model_dump(exclude={"rules"})
        try:
            rules = validate_rules(config.rules)
            thresholds = Thresholds.from_settings(settings, overrides)
        except ThresholdError as err:
            raise dg.Failure(
                description=f"refused before any row was touched: {err}", allow_retries=False
            ) from err
        plan = CheckPlan(rules=rules, thresholds=thresholds, as_of=datetime.now(timezone.utc))
        context.log.info(f"checking {', '.join(rules)} at {plan.as_of.isoformat()} with {thresholds}")
        for rule in rules:
            yield dg.Output(
                plan,
                output_name=rule,
                metadata={
                    "as_of": plan.as_of.isoformat(),
                    **{name: value for name, value in vars(thresholds).items()},
                    "overridden": [k for k, v in overrides.items() if v is not None],
                },
            )

    rule_ops = {rule: _rule_op(rule, settings, retry_policy) for rule in RULES}

    @dg.job(
        name=JOB_NAME,
        description="Find unanswered conversations, hot leads, due follow-ups and slow sellers for "
        "every tenant; write each new notification once and send it to its recipient.",
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
    )
    def notification_checks_job():
        plans = notification_plan()
        for rule in RULES:
            rule_ops[rule](getattr(plans, rule))

    return notification_checks_job


# New notifications read back and sent per chunk: a first check on a large backlog (hundreds of
# thousands of open situations) keeps only its ids in memory, not every row's texts.
SEND_CHUNK = 2000


def check_and_send(
    rule: str,
    plan: CheckPlan,
    postgres: PostgresResource,
    redis: RedisResource,
    socketio: SocketIOResource,
    settings: Settings,
) -> tuple[list[str], DeliveryReport]:
    """One rule: write its new notifications (committed), then send exactly those.

    Returns the new rows' ids and what was sent. Once a chunk could not be sent in full (Redis
    or Socket.IO down), the rest is not tried: counted as not sent, kept in PostgreSQL."""
    created = run_rule(postgres, rule, plan.thresholds, plan.as_of, settings)
    # Committed: from here on nothing can undo the rows; sending is best effort.
    report = DeliveryReport.nothing()
    for start in range(0, len(created), SEND_CHUNK):
        chunk = created[start:start + SEND_CHUNK]
        if not report.complete:
            report = report + DeliveryReport(created=len(chunk), queued=0, emitted=0, not_sent=len(chunk))
            continue
        report = report + deliver(load_notifications(postgres, chunk), redis, socketio)
    return created, report


def _rule_op(rule: str, settings: Settings, retry_policy: dg.RetryPolicy) -> dg.OpDefinition:
    @dg.op(
        name=f"check_{rule}",
        retry_policy=retry_policy,
        ins={"plan": dg.In(CheckPlan)},
        description=f"Write the new `{rule}` notifications of every tenant, then send them.",
    )
    def check_rule(
        context: dg.OpExecutionContext,
        plan: CheckPlan,
        postgres: PostgresResource,
        redis: RedisResource,
        socketio: SocketIOResource,
    ) -> dg.Output[int]:
        with retry_only_transient():
            created, report = check_and_send(rule, plan, postgres, redis, socketio, settings)
        if not report.complete:
            context.log.warning(
                f"{report.not_sent} of {report.created} new `{rule}` notifications were not sent "
                "(Redis or Socket.IO unavailable); they are saved in PostgreSQL"
            )
        return dg.Output(
            len(created),
            metadata={
                "rule": rule,
                "created": report.created,
                "queued": report.queued,
                "socketio_emitted": report.emitted,
                "not_sent": report.not_sent,
                "ids": dg.MetadataValue.json(created[:20]),
                "as_of": plan.as_of.isoformat(),
            },
        )

    return check_rule
