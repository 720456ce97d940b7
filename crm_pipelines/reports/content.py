"""The report's payload (SPEC section 5) for one tenant and day, from the rows `queries` read.

Definitions (the numbers a person can check against seller_metrics):
- total_conversations = sum of conversations_active (conversations with a message that day);
  new_leads = sum of leads_generated; converted_leads = sum of leads_converted;
  conversion_rate = converted_leads / new_leads of the day (null without new leads);
  avg_response_time_minutes = mean over all the team's replies (per-seller means weighted by
  replies; null without replies).
- previous_7_days: the daily average of each total over the 7 days before that have
  seller_metrics rows (null when none), conversion rate and response time as ratios of sums;
  change_pct = (day − baseline) / baseline × 100, null when the baseline is null or 0.
- top_performers: up to 3 sellers who sent a message or converted a lead that day, by
  productivity_score desc, then leads_converted desc, then name, then seller_id.
- alerts_summary: notifications created that local day, by type.
"""

from __future__ import annotations

from typing import Any

from crm_pipelines.reports.queries import TenantDayData
from crm_pipelines.reports.recommendations import recommendations
from crm_pipelines.settings import Settings

ALERT_TYPES = ("unanswered", "hot_lead", "followup", "performance_alert")
TEAM_KEYS = (
    "total_conversations",
    "new_leads",
    "converted_leads",
    "conversion_rate",
    "avg_response_time_minutes",
)


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _team_day(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "total_conversations": int(row["total_conversations"]),
        "new_conversations": int(row["new_conversations"]),
        "new_leads": int(row["new_leads"]),
        "converted_leads": int(row["converted_leads"]),
        "conversion_rate": _ratio(row["converted_leads"], row["new_leads"]),
        "avg_response_time_minutes": _ratio(float(row["response_minutes_total"]), row["replies"], 1),
        "messages_sent": int(row["messages_sent"]),
        "replies": int(row["replies"]),
        "sellers": int(row["sellers"]),
        "active_sellers": int(row["active_sellers"]),
    }


def _baseline(days: list[dict[str, Any]]) -> dict[str, Any]:
    with_data = [d for d in days if d["has_metrics"]]
    n = len(with_data)
    total = {
        k: sum(float(d[k]) for d in with_data)
        for k in ("total_conversations", "new_leads", "converted_leads", "replies", "response_minutes_total")
    }
    return {
        "days_with_data": n,
        "total_conversations": _ratio(total["total_conversations"], n, 1),
        "new_leads": _ratio(total["new_leads"], n, 1),
        "converted_leads": _ratio(total["converted_leads"], n, 1),
        "conversion_rate": _ratio(total["converted_leads"], total["new_leads"]),
        "avg_response_time_minutes": _ratio(total["response_minutes_total"], total["replies"], 1),
    }


def _change_pct(now: float | None, before: float | None) -> float | None:
    if now is None or not before:
        return None
    return round((now - before) / before * 100, 1)


def _trend(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "date": d["day"].isoformat(),
            "has_metrics": bool(d["has_metrics"]),
            "total_conversations": int(d["total_conversations"]),
            "converted_leads": int(d["converted_leads"]),
            "avg_response_time_minutes": _ratio(float(d["response_minutes_total"]), d["replies"], 1),
        }
        for d in days
    ]


def _top_performers(sellers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranked = sorted(
        (s for s in sellers if s["performer_rank"] is not None), key=lambda s: s["performer_rank"]
    )
    return [
        {
            "rank": int(s["performer_rank"]),
            "seller_id": s["seller_id"],
            "seller": s["seller_name"],
            "conversions": int(s["leads_converted"]),
            "score": round(float(s["productivity_score"]), 2),
        }
        for s in ranked[:3]
    ]


def _alerts_summary(alerts: dict[str, int]) -> dict[str, Any]:
    by_type = {t: alerts.get(t, 0) for t in ALERT_TYPES}
    by_type.update({t: n for t, n in sorted(alerts.items()) if t not in by_type})
    return {"total": sum(by_type.values()), "by_type": by_type}


def _seller_chart_rows(sellers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "seller": s["seller_name"],
            "conversions": int(s["leads_converted"]),
            "avg_response_time_minutes": (
                round(float(s["avg_response_time_minutes"]), 1)
                if s["avg_response_time_minutes"] is not None
                else None
            ),
            "messages_sent": int(s["messages_sent"]),
        }
        for s in sellers
    ]


def build_payload(data: TenantDayData, settings: Settings) -> dict[str, Any]:
    """The JSON stored in daily_reports.payload and sent as the `daily_report` event."""
    day_row = data.team_days[-1]
    day = _team_day(day_row)
    before = _baseline(data.team_days[-8:-1])
    team = {k: day[k] for k in TEAM_KEYS} | {
        "new_conversations": day["new_conversations"],
        "messages_sent": day["messages_sent"],
        "active_sellers": day["active_sellers"],
        "sellers": day["sellers"],
        "previous_7_days": before,
        "change_pct": {k: _change_pct(day[k], before[k]) for k in TEAM_KEYS},
    }
    alerts = _alerts_summary(data.alerts)
    has_activity = bool(
        day["messages_sent"]
        or day["total_conversations"]
        or day["new_leads"]
        or day["converted_leads"]
        or alerts["total"]
    )
    payload: dict[str, Any] = {
        "tenant_id": data.tenant_id,
        "tenant_name": data.tenant_name,
        "date": data.day.isoformat(),
        "language": settings.report_language,
        "metrics_available": bool(day_row["has_metrics"]),
        "has_activity": has_activity,
        "team_performance": team,
        "top_performers": _top_performers(data.sellers),
        "alerts_summary": alerts,
        "sellers": _seller_chart_rows(data.sellers),
        "trend": _trend(data.team_days),
    }
    payload["recommendations"] = recommendations(payload, data.sellers, settings)
    return payload
