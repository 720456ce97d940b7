"""Generic delivery channels (email, Slack, Teams) with bounded retries and a wall-clock
deadline per attempt.

Nothing here knows about reports or alerts: callers build the message, these functions send it
and raise on failure; `with_retries` turns a sender into an outcome that can be recorded.
"""

from crm_pipelines.delivery.chat import is_legacy_teams_webhook, post_slack, post_teams, slack_escape
from crm_pipelines.delivery.deadline import DeliveryError, DeliveryTimeout
from crm_pipelines.delivery.email import InlineImage, send_email
from crm_pipelines.delivery.retry import DeliveryOutcome, describe_error, with_retries

__all__ = [
    "DeliveryError",
    "DeliveryOutcome",
    "DeliveryTimeout",
    "describe_error",
    "InlineImage",
    "is_legacy_teams_webhook",
    "post_slack",
    "post_teams",
    "send_email",
    "slack_escape",
    "with_retries",
]
