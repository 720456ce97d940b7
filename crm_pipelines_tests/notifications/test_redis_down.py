"""With Redis down (REDIS_URL pointing at a closed port) the check still writes its notifications
and the run succeeds with a warning; with Redis back, PostgreSQL still holds every row and the next
run sends what the first could not (the outbox), once, creating nothing twice."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.notifications.jobs import build_notification_checks_job
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.support import crm_factory as crm
from crm_pipelines_tests.support.socketio_server import free_port


def test_redis_down_keeps_postgres_as_the_record(db, settings, resources, redis_client):
    now = datetime.now(timezone.utc)
    tenant_id = crm.tenant(db, "Acme")
    ana = crm.seller(db, tenant_id, "Ana")
    conv = crm.conversation(db, tenant_id, ana, "Cliente", now - timedelta(hours=2))
    crm.lead(db, tenant_id, ana, conv, "new", probability=0.99)

    dead_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    down = dataclasses.replace(settings, redis_url=dead_url)
    down_resources = {
        **resources,
        "redis": RedisResource(url=dead_url, notification_queue=settings.redis_notification_queue),
        "socketio": SocketIOResource(redis_url=dead_url, channel=settings.socketio_channel),
    }
    instance = dg.DagsterInstance.ephemeral()
    result = build_notification_checks_job(down).execute_in_process(
        resources=down_resources, instance=instance
    )

    assert result.success
    ids = crm.notification_ids(db)
    assert len(ids) == 2
    metadata = {e.step_key: e for e in result.all_events if e.is_successful_output}
    out = metadata["send_notifications"].event_specific_data.metadata
    assert (
        out["created_this_run"].value,
        out["queued"].value,
        out["socketio_emitted"].value,
        out["not_sent"].value,
    ) == (2, 0, 0, 2)
    warnings = [r.user_message for r in instance.all_logs(result.run_id) if r.level == logging.WARNING]
    assert any("2 notifications were not sent" in w and "the next check sends them" in w
               for w in warnings), warnings

    # Redis is back: nothing lost in PostgreSQL, nothing created twice, the two sent now, once.
    again = build_notification_checks_job(settings).execute_in_process(resources=resources)
    assert again.success
    assert crm.notification_ids(db) == ids
    queued = [json.loads(x)["id"] for x in redis_client.lrange(settings.redis_notification_queue, 0, -1)]
    assert sorted(queued) == ids
    sent = {e.step_key: e for e in again.all_events if e.is_successful_output}["send_notifications"]
    assert sent.event_specific_data.metadata["created_this_run"].value == 0
    assert sent.event_specific_data.metadata["sent"].value == 2
    third = build_notification_checks_job(settings).execute_in_process(resources=resources)
    assert third.success and redis_client.llen(settings.redis_notification_queue) == 2
