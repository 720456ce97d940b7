"""After a materialization: the Redis cache keys hold the latest day's values, a real Socket.IO
client in `metrics:{tenant}` receives `metrics_updated` and one in another tenant's room gets
only its own tenant's; with Redis unreachable the run still succeeds with its rows written and
says in its metadata that the cache was not refreshed."""

import dataclasses
import json

import pytest
import sqlalchemy as sa

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines_tests.seller_metrics.dagster_runs import materialization_metadata, materialize
from crm_pipelines_tests.support.crm_factory import CRMWorld, seller_uuid
from crm_pipelines_tests.support.socketio_server import RecordingClient

ANA, BETO, ZOE = seller_uuid(1), seller_uuid(2), seller_uuid(3)


@pytest.fixture
def two_tenants(db):
    w = CRMWorld(db)
    w.tenant("Inmobiliaria")
    w.tenant("Seguros")
    w.seller(1, 1, "Ana")
    w.seller(1, 2, "Beto")
    w.seller(2, 3, "Zoe")
    c = w.conversation(1, ANA, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")
    w.message(c, "seller", "2025-03-10 09:12", ANA)   # 12 min
    c = w.conversation(1, BETO, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")
    w.message(c, "seller", "2025-03-10 09:30", BETO)  # 30 min
    c = w.conversation(2, ZOE, "2025-03-10 09:00")
    w.message(c, "customer", "2025-03-10 09:00")
    return w


def test_cache_keys_hold_the_days_values(two_tenants, settings, resources, redis_client):
    result = materialize(settings, resources, partition="2025-03-10", with_checks=False)
    meta = materialization_metadata(result)
    assert meta["cache_refreshed"] is True
    # what the operator sees on the materialization
    assert meta["rows_per_tenant"] == {"1": 2, "2": 1}
    assert meta["sellers_active"] == 2  # Ana and Beto wrote; Zoe did not
    assert meta["top_sellers"].startswith("Top sellers on 2025-03-10")
    assert meta["top_sellers"].index("Ana") < meta["top_sellers"].index("Beto")  # 12 min beats 30 min
    assert meta["sql_seconds"] <= meta["total_seconds"]

    ana = json.loads(redis_client.get(f"crm:metrics:1:{ANA}"))
    assert (ana["period"], ana["seller_id"], ana["tenant_id"]) == ("2025-03-10", str(ANA), 1)
    assert (ana["replies"], ana["avg_response_time_minutes"], ana["rank_position"]) == (1, 12.0, 1)
    team = json.loads(redis_client.get("crm:metrics:1:team"))
    # the team of tenant 1: 2 sellers, 2 replies, response time weighted by replies (12 + 30) / 2
    assert (team["sellers"], team["sellers_active"], team["replies"]) == (2, 2, 2)
    assert team["avg_response_time_minutes"] == 21.0
    assert [p["name"] for p in team["top_performers"]] == ["Ana", "Beto"]
    assert json.loads(redis_client.get("crm:metrics:2:team"))["replies"] == 0
    assert 0 < redis_client.ttl("crm:metrics:1:team") <= settings.redis_cache_ttl_minutes * 60


def test_metrics_updated_reaches_only_the_tenants_room(two_tenants, settings, resources, socketio_server):
    tenant1 = RecordingClient(socketio_server.url, rooms=["metrics:1"])
    tenant2 = RecordingClient(socketio_server.url, rooms=["metrics:2"])
    try:
        materialize(settings, resources, partition="2025-03-10", with_checks=False)
        [event] = tenant1.wait_for("metrics_updated", 1)
        assert (event["tenant_id"], event["period"]) == (1, "2025-03-10")
        by_seller = {s["seller_id"]: s for s in event["sellers"]}
        assert set(by_seller) == {str(ANA), str(BETO)}
        assert by_seller[str(BETO)]["avg_response_time_minutes"] == 30.0
        # tenant 2's client hears about tenant 2 only
        events = tenant2.wait_for("metrics_updated", 1)
        assert [e["tenant_id"] for e in events] == [2]
        assert [s["seller_id"] for s in events[0]["sellers"]] == [str(ZOE)]
    finally:
        tenant1.close()
        tenant2.close()


def test_a_backfill_publishes_only_its_latest_day(two_tenants, settings, resources, redis_client):
    result = materialize(settings, resources, first="2025-03-08", last="2025-03-10", with_checks=False)
    assert materialization_metadata(result)["metrics_updated_events"] == 2  # one per tenant, not per day
    assert json.loads(redis_client.get(f"crm:metrics:1:{ANA}"))["period"] == "2025-03-10"

    # recomputing an older day leaves the cache on the latest day
    redis_client.flushdb()
    meta = materialization_metadata(materialize(settings, resources, partition="2025-03-09", with_checks=False))
    assert meta["cache_refreshed"] is False and "2025-03-09" in meta["cache_status"]
    assert redis_client.get(f"crm:metrics:1:{ANA}") is None


def test_redis_down_still_writes_the_rows(two_tenants, settings, db):
    down = "redis://127.0.0.1:1/0"
    resources = {
        "postgres": PostgresResource(dsn=settings.postgres_dsn),
        "redis": RedisResource(url=down, socket_timeout_seconds=0.5),
        "socketio": SocketIOResource(redis_url=down, channel=settings.socketio_channel),
    }
    result = materialize(dataclasses.replace(settings, redis_url=down), resources, partition="2025-03-10",
                         with_checks=False)
    assert result.success
    meta = materialization_metadata(result)
    assert meta["cache_refreshed"] is False
    assert "Redis unreachable" in meta["cache_status"]
    assert meta["metrics_updated_events"] == 0 and meta["metrics_updated_failed"] == 2
    with db.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM seller_metrics WHERE period = '2025-03-10'")).scalar() == 3


def test_a_backfill_of_older_days_does_not_re_announce_them(two_tenants, settings, resources, socketio_server):
    """Today's refresh announced 2025-03-10; a backfill ending 2025-03-09, run after
    it, used to send `period: 2025-03-09` to every tenant's dashboard. A later refresh of
    2025-03-10 is the marker: events travel one Redis channel in order, so anything the backfill
    had sent would have arrived before it."""
    dashboard = RecordingClient(socketio_server.url, rooms=["metrics:1", "metrics:2"])
    try:
        materialize(settings, resources, partition="2025-03-10", with_checks=False)
        assert [e["period"] for e in dashboard.wait_for("metrics_updated", 2)] == ["2025-03-10"] * 2

        backfill = materialize(settings, resources, first="2025-03-08", last="2025-03-09", with_checks=False)
        meta = materialization_metadata(backfill)
        assert (meta["metrics_updated_events"], meta["metrics_updated_failed"]) == (0, 0)
        assert meta["metrics_updated_status"] == "not sent: seller_metrics already has a day after 2025-03-09"
        assert meta["rows_written"] == 6  # the backfill's rows are written all the same

        materialize(settings, resources, partition="2025-03-10", with_checks=False)
        events = dashboard.wait_for("metrics_updated", 4)
        assert [(e["tenant_id"], e["period"]) for e in events] == [
            (1, "2025-03-10"), (2, "2025-03-10"), (1, "2025-03-10"), (2, "2025-03-10")]
    finally:
        dashboard.close()
