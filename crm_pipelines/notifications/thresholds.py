"""The thresholds of the four notification rules (SPEC section 3) and their validation.

They come from the settings; a manual run can override any of them in its op config. Either
way they are checked here, by name, before any statement touches a row: a probability of 1.5
or a negative number of hours is refused, never clamped.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm_pipelines.settings import Settings

# The notification types, in the order a run checks them.
RULES: tuple[str, ...] = ("unanswered", "hot_lead", "followup", "performance_alert")
# The rules the periodic sensor watches; performance alerts follow seller_metrics instead.
CLOCK_RULES: tuple[str, ...] = ("unanswered", "hot_lead", "followup")


class ThresholdError(ValueError):
    """A threshold the checks cannot run with; the message names it and its value."""


@dataclass(frozen=True)
class Thresholds:
    """Field names are the settings' names in lower case (UNANSWERED_CONVERSATION_HOURS, ...)."""

    unanswered_conversation_hours: float
    hot_lead_probability_threshold: float
    hot_lead_idle_hours: float
    performance_alert_max_unanswered: int
    performance_alert_max_response_minutes: float

    @classmethod
    def from_settings(cls, settings: Settings, overrides: Mapping[str, Any] | None = None) -> "Thresholds":
        values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(cls)}
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        thresholds = cls(**values)
        thresholds.validate()
        return thresholds

    def validate(self) -> None:
        for name, (check, rule) in _CHECKS.items():
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or math.isnan(value)
                or not check(value)
            ):
                raise ThresholdError(f"{name}={value!r} is refused: it must be {rule}")


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "unanswered_conversation_hours": (lambda v: 0 < v <= 24 * 30, "greater than 0 and at most 720 hours"),
    "hot_lead_probability_threshold": (lambda v: 0 <= v <= 1, "a probability between 0 and 1"),
    "hot_lead_idle_hours": (lambda v: 0 <= v <= 24 * 30, "between 0 and 720 hours"),
    "performance_alert_max_unanswered": (
        lambda v: float(v).is_integer() and v >= 0,
        "a whole number, at least 0",
    ),
    "performance_alert_max_response_minutes": (lambda v: 0 < v < math.inf, "greater than 0 minutes"),
}


@dataclass(frozen=True)
class CheckPlan:
    """What one run checks: the rules, their thresholds and the moment T the rules are evaluated at
    (one T for every rule of the run, so a retried step sees the same situations)."""

    rules: tuple[str, ...]
    thresholds: Thresholds
    as_of: datetime


def validate_rules(rules: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ThresholdError(
            f"rules={list(rules)!r} is refused: unknown {unknown}; use some of {list(RULES)}"
        )
    if not rules:
        raise ThresholdError("rules=[] is refused: name at least one of " + ", ".join(RULES))
    return tuple(r for r in RULES if r in rules)
