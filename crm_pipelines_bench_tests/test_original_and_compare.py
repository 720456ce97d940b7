"""The original per-seller approach on a conversation worked out by hand (turns, replies,
percentiles, first response), and the row comparison that makes the benchmark fail loudly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.settings import load_settings
from crm_pipelines_bench.compare import compare_rows, keyed
from crm_pipelines_bench.original import compute_original

SELLER = "11111111-1111-1111-1111-111111111111"
CONVERSATION = "22222222-2222-2222-2222-222222222222"
DAY = date(2026, 3, 10)


def at(hh: int, mm: int) -> datetime:
    return datetime(2026, 3, 10, hh, mm, tzinfo=timezone.utc)


@pytest.fixture
def one_conversation(db: sa.Engine) -> sa.Engine:
    with db.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (id, name) VALUES (1, 'T')"))
        conn.execute(sa.text("INSERT INTO sellers (id, tenant_id, name, email) VALUES (:s, 1, 'Ana', 'a@x.co')"),
                     {"s": SELLER})
        conn.execute(sa.text(
            "INSERT INTO conversations (id, tenant_id, customer_name, assigned_seller_id, status, created_at) "
            "VALUES (:c, 1, 'Rosa', :s, 'closed', :t)"), {"c": CONVERSATION, "s": SELLER, "t": at(9, 59)})
        messages = [  # (sender, minute of 10:xx)
            ("system", 0), ("customer", 0), ("customer", 1), ("bot", 2), ("seller", 5),  # turn 10:00, reply 5 min
            ("customer", 30), ("seller", 40), ("seller", 41),  # turn 10:30, reply 10 min; 10:41 answers nothing
            ("customer", 50), ("seller", 58),  # turn 10:50, reply 8 min
        ]
        for sender, minute in messages:
            conn.execute(sa.text(
                "INSERT INTO messages (tenant_id, conversation_id, sender_type, seller_id, created_at) "
                "VALUES (1, :c, :k, :s, :t)"),
                {"c": CONVERSATION, "k": sender, "s": SELLER if sender == "seller" else None, "t": at(10, minute)})
    return db


def test_original_approach_counts_turns_and_replies_by_hand(one_conversation: sa.Engine) -> None:
    run = compute_original(one_conversation, load_settings({}), [1], [DAY], now=at(23, 0) + timedelta(days=5))
    [row] = run.rows
    assert row["messages_sent"] == 4
    assert row["messages_received"] == 4
    assert row["replies"] == 3
    assert row["avg_response_time_minutes"] == pytest.approx((5 + 10 + 8) / 3)
    assert row["median_response_time_minutes"] == pytest.approx(8)
    # percentile_cont(0.9) over 5, 8, 10: 8 + 0.8 * (10 - 8)
    assert row["p90_response_time_minutes"] == pytest.approx(9.6)
    # first customer message 10:00, first seller reply 10:05
    assert row["first_response_time_minutes"] == pytest.approx(5)
    # first to last message of the day: 10:00 .. 10:58
    assert row["total_chat_time_minutes"] == pytest.approx(58)
    assert row["conversations_active"] == 1 and row["engagement_rate"] == 1
    assert row["activity_level"] == "low" and row["rank_position"] == 1
    # one query per metric for the one seller-day, plus the sellers of the tenant
    assert run.queries == 16


def test_compare_rows_reports_a_differing_value_and_a_missing_row() -> None:
    base = {"tenant_id": 1, "seller_id": SELLER, "period": DAY, "replies": 3, "avg_response_time_minutes": 7.5,
            "productivity_score": 4.25}
    other_day = dict(base, period=DAY + timedelta(days=1))
    left = keyed([base, other_day])
    right = keyed([dict(base, replies=2, avg_response_time_minutes=7.5 + 1e-9, productivity_score=4.26)])

    result = compare_rows("dagster", left, "bare_sql", right)

    assert result["equal"] is False
    assert result["rows_compared"] == 2
    assert result["missing_in_bare_sql"] == 1
    # 1e-9 minutes and one hundredth of a score (rounding on each side) are not differences
    assert result["columns_differing"] == ["replies"]
    assert result["examples"][0] == {"tenant_id": 1, "seller_id": SELLER, "period": "2026-03-10",
                                     "column": "replies", "dagster": 3, "bare_sql": 2}
