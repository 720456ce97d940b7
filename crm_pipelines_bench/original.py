"""The original APScheduler service's way of computing seller metrics, kept as the baseline.

For every day, for every active seller, for every metric: one SELECT filtered on that seller and
that day, sent from Python; response times are worked out in Python from the seller's
conversations' messages. This is deliberately the slow shape the pipelines replaced (SQL in a
loop, a round trip per number); it follows SPEC section 2 to the letter so that its rows can be
compared with the set-based SQL's, and a mismatch means one of the two is wrong.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.settings import Settings

COUNT_QUERIES = ("conversations_total", "conversations_new", "conversations_active",
                 "conversations_unanswered", "messages_sent", "messages_received",
                 "engaged_conversations", "leads_generated", "leads_converted",
                 "hot_leads_open", "follow_ups_due")


def _q(name: str) -> sa.TextClause:
    return load_sql(__file__, f"original/{name}.sql")


@dataclass
class OriginalRun:
    rows: list[dict[str, Any]]
    seconds: float
    queries: int
    seller_days: int


def compute_original(engine: sa.Engine, settings: Settings, tenant_ids: list[int], days: list[date],
                     now: datetime) -> OriginalRun:
    """Every active seller of `tenant_ids` on each of `days`, the original way."""
    tz = ZoneInfo(settings.crm_timezone)
    rows: list[dict[str, Any]] = []
    queries = 0
    started = time.perf_counter()
    with engine.connect() as conn:
        for day in days:
            for tenant_id in tenant_ids:
                sellers = [r[0] for r in conn.execute(_q("active_sellers"), {"tenant_id": tenant_id})]
                queries += 1
                tenant_rows = []
                for seller_id in sellers:
                    row, used = _seller_day(conn, settings, tz, tenant_id, seller_id, day, now)
                    tenant_rows.append(row)
                    queries += used
                _rank(tenant_rows)
                rows.extend(tenant_rows)
            conn.rollback()  # end the read transaction between days, as a scheduled job would
    return OriginalRun(rows=rows, seconds=time.perf_counter() - started, queries=queries,
                       seller_days=len(rows))


def _seller_day(conn: sa.Connection, settings: Settings, tz: ZoneInfo, tenant_id: int, seller_id: Any,
                day: date, now: datetime) -> tuple[dict[str, Any], int]:
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    cutoff = min(day_end, now)
    params = {"tenant_id": tenant_id, "seller_id": seller_id, "day_start": day_start, "cutoff": cutoff,
              "window_start": datetime.combine(day - timedelta(days=29), datetime.min.time(), tzinfo=tz),
              "unanswered_hours": settings.unanswered_conversation_hours,
              "hot_threshold": settings.hot_lead_probability_threshold,
              "hot_idle_hours": settings.hot_lead_idle_hours}
    row: dict[str, Any] = {"tenant_id": tenant_id, "seller_id": seller_id, "period": day}
    for name in COUNT_QUERIES:
        row[name] = conn.execute(_q(name), params).scalar()
    queries = len(COUNT_QUERIES)

    thread_messages = conn.execute(_q("reply_messages"), params)
    response_minutes = _reply_minutes(thread_messages, seller_id, day_start, cutoff)
    row["replies"] = len(response_minutes)
    row["avg_response_time_minutes"] = mean(response_minutes) if response_minutes else None
    row["median_response_time_minutes"] = _percentile_cont(response_minutes, 0.5)
    row["p90_response_time_minutes"] = _percentile_cont(response_minutes, 0.9)

    firsts = [(r.answered_at - r.asked_at).total_seconds() / 60
              for r in conn.execute(_q("first_responses"), params) if r.answered_by == seller_id]
    row["first_response_time_minutes"] = mean(firsts) if firsts else None
    row["total_chat_time_minutes"] = float(conn.execute(_q("chat_time"), params).scalar())
    window = conn.execute(_q("conversion_window"), params).one()
    queries += 4

    engaged = row.pop("engaged_conversations")
    active = row["conversations_active"]
    row["engagement_rate"] = engaged / active if active else None
    row["conversion_rate"] = window.converted / window.generated if window.generated else None
    row["productivity_score"] = _productivity(row)
    sent = row["messages_sent"]
    row["activity_level"] = ("inactive" if sent == 0 else "low" if sent < 15 else
                             "medium" if sent < 50 else "high")
    return row, queries


def _reply_minutes(messages, seller_id: Any, day_start: datetime, cutoff: datetime) -> list[float]:
    """Walk each conversation's customer/seller messages in (created_at, id) order: a customer
    message after a seller message (or first) opens a turn; the next seller message answers it."""
    by_conversation: dict[Any, list] = defaultdict(list)
    for m in messages:
        by_conversation[m.conversation_id].append(m)
    minutes = []
    for thread in by_conversation.values():
        turn_start = None
        previous = None
        for m in thread:
            if m.sender_type == "customer" and previous != "customer":
                turn_start = m.created_at
            elif m.sender_type == "seller" and turn_start is not None:
                if m.seller_id == seller_id and day_start <= m.created_at < cutoff:
                    minutes.append((m.created_at - turn_start).total_seconds() / 60)
                turn_start = None
            previous = m.sender_type
    return minutes


def _percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _productivity(row: dict[str, Any]) -> float:
    avg = row["avg_response_time_minutes"]
    r = 1 - min(avg, 60) / 60 if row["replies"] else 0
    e = row["engagement_rate"] or 0
    v = min(row["conversion_rate"], 1) if row["conversion_rate"] is not None else 0
    w = min(row["replies"] / 20, 1)
    score = 10 * (0.30 * r + 0.25 * e + 0.25 * v + 0.20 * w)
    return float(Decimal(repr(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _rank(rows: list[dict[str, Any]]) -> None:
    ranked = sorted((r for r in rows if r["messages_sent"] > 0),
                    key=lambda r: (-r["productivity_score"], -r["leads_converted"], str(r["seller_id"])))
    for r in rows:
        r["rank_position"] = None
    for position, r in enumerate(ranked, start=1):
        r["rank_position"] = position
