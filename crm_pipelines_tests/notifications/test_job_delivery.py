"""`notification_checks_job` end to end with a real Socket.IO server and real clients: each new
notification is written once, pushed once on the Redis queue and received once, in its
recipient's room only (no seller sees another seller's or another tenant's), followed by one
`notification_count_update` per recipient; a second run sends nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from crm_pipelines.notifications.jobs import build_notification_checks_job
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.socketio_server import RecordingClient

EVENT = "new_notification"
COUNT_EVENT = "notification_count_update"


@pytest.fixture
def two_tenants(db):
    """Tenant 1: Ana (an unanswered conversation, a hot lead), Bruno (a due follow-up), Ana slow
    today (alert to her and to Marta, the manager). Tenant 2: Zoe (an unanswered conversation).
    Quiet conversations everywhere else."""
    now = datetime.now(timezone.utc)
    t1, t2 = crm.tenant(db, "Acme"), crm.tenant(db, "Globex")
    ana, bruno, carla = crm.seller(db, t1, "Ana"), crm.seller(db, t1, "Bruno"), crm.seller(db, t1, "Carla")
    zoe = crm.seller(db, t2, "Zoe")
    marta = crm.seller(db, t1, "Marta", role="manager")
    c1 = crm.conversation(db, t1, ana, "Cliente Uno", now - timedelta(hours=3))
    crm.lead(db, t1, ana, c1, "new", probability=0.9)
    crm.lead(db, t1, bruno, None, "negotiation", next_follow_up=now - timedelta(minutes=30))
    crm.conversation(db, t1, carla, "Quiet", now - timedelta(minutes=5))
    crm.conversation(db, t2, zoe, "Cliente Dos", now - timedelta(hours=2))
    crm.seller_metrics_row(db, t1, ana, now.date(), conversations_unanswered=9, avg_response_time_minutes=5)
    return {"t1": t1, "t2": t2, "ana": ana, "bruno": bruno, "carla": carla, "zoe": zoe, "marta": marta}


def test_each_notification_reaches_its_room_only_once(
    db, settings, resources, socketio_server, redis_client, two_tenants
):
    p = two_tenants
    rooms = {
        "ana": f"notifications:{p['ana']}",
        "bruno": f"notifications:{p['bruno']}",
        "carla": f"notifications:{p['carla']}",
        "zoe": f"notifications:{p['zoe']}",
        "marta": f"notifications:{p['marta']}",
    }
    clients = {name: RecordingClient(socketio_server.url, rooms=[room]) for name, room in rooms.items()}
    try:
        job = build_notification_checks_job(settings)
        result = job.execute_in_process(resources=resources)
        assert result.success

        rows = crm.notifications(db)
        assert len(rows) == 6
        by_room = {
            name: sorted(i for i, r in rows.items() if _room(r) == room) for name, room in rooms.items()
        }
        assert [len(by_room[n]) for n in ("ana", "bruno", "carla", "zoe", "marta")] == [3, 1, 0, 1, 1]
        for name in ("ana", "bruno", "zoe", "marta"):
            got = clients[name].wait_for(EVENT, count=len(by_room[name]))
            assert sorted(e["id"] for e in got) == by_room[name], name
        clients["marta"].wait_for(EVENT, count=99, timeout=1.0)  # let any stray event arrive
        for name, client in clients.items():
            assert sorted(e["id"] for e in client.received(EVENT)) == by_room[name], name
        # one bell update per recipient, after their notifications, counted from the table
        for name, total in (("ana", 3), ("bruno", 1), ("zoe", 1), ("marta", 1)):
            counts = clients[name].wait_for(COUNT_EVENT, count=1)
            assert counts == [{"total": total, "critical": 0, "high": total, "medium": 0, "low": 0}], name
        assert clients["carla"].received(COUNT_EVENT) == []

        payload = clients["bruno"].received(EVENT)[0]
        assert set(payload) == {
            "id",
            "type",
            "title",
            "message",
            "priority",
            "created_at",
            "related_entity_type",
            "related_entity_id",
        }
        assert payload["type"] == "followup" and payload["related_entity_type"] == "lead"

        queue = [json.loads(x) for x in redis_client.lrange(settings.redis_notification_queue, 0, -1)]
        assert sorted(q["id"] for q in queue) == sorted(rows)
        assert {q["id"]: q["room"] for q in queue} == {i: _room(r) for i, r in rows.items()}

        second = job.execute_in_process(resources=resources)
        assert second.success
        clients["ana"].wait_for(EVENT, count=99, timeout=1.0)
        assert sum(len(c.received(EVENT)) for c in clients.values()) == 6
        assert sum(len(c.received(COUNT_EVENT)) for c in clients.values()) == 4
        assert redis_client.llen(settings.redis_notification_queue) == 6
        assert len(crm.notifications(db)) == 6
        assert second.output_for_node("check_unanswered") == 0
    finally:
        for client in clients.values():
            client.close()


def _room(row) -> str:
    return f"notifications:{row['recipient_id']}"
