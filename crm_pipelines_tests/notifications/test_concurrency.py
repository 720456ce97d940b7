"""Four checks started at the same moment on the same data (threads, each with its own database
connection and its own Redis / Socket.IO clients, released together by a barrier) leave exactly
one row per situation and send exactly one event and one queue entry per row."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from crm_pipelines.notifications.jobs import check_and_send
from crm_pipelines.notifications.thresholds import RULES, CheckPlan, Thresholds
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.socketio_server import RecordingClient

WORKERS = 4


def test_four_simultaneous_checks_make_one_row_and_one_event_per_situation(
    db, settings, socketio_server, redis_client
):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana, bruno = crm.seller(db, tenant_id, "Ana"), crm.seller(db, tenant_id, "Bruno")
    for i in range(5):
        conv = crm.conversation(
            db, tenant_id, ana if i % 2 else bruno, f"Cliente {i}", now - timedelta(hours=2 + i)
        )
        crm.lead(
            db,
            tenant_id,
            bruno,
            conv,
            "contacted",
            probability=0.9,
            last_contact_time=now - timedelta(hours=5),
        )
        crm.lead(db, tenant_id, ana, conv, "interested", next_follow_up=now - timedelta(minutes=i + 1))
    crm.seller_metrics_row(db, tenant_id, ana, now.date(),
                           conversations_unanswered=8, avg_response_time_minutes=45)
    expected = 5 + 5 + 5 + 1

    plan = CheckPlan(rules=RULES, thresholds=Thresholds.from_settings(settings), as_of=now)
    barrier = threading.Barrier(WORKERS)
    created_by_worker: list[int] = [0] * WORKERS
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        postgres = PostgresResource(dsn=settings.postgres_dsn)
        redis = RedisResource(url=settings.redis_url, notification_queue=settings.redis_notification_queue)
        socketio = SocketIOResource(redis_url=settings.redis_url, channel=settings.socketio_channel)
        try:
            with postgres.connect() as conn:  # open this thread's connection before the start line
                conn.exec_driver_sql("SELECT 1")
            barrier.wait(timeout=30)
            for rule in RULES:
                created, _ = check_and_send(rule, plan, postgres, redis, socketio, settings)
                created_by_worker[index] += len(created)
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    rooms = [f"notifications:{ana}", f"notifications:{bruno}", f"notifications:managers:{tenant_id}"]
    client = RecordingClient(socketio_server.url, rooms=rooms)
    try:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []

        assert len(crm.notification_ids(db)) == expected
        assert sum(created_by_worker) == expected
        events = client.wait_for("new_notification", count=expected)
        client.wait_for("new_notification", count=expected + 1, timeout=1.0)  # any duplicate would arrive now
        events = client.received("new_notification")
        assert sorted(e["id"] for e in events) == crm.notification_ids(db)
        assert redis_client.llen(settings.redis_notification_queue) == expected
    finally:
        client.close()
