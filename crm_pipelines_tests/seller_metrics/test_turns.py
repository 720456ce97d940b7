"""The customer-turn rule of SPEC section 2, on hand-built conversations: a turn across midnight
belongs to the day of the reply, several customer messages make one turn, bot and system
messages neither open nor answer a turn, a seller who writes first has no reply, a reassigned
conversation's replies stay with whoever sent them, and a day with no replies has nulls."""

import pytest

from crm_pipelines_tests.seller_metrics.metrics_rows import compute, day
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid

A, B = seller_uuid(1), seller_uuid(2)


@pytest.fixture
def world(db):
    w = CRMWorld(db)
    w.tenant("Inmobiliaria")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    return w


def test_turn_across_midnight_belongs_to_the_day_of_the_reply(world, db, settings):
    c = world.conversation(1, A, "2025-03-10 23:00")
    world.message(c, "customer", "2025-03-10 23:40")  # the turn starts
    world.message(c, "customer", "2025-03-10 23:50")  # same turn
    world.message(c, "seller", "2025-03-11 00:20", A)  # answers it: 00:20 - 23:40 = 40 min

    rows = compute(db, settings, "2025-03-10", "2025-03-11")
    d10, d11 = rows[(A, day("2025-03-10"))], rows[(A, day("2025-03-11"))]

    # 03-10: two customer messages, no reply before midnight; the first reply came after the
    # cut-off, so no first response time either. Chat time 23:50 - 23:40 = 10 min.
    assert (d10["messages_received"], d10["replies"], d10["messages_sent"]) == (2, 0, 0)
    assert d10["avg_response_time_minutes"] is None and d10["first_response_time_minutes"] is None
    assert d10["total_chat_time_minutes"] == pytest.approx(10)
    assert (d10["conversations_active"], d10["conversations_new"], d10["conversations_total"]) == (1, 1, 1)
    assert d10["engagement_rate"] == 0.0  # 0 of 1 active conversations had Ana writing
    # last message 23:50 is only 10 min old at midnight (< 1 h): not unanswered
    assert d10["conversations_unanswered"] == 0

    # 03-11: the reply, 40 minutes after the turn started the evening before
    assert (d11["replies"], d11["messages_sent"], d11["messages_received"]) == (1, 1, 0)
    assert d11["avg_response_time_minutes"] == pytest.approx(40)
    assert d11["median_response_time_minutes"] == pytest.approx(40)
    assert d11["p90_response_time_minutes"] == pytest.approx(40)
    assert d11["first_response_time_minutes"] is None  # the conversation was not created on 03-11
    assert d11["engagement_rate"] == 1.0
    assert d11["total_chat_time_minutes"] == 0  # one message that day: last - first = 0


def test_several_customer_messages_one_reply_and_bot_or_system_lines_ignored(world, db, settings):
    c = world.conversation(1, A, "2025-03-10 09:00")
    world.message(c, "system", "2025-03-10 09:00")       # assignment line: no turn
    world.message(c, "bot", "2025-03-10 09:01")          # greeting: no reply
    world.message(c, "customer", "2025-03-10 09:10")     # turn 1 starts
    world.message(c, "bot", "2025-03-10 09:12")          # a bot "reply" answers nothing
    world.message(c, "customer", "2025-03-10 09:15")     # still turn 1 (the bot is invisible)
    world.message(c, "seller", "2025-03-10 09:30", A)    # reply: 09:30 - 09:10 = 20 min
    world.message(c, "seller", "2025-03-10 09:31", A)    # a second seller line answers nothing
    world.message(c, "customer", "2025-03-10 10:00")     # turn 2 starts
    world.message(c, "customer", "2025-03-10 10:05")
    world.message(c, "seller", "2025-03-10 10:50", A)    # reply: 10:50 - 10:00 = 50 min

    row = compute(db, settings, "2025-03-10")[(A, day("2025-03-10"))]
    assert row["replies"] == 2
    assert row["messages_sent"] == 3
    assert row["messages_received"] == 4
    assert row["avg_response_time_minutes"] == pytest.approx(35)      # (20 + 50) / 2
    assert row["median_response_time_minutes"] == pytest.approx(35)   # halfway between 20 and 50
    assert row["p90_response_time_minutes"] == pytest.approx(47)      # 20 + 0.9 x (50 - 20)
    assert row["first_response_time_minutes"] == pytest.approx(20)    # created today, first answered by Ana
    assert row["total_chat_time_minutes"] == pytest.approx(110)       # 09:00 (system line) .. 10:50
    assert row["engagement_rate"] == 1.0


def test_bot_only_answers_leave_the_turn_open(world, db, settings):
    c = world.conversation(1, A, "2025-03-10 09:00")
    world.message(c, "customer", "2025-03-10 09:00")
    world.message(c, "bot", "2025-03-10 09:00")
    world.message(c, "bot", "2025-03-10 11:00")

    row = compute(db, settings, "2025-03-10")[(A, day("2025-03-10"))]
    assert row["replies"] == 0 and row["avg_response_time_minutes"] is None
    # the customer's 09:00 message is the last customer/seller line, 15 h old at midnight
    assert row["conversations_unanswered"] == 1


def test_a_seller_who_only_writes_first_has_no_reply(world, db, settings):
    c = world.conversation(1, B, "2025-03-10 11:00")
    world.message(c, "seller", "2025-03-10 11:00", B)  # outbound follow-up, no customer turn yet
    world.message(c, "seller", "2025-03-10 11:05", B)

    row = compute(db, settings, "2025-03-10")[(B, day("2025-03-10"))]
    assert (row["messages_sent"], row["replies"], row["messages_received"]) == (2, 0, 0)
    assert row["avg_response_time_minutes"] is None
    assert row["median_response_time_minutes"] is None and row["p90_response_time_minutes"] is None
    assert row["first_response_time_minutes"] is None
    assert row["engagement_rate"] == 1.0
    assert row["conversations_unanswered"] == 0


def test_a_reassigned_conversation_keeps_each_reply_with_its_sender(world, db, settings):
    c = world.conversation(1, A, "2025-03-09 12:00")
    world.message(c, "customer", "2025-03-10 08:50")
    world.message(c, "seller", "2025-03-10 09:00", A)  # Ana answers: 10 min
    world.message(c, "customer", "2025-03-10 10:00")
    world.reassign(c, B)                                 # the CRM hands it to Beto
    world.message(c, "seller", "2025-03-10 10:30", B)  # Beto answers: 30 min

    rows = compute(db, settings, "2025-03-10")
    ana, beto = rows[(A, day("2025-03-10"))], rows[(B, day("2025-03-10"))]
    assert (ana["replies"], ana["avg_response_time_minutes"], ana["messages_sent"]) == (1, pytest.approx(10), 1)
    assert (beto["replies"], beto["avg_response_time_minutes"], beto["messages_sent"]) == (1, pytest.approx(30), 1)
    # the conversation is Beto's now: its activity and customer messages are his
    assert (ana["conversations_active"], ana["messages_received"], ana["conversations_total"]) == (0, 0, 0)
    assert (beto["conversations_active"], beto["messages_received"], beto["conversations_total"]) == (1, 2, 1)
    assert ana["engagement_rate"] is None and beto["engagement_rate"] == 1.0


def test_a_turn_opened_before_the_window_is_answered_inside_it(world, db, settings):
    """Only 03-12 is computed: the turn that started on 03-10 is found by looking back."""
    c = world.conversation(1, A, "2025-03-10 08:00")
    world.message(c, "customer", "2025-03-10 08:00")
    world.message(c, "seller", "2025-03-10 08:05", A)
    world.message(c, "customer", "2025-03-10 22:00")  # open turn from 03-10 22:00
    world.message(c, "customer", "2025-03-11 09:00")  # still the same turn
    world.message(c, "customer", "2025-03-12 07:00")  # still the same turn
    world.message(c, "seller", "2025-03-12 10:00", A)  # 36 h after 03-10 22:00 = 2160 min

    rows = compute(db, settings, "2025-03-12")
    assert set(day for (_, day) in rows) == {day("2025-03-12")}
    row = rows[(A, day("2025-03-12"))]
    assert row["replies"] == 1
    assert row["avg_response_time_minutes"] == pytest.approx(2160)


def test_a_day_with_customer_messages_and_no_replies_has_nulls_not_zeros(world, db, settings):
    c = world.conversation(1, A, "2025-03-10 09:00")
    world.message(c, "customer", "2025-03-10 09:00")
    world.message(c, "customer", "2025-03-10 09:30")

    rows = compute(db, settings, "2025-03-10")
    row = rows[(A, day("2025-03-10"))]
    assert row["replies"] == 0 and row["messages_sent"] == 0
    for name in ("avg_response_time_minutes", "median_response_time_minutes", "p90_response_time_minutes",
                 "first_response_time_minutes", "conversion_rate", "rank_position"):
        assert row[name] is None, name
    assert row["engagement_rate"] == 0.0  # one active conversation, Ana never wrote
    assert row["productivity_score"] == 0.0 and row["activity_level"] == "inactive"
    # Beto had nothing at all that day: still a row, zeros and nulls
    beto = rows[(B, day("2025-03-10"))]
    assert (beto["conversations_active"], beto["messages_received"], beto["engagement_rate"]) == (0, 0, None)
