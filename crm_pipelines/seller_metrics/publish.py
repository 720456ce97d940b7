"""After the rows are committed: the Redis cache and the `metrics_updated` events (SPEC section 4).

Only one day is published per materialization, the window's latest, so a year's backfill sends
one event per tenant, not 365. The cache and the events are about each seller's *latest* day
(SPEC section 4): when seller_metrics already has a later day (a backfill of the past, run after
today's refresh), neither the cache keys nor the tenants' dashboards hear about the older day,
and the metadata says why. Redis and Socket.IO are best effort: a failure is logged and recorded, the
rows in PostgreSQL stay as committed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.seller_metrics.compute import WriteStats, metric_values

EVENT = "metrics_updated"


def seller_key(tenant_id: int, seller_id: Any) -> str:
    return f"crm:metrics:{tenant_id}:{seller_id}"


def team_key(tenant_id: int) -> str:
    return f"crm:metrics:{tenant_id}:team"


def room(tenant_id: int) -> str:
    return f"metrics:{tenant_id}"


@dataclass(frozen=True)
class PublishOutcome:
    cache_refreshed: bool
    cache_status: str  # said in the metadata: what happened to the cache and why
    events_sent: int
    events_failed: int
    events_status: str = ""  # said in the metadata: which day the events announced, or why none


def team_summary(tenant_id: int, period: date, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The tenant's team on one day: sums of counts, response time weighted by replies, top 3."""
    replies = sum(r["replies"] for r in rows)
    weighted = sum(r["avg_response_time_minutes"] * r["replies"] for r in rows if r["replies"])
    generated = sum(r["leads_generated"] for r in rows)
    ranked = sorted((r for r in rows if r["rank_position"] is not None), key=lambda r: r["rank_position"])
    return {
        "tenant_id": tenant_id,
        "period": period.isoformat(),
        "sellers": len(rows),
        "sellers_active": sum(1 for r in rows if r["messages_sent"] > 0),
        **{name: sum(r[name] for r in rows) for name in (
            "conversations_total", "conversations_active", "conversations_new", "conversations_unanswered",
            "messages_sent", "messages_received", "replies", "leads_generated", "leads_converted",
            "hot_leads_open", "follow_ups_due")},
        "avg_response_time_minutes": round(weighted / replies, 2) if replies else None,
        "conversion_rate": round(sum(r["leads_converted"] for r in rows) / generated, 4) if generated else None,
        "avg_productivity_score": round(sum(r["productivity_score"] for r in rows) / len(rows), 2) if rows else None,
        "top_performers": [
            {"seller_id": str(r["seller_id"]), "name": r["seller_name"], "rank_position": r["rank_position"],
             "productivity_score": r["productivity_score"], "leads_converted": r["leads_converted"]}
            for r in ranked[:3]
        ],
    }


def publish_latest_day(stats: WriteStats, redis: RedisResource, socketio: SocketIOResource) -> PublishOutcome:
    if stats.latest_period is None or not stats.latest_rows:
        return PublishOutcome(False, "nothing to publish (no rows written)", 0, 0, "nothing to publish")
    period = stats.latest_period
    by_tenant: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in stats.latest_rows:
        by_tenant[row["tenant_id"]].append(row)

    cache_refreshed, cache_status = _refresh_cache(stats, by_tenant, redis)
    if stats.later_period_exists:
        # A dashboard showing today must not be switched back to the backfill's last day.
        return PublishOutcome(cache_refreshed, cache_status, 0, 0,
                              f"not sent: seller_metrics already has a day after {period}")
    sent = failed = 0
    if socketio.enabled:
        for tenant_id, rows in sorted(by_tenant.items()):
            payload = {"tenant_id": tenant_id, "period": period.isoformat(),
                       "sellers": [metric_values(r) for r in rows]}
            if socketio.emit(EVENT, payload, room=room(tenant_id)):
                sent += 1
            else:
                failed += 1
    status = f"for {period}" if socketio.enabled else "Socket.IO off (REDIS_URL is unset)"
    return PublishOutcome(cache_refreshed, cache_status, sent, failed, status)


def _refresh_cache(stats: WriteStats, by_tenant: dict[int, list[dict[str, Any]]],
                   redis: RedisResource) -> tuple[bool, str]:
    period = stats.latest_period
    if not redis.enabled:
        return False, "cache off (REDIS_URL is unset)"
    if stats.later_period_exists:
        return False, f"cache not refreshed: seller_metrics already has a day after {period}"
    items: dict[str, Any] = {}
    for tenant_id, rows in by_tenant.items():
        for row in rows:
            items[seller_key(tenant_id, row["seller_id"])] = {
                "tenant_id": tenant_id, "period": period.isoformat(), **metric_values(row)}
        items[team_key(tenant_id)] = team_summary(tenant_id, period, rows)
    if redis.set_json_many(items):
        return True, f"refreshed {len(items)} keys for {period}"
    return False, "cache not refreshed: Redis unreachable (rows are committed in PostgreSQL)"
