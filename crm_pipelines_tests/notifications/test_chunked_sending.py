"""New notifications are read back and sent a chunk at a time (a first check on a large backlog
must not hold every row in memory): every one of them is still sent exactly once, in order, and
with Redis down every row stays in PostgreSQL and every chunk is counted as not sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crm_pipelines.notifications import outbox
from crm_pipelines.notifications.jobs import check_and_send
from crm_pipelines.notifications.thresholds import CheckPlan, Thresholds
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.socketio_server import RecordingClient, free_port

CONVERSATIONS = 7  # with chunks of 3: 3 + 3 + 1


@pytest.fixture
def seven_unanswered(db, monkeypatch):
    monkeypatch.setattr(outbox, "SEND_CHUNK", 3)
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    for i in range(CONVERSATIONS):
        crm.conversation(db, tenant_id, ana, f"Cliente {i}", now - timedelta(hours=2, minutes=i))
    return ana, now


def test_every_new_notification_is_sent_once_across_chunks(
    db, settings, resources, socketio_server, redis_client, seven_unanswered
):
    ana, now = seven_unanswered
    plan = CheckPlan(rules=("unanswered",), thresholds=Thresholds.from_settings(settings), as_of=now)
    client = RecordingClient(socketio_server.url, rooms=[f"notifications:{ana}"])
    try:
        created, report = check_and_send(
            "unanswered", plan, resources["postgres"], resources["redis"], resources["socketio"], settings
        )
        assert len(created) == CONVERSATIONS
        assert (report.created, report.queued, report.emitted, report.not_sent) == (7, 7, 7, 0)
        client.wait_for("new_notification", count=CONVERSATIONS)
        client.wait_for("new_notification", count=CONVERSATIONS + 1, timeout=1.0)  # no duplicate
        received = [e["id"] for e in client.received("new_notification")]
    finally:
        client.close()
    assert sorted(received) == sorted(created) == crm.notification_ids(db)
    assert redis_client.llen(settings.redis_notification_queue) == CONVERSATIONS


def test_with_redis_down_every_chunk_counts_as_not_sent_and_the_rows_stay(db, settings, resources, seven_unanswered):
    _, now = seven_unanswered
    dead_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    redis = RedisResource(url=dead_url, notification_queue=settings.redis_notification_queue)
    socketio = SocketIOResource(redis_url=dead_url, channel=settings.socketio_channel)
    plan = CheckPlan(rules=("unanswered",), thresholds=Thresholds.from_settings(settings), as_of=now)

    created, report = check_and_send("unanswered", plan, resources["postgres"], redis, socketio, settings)

    assert len(created) == CONVERSATIONS
    assert (report.created, report.queued, report.emitted, report.not_sent) == (7, 0, 0, 7)
    assert crm.notification_ids(db) == sorted(created)
