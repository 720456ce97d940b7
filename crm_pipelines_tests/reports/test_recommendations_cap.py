"""The recommendations list stays readable on a bad day: at most 3 sellers per rule, 10 sentences,
and the top performer's recognition is kept at the end however many problems come first.
(Pure function over a payload; the SQL side is covered by test_report_content.)"""

from __future__ import annotations

from crm_pipelines.reports.recommendations import recommendations
from crm_pipelines.settings import load_settings


def _seller(i: int) -> dict:
    return {
        "seller_id": str(i),
        "seller_name": f"Seller {i}",
        "conversations_unanswered": 10 - i,
        "hot_leads_open": 10 - i,
        "follow_ups_due": 10 - i,
        "avg_response_time_minutes": 60.0 + i,
        "messages_sent": 5,
    }


def test_bad_day_is_capped_and_keeps_the_recognition():
    settings = load_settings({"REPORT_LANGUAGE": "en"})
    payload = {
        "date": "2026-11-20",
        "has_activity": True,
        "team_performance": {
            "change_pct": {"avg_response_time_minutes": None},
            "avg_response_time_minutes": 61.0,
            "previous_7_days": {"avg_response_time_minutes": None},
        },
        "top_performers": [{"seller": "Seller 1", "conversions": 2, "score": 6.0}],
    }
    out = recommendations(payload, [_seller(i) for i in range(1, 6)], settings)
    assert len(out) == 10
    assert out[:3] == [
        "Review 9 unanswered conversations of Seller 1",
        "Review 8 unanswered conversations of Seller 2",
        "Review 7 unanswered conversations of Seller 3",
    ]
    assert out[-1] == "Recognise Seller 1: 2 conversions and a score of 6.00"
    assert sum("unanswered" in s for s in out) == 3
