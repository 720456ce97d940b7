"""What one cleanup run removes: every cutoff computed once, from the settings, at one moment.

NOTIFICATION_RETENTION_DAYS and CONVERSATION_ARCHIVE_DAYS always apply; METRICS_RETENTION_DAYS,
REPORTS_RETENTION_DAYS and RUN_HISTORY_RETENTION_DAYS apply only when above 0 (0 = keep
forever). Day cutoffs are local calendar days in CRM_TIMEZONE, the partitions' days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm_pipelines.settings import Settings


@dataclass(frozen=True)
class CleanupPlan:
    now: datetime
    batch_size: int
    notification_cutoff: datetime  # situations notified before this may have ended (ledger pruning)
    conversation_cutoff: datetime  # active conversations silent since before this are archived
    metrics_cutoff_day: date | None  # seller_metrics of days before this go; None = keep
    reports_cutoff_day: date | None  # daily_reports of days before this go; None = keep
    run_history_cutoff: datetime | None  # finished Dagster runs created before this go; None = keep

    @classmethod
    def at(cls, now: datetime, settings: Settings, batch_size: int = 5000) -> "CleanupPlan":
        today = now.astimezone(settings.timezone).date()
        return cls(
            now=now,
            batch_size=batch_size,
            notification_cutoff=now - timedelta(days=settings.notification_retention_days),
            conversation_cutoff=now - timedelta(days=settings.conversation_archive_days),
            metrics_cutoff_day=(
                today - timedelta(days=settings.metrics_retention_days)
                if settings.metrics_retention_days > 0
                else None
            ),
            reports_cutoff_day=(
                today - timedelta(days=settings.reports_retention_days)
                if settings.reports_retention_days > 0
                else None
            ),
            run_history_cutoff=(
                now - timedelta(days=settings.run_history_retention_days)
                if settings.run_history_retention_days > 0
                else None
            ),
        )

    def cutoff_day(self, setting: str) -> date | None:
        """The first day kept under a day-retention setting; None = keep every day."""
        return {
            "METRICS_RETENTION_DAYS": self.metrics_cutoff_day,
            "REPORTS_RETENTION_DAYS": self.reports_cutoff_day,
        }[setting]

    def pending_params(self) -> dict:
        """Bound parameters of sql/pending.sql."""
        return {
            "now": self.now,
            "notification_cutoff": self.notification_cutoff,
            "conversation_cutoff": self.conversation_cutoff,
            "metrics_cutoff_day": self.metrics_cutoff_day,
            "reports_cutoff_day": self.reports_cutoff_day,
        }
