"""Metrics that are a state at the day's cut-off C (SPEC section 2) on hand-built data:
conversation totals, unanswered conversations, hot leads, due follow-ups, leads and the 30-day
conversion rate; today's cut-off is `now`; a non-UTC CRM_TIMEZONE moves the day boundary."""

import dataclasses
from datetime import datetime, timezone

import pytest

from crm_pipelines_tests.seller_metrics.metrics_rows import compute, day
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

A, B = seller_uuid(1), seller_uuid(2)


@pytest.fixture
def world(db):
    w = CRMWorld(db)
    w.tenant("Autos")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    w.seller(1, 3, "Ciro", active=False)  # has left: no rows
    return w


def test_conversation_counts_and_unanswered_at_each_cut_off(world, db, settings):
    old = world.conversation(1, A, "2025-03-01 10:00")           # before the window
    world.message(old, "customer", "2025-03-10 20:00")           # 4 h old at 03-11 00:00
    world.message(old, "seller", "2025-03-11 09:00", A)          # answered on 03-11
    late = world.conversation(1, A, "2025-03-10 23:00")
    world.message(late, "customer", "2025-03-10 23:30")          # only 30 min old at midnight
    closed = world.conversation(1, A, "2025-03-10 08:00", status="closed")
    world.message(closed, "customer", "2025-03-10 08:00")        # closed: never unanswered
    world.conversation(1, A, "2025-03-11 12:00")                 # new on 03-11, no messages
    world.conversation(1, seller_uuid(3), "2025-03-10 12:00")    # Ciro's (inactive): no row for him

    rows = compute(db, settings, "2025-03-10", "2025-03-12")
    assert {seller for (seller, _) in rows} == {A, B}
    d10, d11, d12 = (rows[(A, day(d))] for d in ("2025-03-10", "2025-03-11", "2025-03-12"))

    # totals: created before each cut-off (old, late, closed by 03-10; + the 03-11 one)
    assert (d10["conversations_total"], d11["conversations_total"], d12["conversations_total"]) == (3, 4, 4)
    assert (d10["conversations_new"], d11["conversations_new"], d12["conversations_new"]) == (2, 1, 0)
    # active = with a message that day: old, late, closed on 03-10; old on 03-11; none on 03-12
    assert (d10["conversations_active"], d11["conversations_active"], d12["conversations_active"]) == (3, 1, 0)
    # unanswered at 03-11 00:00: old (customer, 4 h) only; late is 30 min old, closed is closed.
    # At 03-12 00:00: old was answered, late's 23:30 message is now 24.5 h old.
    # At 03-13 00:00: late still waits.
    assert (d10["conversations_unanswered"], d11["conversations_unanswered"],
            d12["conversations_unanswered"]) == (1, 1, 1)
    assert rows[(B, day("2025-03-11"))]["conversations_total"] == 0


def test_today_is_cut_at_now(world, db, settings):
    c = world.conversation(1, A, "2025-03-12 08:00")
    world.message(c, "customer", "2025-03-12 08:00")
    world.message(c, "seller", "2025-03-12 08:20", A)   # reply before now: 20 min
    world.message(c, "customer", "2025-03-12 09:00")    # 1.5 h before now: unanswered at now
    world.message(c, "seller", "2025-03-12 11:00", A)   # after now (CRM clock ahead): not seen
    world.conversation(1, A, "2025-03-12 10:45")         # created after now: not counted
    world.lead(1, A, "2025-03-12 10:40")                 # created after now: not counted
    now = datetime(2025, 3, 12, 10, 30, tzinfo=timezone.utc)

    rows = compute(db, settings, "2025-03-12", "2025-03-13", now=now)
    assert set(d for (_, d) in rows) == {day("2025-03-12")}  # tomorrow has not begun: no rows
    row = rows[(A, day("2025-03-12"))]
    assert (row["replies"], row["messages_sent"], row["messages_received"]) == (1, 1, 2)
    assert row["avg_response_time_minutes"] == pytest.approx(20)
    assert (row["conversations_total"], row["conversations_new"]) == (1, 1)
    assert row["conversations_unanswered"] == 1
    assert row["leads_generated"] == 0
    assert row["total_chat_time_minutes"] == pytest.approx(60)  # 08:00 .. 09:00 (11:00 is after now)


def test_hot_leads_follow_ups_and_the_30_day_conversion_rate(world, db, settings):
    # hot: probability > 0.8, new/contacted, last contact null or more than 2 h before C
    world.lead(1, A, "2025-03-10 09:00", "new", 0.9, last_contact="2025-03-10 20:00")        # hot from 03-10
    world.lead(1, A, "2025-03-10 09:00", "contacted", 0.85, last_contact="2025-03-10 23:00")  # idle 1 h at 03-11 00:00: hot from 03-11
    world.lead(1, A, "2025-03-10 09:00", "new", 0.5)                                           # not hot: probability
    world.lead(1, A, "2025-03-10 09:00", "interested", 0.95,                                   # not hot: status;
               next_follow_up="2025-03-10 15:00")                                              # follow-up due from 03-10
    world.lead(1, A, "2025-03-01 09:00", "negotiation", 0.7, next_follow_up="2025-03-11 09:00")  # due from 03-11
    world.lead(1, A, "2025-03-01 09:00", "closed_won", 1.0, next_follow_up="2025-03-09 09:00",
               converted="2025-03-10 16:00")                                                   # converted 03-10, never "due"
    world.lead(1, A, "2025-03-01 10:00", "closed_lost", 0.0)

    rows = compute(db, settings, "2025-03-10", "2025-03-31")
    d10, d11, d31 = (rows[(A, day(d))] for d in ("2025-03-10", "2025-03-11", "2025-03-31"))
    assert (d10["hot_leads_open"], d11["hot_leads_open"]) == (1, 2)
    assert (d10["follow_ups_due"], d11["follow_ups_due"]) == (1, 2)
    # leads: 4 created on 03-10, 3 on 03-01; 1 converted on 03-10
    assert (d10["leads_generated"], d10["leads_converted"]) == (4, 1)
    # 30 days ending 03-10 (02-09 .. 03-10): 1 converted / 7 generated
    assert d10["conversion_rate"] == pytest.approx(1 / 7)
    # 30 days ending 03-31 (03-02 .. 03-31): the 03-01 leads dropped out: 1 / 4
    assert d31["conversion_rate"] == pytest.approx(0.25)
    assert d31["leads_generated"] == 0 and d31["leads_converted"] == 0
    assert rows[(B, day("2025-03-10"))]["conversion_rate"] is None  # no leads: null, not 0


def test_a_non_utc_timezone_moves_the_day_boundary(db, settings):
    bogota = dataclasses.replace(settings, crm_timezone="America/Bogota")  # UTC-5, no DST
    w = CRMWorld(db, timezone="America/Bogota")
    w.tenant("Seguros")
    w.seller(1, 1, "Ana")
    c = w.conversation(1, A, "2025-03-10 22:00")             # 03-11 03:00 UTC, local 03-10
    w.message(c, "customer", "2025-03-10 23:50")             # 03-11 04:50 UTC
    w.message(c, "seller", "2025-03-11 00:10", A)            # 03-11 05:10 UTC: reply of local 03-11, 20 min
    w.message(c, "customer", "2025-03-11 18:30")             # 23:30 UTC, still local 03-11

    rows = compute(db, bogota, "2025-03-10", "2025-03-11")
    d10, d11 = rows[(A, day("2025-03-10"))], rows[(A, day("2025-03-11"))]
    # In UTC every message would be on 03-11; in Bogota the first one is on 03-10.
    assert (d10["messages_received"], d10["replies"], d10["conversations_new"]) == (1, 0, 1)
    assert (d11["messages_received"], d11["replies"], d11["conversations_new"]) == (1, 1, 0)
    assert d11["avg_response_time_minutes"] == pytest.approx(20)
    # at the end of local 03-11 (03-12 05:00 UTC) the 18:30 message is 5.5 h old: unanswered
    assert d11["conversations_unanswered"] == 1

    utc_rows = compute(db, settings, "2025-03-10", "2025-03-11")
    assert utc_rows[(A, day("2025-03-10"))]["messages_received"] == 0
    assert utc_rows[(A, day("2025-03-11"))]["messages_received"] == 2


def test_a_daylight_saving_day_has_23_hours(db, settings):
    new_york = dataclasses.replace(settings, crm_timezone="America/New_York")  # clocks jump 02:00 -> 03:00 on 2025-03-09
    w = CRMWorld(db, timezone="America/New_York")
    w.tenant("Academia")
    w.seller(1, 1, "Ana")
    c = w.conversation(1, A, "2025-03-09 00:00")
    w.message(c, "customer", "2025-03-09 00:30")         # 05:30 UTC (EST, UTC-5)
    w.message(c, "seller", "2025-03-09 23:30", A)        # 03:30 UTC on 03-10 (EDT, UTC-4): still local 03-09
    w.message(c, "customer", "2025-03-10 00:15")         # local 03-10

    rows = compute(db, new_york, "2025-03-09", "2025-03-10")
    d9, d10 = rows[(A, day("2025-03-09"))], rows[(A, day("2025-03-10"))]
    # 00:30 -> 23:30 on the clock, but the day lost an hour: 22 h = 1320 min
    assert d9["total_chat_time_minutes"] == pytest.approx(1320)
    assert d9["avg_response_time_minutes"] == pytest.approx(1320)
    assert (d9["messages_received"], d9["replies"], d10["messages_received"]) == (1, 1, 1)


def test_an_empty_day_gives_every_active_seller_a_row_of_zeros_and_nulls(world, db, settings):
    rows = compute(db, settings, "2025-03-10")
    assert set(rows) == {(A, day("2025-03-10")), (B, day("2025-03-10"))}  # Ciro (inactive) has none
    for row in rows.values():
        assert all(row[name] == 0 for name in (
            "conversations_total", "conversations_active", "conversations_new", "conversations_unanswered",
            "messages_sent", "messages_received", "replies", "total_chat_time_minutes", "leads_generated",
            "leads_converted", "hot_leads_open", "follow_ups_due", "productivity_score"))
        assert all(row[name] is None for name in (
            "avg_response_time_minutes", "median_response_time_minutes", "p90_response_time_minutes",
            "first_response_time_minutes", "engagement_rate", "conversion_rate", "rank_position"))
        assert row["activity_level"] == "inactive"


def test_a_waiting_customer_stays_unanswered_through_a_day_of_bot_lines_only(world, db, settings):
    # waiting since 03-09 10:00; on 03-10 only the bot writes: still the customer's turn
    waiting = world.conversation(1, A, "2025-03-09 09:00")
    world.message(waiting, "customer", "2025-03-09 10:00")
    world.message(waiting, "bot", "2025-03-10 09:00")
    world.message(waiting, "system", "2025-03-10 09:05")
    # the same without the bot lines, for B: never touched on 03-10
    quiet = world.conversation(1, B, "2025-03-09 09:00")
    world.message(quiet, "customer", "2025-03-09 10:00")

    for first in ("2025-03-10", "2025-03-09"):  # a one-day window, and one whose history is inside
        rows = compute(db, settings, first, "2025-03-10")
        a, b = rows[(A, day("2025-03-10"))], rows[(B, day("2025-03-10"))]
        assert (a["conversations_unanswered"], b["conversations_unanswered"]) == (1, 1)
        # active on the day (the bot wrote), but nothing received, sent or answered
        assert (a["conversations_active"], a["messages_received"], a["messages_sent"], a["replies"]) == (1, 0, 0, 0)
        assert a["engagement_rate"] == 0 and b["conversations_active"] == 0
