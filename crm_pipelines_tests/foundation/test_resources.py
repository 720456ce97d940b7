"""Resources against the real PostgreSQL and Redis: pooled connections, best-effort Redis and
Socket.IO (quiet when unset, warning and False when down), and no password in any log line."""

import logging

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.resources.build import build_postgres
from crm_pipelines.resources.postgres import PostgresResource, engine_for
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.support.socketio_server import RecordingClient

CLOSED_PORT_URL = "redis://:s3cr3tpass@127.0.0.1:1/0"


def test_postgres_connections_share_one_pool_and_roll_back_on_error(pg_dsn, db):
    pg = PostgresResource(dsn=pg_dsn)
    assert pg.engine is engine_for(pg_dsn)
    with pg.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Uno')"))
    try:
        with pg.begin() as conn:
            conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Dos')"))
            raise RuntimeError("step failed half-way")
    except RuntimeError:
        pass
    assert pg.fetch_all("SELECT name FROM tenants ORDER BY id") == [("Uno",)]


def test_one_resource_torn_down_leaves_the_shared_engine_to_the_others(settings, db):
    """Two users of the process's engine at once (two steps, a step and a sensor tick): the one
    that finishes first is torn down; the other keeps the same engine and its pooled connection."""
    backend_pid = sa.text("SELECT pg_backend_pid()")
    with dg.build_resources({"postgres": build_postgres(settings)}) as still_running:
        engine = still_running.postgres.engine
        with still_running.postgres.connect() as conn:
            pooled_pid = conn.execute(backend_pid).scalar()
        with dg.build_resources({"postgres": build_postgres(settings)}) as finishing:
            assert finishing.postgres.engine is engine
            with finishing.postgres.begin() as conn:
                conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Uno')"))
        # `finishing` has been torn down here
        assert still_running.postgres.engine is engine is engine_for(settings.postgres_dsn)
        with still_running.postgres.connect() as conn:
            assert conn.execute(backend_pid).scalar() == pooled_pid  # the pool was not closed under it
        assert still_running.postgres.fetch_all("SELECT name FROM tenants") == [("Uno",)]


def test_safe_dsn_masks_the_password():
    pg = PostgresResource(dsn="postgresql://crm:hunter2@db.internal:5432/crm")
    assert pg.safe_dsn == "postgresql://crm:***@db.internal:5432/crm"


def test_redis_unset_is_a_quiet_no_op(caplog):
    caplog.set_level(logging.INFO)
    r = RedisResource(url=None)
    assert r.set_json_many({"crm:metrics:1:team": {"x": 1}}) is False
    assert r.push_json_many([{"id": "n1"}]) is False
    assert list(r.scan_keys("crm:*")) == []
    s = SocketIOResource(redis_url=None)
    assert s.emit("new_notification", {"id": "n1"}, room="notifications:managers:1") is False
    assert not [rec for rec in caplog.records if rec.levelno >= logging.WARNING]


def test_redis_cache_and_queue_round_trip(redis_url, redis_client):
    r = RedisResource(url=redis_url, cache_ttl_minutes=5, notification_queue="notifications")
    assert r.set_json_many({"crm:metrics:1:team": {"sellers": 3, "período": "2025-03-01"}})
    assert redis_client.get("crm:metrics:1:team") == '{"sellers":3,"período":"2025-03-01"}'
    assert 290 < redis_client.ttl("crm:metrics:1:team") <= 300
    assert r.push_json_many([{"id": "a"}, {"id": "b"}])
    assert redis_client.lrange("notifications", 0, -1) == ['{"id":"a"}', '{"id":"b"}']
    assert r.delete_keys(["crm:metrics:1:team"]) == 1


def test_redis_down_returns_false_with_a_warning_and_no_password(caplog):
    caplog.set_level(logging.INFO)
    r = RedisResource(url=CLOSED_PORT_URL, socket_timeout_seconds=0.5)
    assert r.set_json_many({"k": 1}) is False
    assert r.push_json_many([{"id": "x"}]) is False
    s = SocketIOResource(redis_url=CLOSED_PORT_URL)
    assert s.emit("metrics_updated", {"tenant_id": 1}, room="metrics:1") is False
    warnings = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.WARNING]
    assert any("cache refresh skipped" in w for w in warnings)
    assert all("s3cr3tpass" not in rec.getMessage() for rec in caplog.records)


def test_socketio_event_reaches_only_its_room(redis_url, socketio_channel, socketio_server):
    in_room = RecordingClient(socketio_server.url, rooms=["metrics:1"])
    other = RecordingClient(socketio_server.url, rooms=["metrics:2"])
    try:
        s = SocketIOResource(redis_url=redis_url, channel=socketio_channel)
        assert s.emit("metrics_updated", {"tenant_id": 1, "period": "2025-03-01", "sellers": []}, room="metrics:1")
        got = in_room.wait_for("metrics_updated")
        assert got == [{"tenant_id": 1, "period": "2025-03-01", "sellers": []}]
        other.wait_for("metrics_updated", timeout=1.0)
        assert other.received("metrics_updated") == []
    finally:
        in_room.close()
        other.close()
