"""seller_metrics computed in PostgreSQL: one set-based statement for a whole window of days.

- `sql/select_metrics.sql` (`SELECT_METRICS`): the computing SELECT. Params `:start_date`,
  `:end_date` (local dates, end exclusive), `:now`, `:tz`, `:unanswered_hours`,
  `:hot_threshold`, `:hot_idle_hours`; one row per active seller and day, in the order of
  `COLUMNS`. `select_params(...)` builds the params from the settings.
- `write_seller_metrics(conn, start_date, end_date, now, settings) -> WriteStats`: replaces the
  window's rows (DELETE + INSERT ... SELECT) in ONE transaction, under an advisory lock so that
  overlapping writers run one after the other, with JIT off for the transaction
  (`sql/tune_transaction.sql`: PostgreSQL may otherwise spend seconds compiling the statement).
- `read_day(conn, period)`: a day's rows (with seller names) for the cache, events and preview.

Days that have not begun at `now` get no rows; today's cut-off is `now` (SPEC section 2).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.settings import Settings

# The columns of seller_metrics that the SELECT computes, in the order it returns them.
COLUMNS = (
    "tenant_id", "seller_id", "period",
    "conversations_total", "conversations_active", "conversations_new", "conversations_unanswered",
    "messages_sent", "messages_received", "replies",
    "avg_response_time_minutes", "median_response_time_minutes", "p90_response_time_minutes",
    "first_response_time_minutes", "total_chat_time_minutes", "engagement_rate",
    "leads_generated", "leads_converted", "conversion_rate", "hot_leads_open", "follow_ups_due",
    "productivity_score", "activity_level", "rank_position", "computed_at",
)

SELECT_METRICS: sa.TextualSelect = load_sql(__file__, "select_metrics.sql").columns(
    *(sa.column(name) for name in COLUMNS))
# INSERT INTO seller_metrics (<COLUMNS>) <select_metrics.sql>: the statement text is the file's,
# behind the column list; no values are ever part of it.
INSERT_METRICS: sa.Insert = sa.insert(sa.table("seller_metrics", *(sa.column(name) for name in COLUMNS))) \
    .from_select(COLUMNS, SELECT_METRICS)


@dataclass
class WriteStats:
    """What one write did: enough for the asset's metadata, the cache and the events."""

    start_date: date
    end_date: date
    rows_deleted: int
    rows_written: int
    rows_per_tenant: dict[int, int]
    sellers_active_per_tenant: dict[int, int]
    latest_period: date | None  # the window's latest day with rows
    later_period_exists: bool  # seller_metrics already holds a day after latest_period
    sql_seconds: float
    latest_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sellers_active(self) -> int:
        return sum(self.sellers_active_per_tenant.values())


def select_params(start_date: date, end_date: date, now: datetime, settings: Settings) -> dict[str, Any]:
    if now.tzinfo is None:
        raise ValueError(f"now={now.isoformat()} needs a timezone")
    return {
        "start_date": start_date,
        "end_date": end_date,
        "now": now,
        "tz": settings.crm_timezone,
        "unanswered_hours": settings.unanswered_conversation_hours,
        "hot_threshold": settings.hot_lead_probability_threshold,
        "hot_idle_hours": settings.hot_lead_idle_hours,
    }


def write_seller_metrics(conn: sa.Connection, start_date: date, end_date: date, now: datetime,
                         settings: Settings) -> WriteStats:
    """Replace the rows of the local days [start_date, end_date) in one transaction.

    With a connection already in a transaction the work joins it (the caller commits);
    otherwise it runs in its own transaction, committed here.
    """
    if end_date <= start_date:
        raise ValueError(f"empty window: {start_date} .. {end_date}")
    if conn.in_transaction():
        return _write(conn, start_date, end_date, now, settings)
    with conn.begin():
        return _write(conn, start_date, end_date, now, settings)


def _write(conn: sa.Connection, start_date: date, end_date: date, now: datetime,
           settings: Settings) -> WriteStats:
    window = {"start_date": start_date, "end_date": end_date}
    conn.execute(load_sql(__file__, "lock_writer.sql"))
    conn.execute(load_sql(__file__, "tune_transaction.sql"))
    deleted = conn.execute(load_sql(__file__, "delete_window.sql"), window).rowcount
    started = time.perf_counter()
    written = conn.execute(INSERT_METRICS, select_params(start_date, end_date, now, settings)).rowcount
    sql_seconds = time.perf_counter() - started
    summary = conn.execute(load_sql(__file__, "window_summary.sql"), window).mappings().all()
    latest = max((r["latest_period"] for r in summary), default=None)
    in_table = max((r["latest_period_in_table"] for r in summary), default=None)
    return WriteStats(
        start_date=start_date,
        end_date=end_date,
        rows_deleted=deleted,
        rows_written=written,
        rows_per_tenant={r["tenant_id"]: r["rows_written"] for r in summary},
        sellers_active_per_tenant={r["tenant_id"]: r["sellers_active"] for r in summary},
        latest_period=latest,
        later_period_exists=latest is not None and in_table is not None and in_table > latest,
        sql_seconds=sql_seconds,
        latest_rows=read_day(conn, latest) if latest is not None else [],
    )


def read_day(conn: sa.Connection, period: date) -> list[dict[str, Any]]:
    """Every seller's row of `period`, ranked sellers first, with `seller_name`."""
    return [dict(r) for r in conn.execute(load_sql(__file__, "day_rows.sql"), {"period": period}).mappings()]


def metric_values(row: dict[str, Any], drop: Sequence[str] = ("tenant_id", "period", "seller_name")) -> dict[str, Any]:
    """A row as the cache and the events carry it (JSON-ready values)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in drop:
            continue
        out[key] = value.isoformat() if isinstance(value, (date, datetime)) else (
            str(value) if key == "seller_id" else value)
    return out
