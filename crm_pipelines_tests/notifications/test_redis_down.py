"""With Redis down (REDIS_URL pointing at a closed port) the check still writes its notifications
and the run succeeds with a warning; with Redis back, PostgreSQL still holds every row and a new
run neither duplicates nor loses anything."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta, timezone

import dagster as dg

from crm_pipelines.notifications.jobs import build_notification_checks_job
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.notifications import crm_data as crm
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
    out = metadata["check_unanswered"].event_specific_data.metadata
    assert (
        out["created"].value,
        out["queued"].value,
        out["socketio_emitted"].value,
        out["not_sent"].value,
    ) == (1, 0, 0, 1)
    warnings = [r.user_message for r in instance.all_logs(result.run_id) if r.level == logging.WARNING]
    assert any("1 of 1 new `unanswered` notifications were not sent" in w for w in warnings), warnings

    # Redis is back: nothing lost in PostgreSQL, nothing created twice.
    again = build_notification_checks_job(settings).execute_in_process(resources=resources)
    assert again.success
    assert crm.notification_ids(db) == ids
    assert redis_client.llen(settings.redis_notification_queue) == 0
