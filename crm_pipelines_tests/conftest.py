"""Shared fixtures: a fresh PostgreSQL database per test session on the machine's real server,
a private Redis database, real Socket.IO / SMTP / HTTP servers on loopback.

TEST_POSTGRES_ADMIN_DSN (default postgresql://postgres@127.0.0.1:5432/postgres) and
TEST_REDIS_URL (default redis://127.0.0.1:6379) point the tests at other servers. Sessions
running side by side get their own database and Redis db number, so they never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis as redis_lib
import sqlalchemy as sa

from crm_pipelines.db.migrate import migrate
from crm_pipelines.resources.build import build_resources
from crm_pipelines.resources.postgres import create_crm_engine, dispose_engine
from crm_pipelines.settings import Settings, load_settings
from crm_pipelines_tests.support.http_server import WebhookTestServer
from crm_pipelines_tests.support.smtp_server import SMTPTestServer
from crm_pipelines_tests.support.socketio_server import SocketIOTestServer

ADMIN_DSN = os.environ.get("TEST_POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")

# The CRM's tables (public) and ours (crm_pipelines), as the default search_path resolves them.
CRM_TABLES = ["messages", "leads", "conversations", "sellers", "tenants",
              "seller_metrics", "notifications", "daily_reports", "notified_situations", "notification_outbox"]


def _admin_engine() -> sa.Engine:
    return sa.create_engine(ADMIN_DSN, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def create_database(prefix: str = "crm_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


def drop_database(dsn: str) -> None:
    dispose_engine(dsn)
    name = dsn.rsplit("/", 1)[1]
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_defs_state_storage() -> Iterator[None]:
    """Each test starts with no "current" Dagster defs-state storage.

    `with instance:` (and a sensor or schedule context that opens an instance from a ref and is
    never closed) sets a context variable to that instance's storage. Once the instance is gone,
    the next `materialize` in the same thread fails with "Attempted to resolve undefined
    DagsterInstance weakref", so a test's result would depend on which tests ran before it.
    """
    from dagster._core.storage.defs_state.base import set_defs_state_storage

    with set_defs_state_storage(None):
        yield


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A fresh database with the schema applied, dropped at the end of the session."""
    dsn = create_database()
    engine = create_crm_engine(dsn, poolclass=sa.pool.NullPool)
    migrate(engine)
    engine.dispose()
    yield dsn
    drop_database(dsn)


@pytest.fixture
def db(pg_dsn: str) -> Iterator[sa.Engine]:
    """The session's database, emptied before each test; connections see our schema, then the CRM's."""
    engine = create_crm_engine(pg_dsn, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(CRM_TABLES)} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis db number (1..15) that no other test session holds, flushed before use."""
    base = redis_lib.Redis.from_url(REDIS_BASE + "/0")
    token = uuid.uuid4().hex
    for number in range(1, 16):
        if base.set(f"crm_test_lock:{number}", token, nx=True, ex=3600):
            break
    else:
        pytest.fail("all Redis db numbers 1..15 are held by other test sessions")
    url = f"{REDIS_BASE}/{number}"
    redis_lib.Redis.from_url(url).flushdb()
    yield url
    redis_lib.Redis.from_url(url).flushdb()
    if base.get(f"crm_test_lock:{number}") == token.encode():
        base.delete(f"crm_test_lock:{number}")


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis_lib.Redis]:
    client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def socketio_channel() -> str:
    return f"socketio_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def settings(pg_dsn: str, redis_url: str, socketio_channel: str, tmp_path) -> Settings:
    """Default settings pointed at the test database, Redis db and Socket.IO channel."""
    return load_settings({
        "POSTGRES_DSN": pg_dsn,
        "REDIS_URL": redis_url,
        "SOCKETIO_CHANNEL": socketio_channel,
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    })


@pytest.fixture
def resources(settings: Settings) -> dict:
    """The code location's resources for `settings`, from its own builder, for `materialize` /
    `execute_in_process`."""
    return build_resources(settings)


@pytest.fixture
def socketio_server(redis_url: str, socketio_channel: str) -> Iterator[SocketIOTestServer]:
    server = SocketIOTestServer(redis_url, socketio_channel).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SMTPTestServer]:
    server = SMTPTestServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook_server() -> Iterator[WebhookTestServer]:
    server = WebhookTestServer().start()
    yield server
    server.stop()
