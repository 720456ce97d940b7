"""Bounded retries with exponential backoff for one delivery, and the outcome to record.

Delivery is best effort: a channel that still fails after its attempts is recorded as failed,
never raised into the caller's step. The error kept is the exception's type name only, because
messages of HTTP and SMTP errors may carry a webhook URL (a bearer token) or an address; our
own errors (`DeliveryError`: a deadline passed, a hook answered 500) add their message, which we
wrote to name the channel and nothing secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from crm_pipelines.delivery.deadline import DeliveryError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed" or "skipped"
    attempts: int = 0
    error: str | None = None
    detail: str | None = None  # a safe note for the operator (recipient, reason for skipping)
    at: str = ""

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"status": self.status, "at": self.at or _now()}
        if self.attempts:
            record["attempts"] = self.attempts
        if self.error:
            record["error"] = self.error
        if self.detail:
            record["detail"] = self.detail
        return record


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def describe_error(err: BaseException) -> str:
    """What may be logged and recorded about a failed attempt."""
    if isinstance(err, DeliveryError):
        return f"{type(err).__name__}: {err}"
    return type(err).__name__


def skipped(reason: str) -> DeliveryOutcome:
    return DeliveryOutcome(status="skipped", detail=reason, at=_now())


def with_retries(
    send: Callable[[], Any],
    *,
    what: str,
    attempts: int = 3,
    backoff_seconds: float = 2.0,
    detail: str | None = None,
    logger: logging.Logger | None = None,
) -> DeliveryOutcome:
    """Call `send` up to `attempts` times, sleeping backoff, 2×backoff, 4×backoff... between tries.
    Any exception counts as a failed attempt (a channel's failure modes are too many to list).
    `logger` is where failed attempts are said (a run's context.log; this module's by default)."""
    attempts = max(1, attempts)
    error: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            send()
            return DeliveryOutcome(status="sent", attempts=attempt, detail=detail, at=_now())
        except Exception as err:  # noqa: BLE001 - recorded, never raised (best effort)
            error = describe_error(err)
            (logger or log).warning("%s: attempt %d of %d failed (%s)", what, attempt, attempts, error)
            if attempt < attempts:
                time.sleep(backoff_seconds * (2 ** (attempt - 1)))
    return DeliveryOutcome(status="failed", attempts=attempts, error=error, detail=detail, at=_now())
