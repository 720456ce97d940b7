"""`notification_checks_job`: validate the thresholds, one op per rule of SPEC section 3, then send.

The first op, `notification_plan`, is the only one that reads the run config; it refuses a bad
threshold or an unknown rule by name before any statement runs, and yields one output per
selected rule. Rules left out (the performance-alert sensor runs only `performance_alert`)
are skipped by Dagster and shown as skipped in the UI. Each rule op only writes (notification
and outbox rows in one statement); `send_notifications` sends what the outbox holds after every
rule has committed, and tells each recipient their new counts once per check.
"""

# No `from __future__ import annotations` here: Dagster reads the config and resource
# annotations of the ops and sensors below as real types when it builds them.

from datetime import datetime, timezone

import dagster as dg
from pydantic import Field

from crm_pipelines.concurrency import one_at_a_time
from crm_pipelines.crmventas.freshness import ensure_mirrors
from crm_pipelines.notifications.checks import run_rule
from crm_pipelines.notifications.delivery import DeliveryReport
from crm_pipelines.notifications.outbox import send_outbox
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
SEND_OP = "send_notifications"


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
    send_op = _send_op(retry_policy)

    @dg.job(
        name=JOB_NAME,
        description="Find unanswered conversations, hot leads, due follow-ups and slow sellers for "
        "every tenant; write each new notification once and send it to its recipient.",
        executor_def=dg.in_process_executor,
        tags=one_at_a_time(JOB_NAME),
    )
    def notification_checks_job():
        plans = notification_plan()
        # Fan-in: runs when at least one rule ran (Dagster skips it only if every rule was skipped).
        send_op([rule_ops[rule](getattr(plans, rule)) for rule in RULES])

    return notification_checks_job


def check_and_send(
    rule: str,
    plan: CheckPlan,
    postgres: PostgresResource,
    redis: RedisResource,
    socketio: SocketIOResource,
    settings: Settings,
) -> tuple[list[str], DeliveryReport]:
    """One rule: write its new notifications (committed), then send the outbox (these and any an
    earlier check could not send). Returns the new rows' ids and what was sent."""
    created = run_rule(postgres, rule, plan.thresholds, plan.as_of, settings)
    return created, send_outbox(postgres, redis, socketio).delivery


def _rule_op(rule: str, settings: Settings, retry_policy: dg.RetryPolicy) -> dg.OpDefinition:
    @dg.op(
        name=f"check_{rule}",
        retry_policy=retry_policy,
        ins={"plan": dg.In(CheckPlan)},
        description=f"Write the new `{rule}` notifications of every tenant (committed with their "
        "outbox rows; send_notifications sends them).",
    )
    def check_rule(context: dg.OpExecutionContext, plan: CheckPlan, postgres: PostgresResource) -> dg.Output[int]:
        with retry_only_transient():
            # CRM_SOURCE=crmventas: mirrors no older than the check's moment T (the first rule
            # op syncs, the others find it done).
            ensure_mirrors(settings, postgres, plan.as_of, context.log.info)
            created = run_rule(postgres, rule, plan.thresholds, plan.as_of, settings)
        return dg.Output(
            len(created),
            metadata={
                "rule": rule,
                "created": len(created),
                "ids": dg.MetadataValue.json(created[:20]),
                "as_of": plan.as_of.isoformat(),
            },
        )

    return check_rule


def _send_op(retry_policy: dg.RetryPolicy) -> dg.OpDefinition:
    return dg.op(
        name=SEND_OP,
        retry_policy=retry_policy,
        ins={"created": dg.In(list[int], description="new notifications per checked rule")},
        description="Send the outbox: each new notification to its recipient's Socket.IO room and the "
        "Redis queue (and any an earlier check could not send), then one notification_count_update "
        "per recipient.",
    )(send_notifications)


def send_notifications(
    context: dg.OpExecutionContext,
    created: list[int],
    postgres: PostgresResource,
    redis: RedisResource,
    socketio: SocketIOResource,
) -> dg.Output[int]:
    with retry_only_transient():
        outcome = send_outbox(postgres, redis, socketio)
    report = outcome.delivery
    if not report.complete:
        context.log.warning(
            f"{report.not_sent} notifications were not sent (Redis or Socket.IO unavailable); they are "
            "saved in PostgreSQL and the next check sends them"
        )
    if outcome.cleared_without_redis:
        context.log.info(f"{outcome.cleared_without_redis} new notifications are in PostgreSQL only "
                         "(REDIS_URL unset: no real-time events)")
    return dg.Output(
        len(report.sent_ids),
        metadata={
            "created_this_run": sum(created),
            "sent": len(report.sent_ids),
            "queued": report.queued,
            "socketio_emitted": report.emitted,
            "not_sent": report.not_sent,
            "dropped_expired": outcome.dropped_expired,
            "count_updates": outcome.count_updates,
            "count_updates_failed": outcome.count_updates_failed,
        },
    )
