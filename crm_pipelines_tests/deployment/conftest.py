"""Fixtures of the deployment tests: the production deployment running as local processes.

`deployment` starts, once per test session, a gRPC code server, `dagster-webserver` and
`dagster-daemon run` on a fresh Dagster storage database and a fresh CRM database (both on the
real PostgreSQL, both dropped at the end), and stops every process group at the end, also when
a test failed. Process logs are kept under test-artifacts/deployment/<time>-<pid>/.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_pipelines.db.migrate import migrate
from crm_pipelines.resources.postgres import create_crm_engine
from crm_pipelines_tests.conftest import create_database, drop_database
from crm_pipelines_tests.deployment.graphql_api import OperatorAPI
from crm_pipelines_tests.deployment.harness import Deployment, artifact_folder, wait_until
from crm_pipelines_tests.support import crm_factory as crm_rows

# The small CRM the deployment runs on, built by hand so that the numbers the tests expect can be
# checked by eye: one tenant, two active sellers and one inactive one, one answered conversation
# on a known day, and (on demand) one conversation whose customer has been waiting.
ANA = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
BRUNO = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
CARLA_INACTIVE = uuid.UUID("00000000-0000-0000-0000-0000000000c3")
ACTIVE_SELLERS = (ANA, BRUNO)


@dataclass(frozen=True)
class SmallCRM:
    tenant_id: int
    answered_day: date  # Ana answered a customer on this day, 12 minutes after the question


def build_small_crm(engine: sa.Engine, answered_day: date) -> SmallCRM:
    """One tenant with Ana and Bruno (active) and Carla (inactive); on `answered_day` a customer
    writes to Ana at 10:00 UTC and she answers at 10:12."""
    asked = datetime.combine(answered_day, time(10, 0), tzinfo=timezone.utc)
    answered = asked + timedelta(minutes=12)
    with engine.begin() as conn:
        tenant_id = crm_rows.tenant(conn, "Deploy Test Co", "ceo@example.test")
        for seller_id, name, active in ((ANA, "Ana", True), (BRUNO, "Bruno", True),
                                        (CARLA_INACTIVE, "Carla", False)):
            crm_rows.seller(conn, tenant_id, name, seller_id=seller_id, active=active,
                            created_at=asked - timedelta(days=400))
        conversation = crm_rows.conversation(conn, tenant_id, ANA, "Customer One", answered,
                                             from_customer=False, created_at=asked)
        crm_rows.message(conn, conversation, "customer", asked, body="Do you ship to Lima?")
        crm_rows.message(conn, conversation, "seller", answered, seller_id=ANA, body="Yes, in 3 days.")
    return SmallCRM(tenant_id=tenant_id, answered_day=answered_day)


def add_unanswered_conversation(engine: sa.Engine, tenant_id: int,
                                waiting: timedelta) -> tuple[str, datetime]:
    """A customer wrote to Ana `waiting` ago and nobody answered. Returns the conversation's id
    and the time of the customer's message."""
    # whole seconds: the notification id carries the epoch of this time
    asked = (datetime.now(timezone.utc) - waiting).replace(microsecond=0)
    with engine.begin() as conn:
        conversation = crm_rows.conversation(conn, tenant_id, ANA, "Waiting Customer", asked)
        crm_rows.message(conn, conversation, "customer", asked, body="Hello? Is anyone there?")
    return conversation, asked


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "deployment: starts the deployment's processes (code server, webserver, daemon); "
                   "slow, but part of the normal suite")


@dataclass
class RunningDeployment:
    deployment: Deployment
    api: OperatorAPI
    crm: sa.Engine
    crm_dsn: str
    small_crm: SmallCRM

    @property
    def webserver_url(self) -> str:
        return self.deployment.webserver_url


def _settings_env(crm_dsn: str, redis_url: str) -> dict[str, str]:
    """The processes' environment: this machine's, minus any setting a developer may have
    exported, plus the test's own settings."""
    from dataclasses import fields

    from crm_pipelines.settings import Settings

    ours = {f.metadata["env"] for f in fields(Settings)}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update({
        "POSTGRES_DSN": crm_dsn,
        "REDIS_URL": redis_url,
        "SOCKETIO_CHANNEL": f"socketio_deploy_{uuid.uuid4().hex[:8]}",
        "CRM_TIMEZONE": "UTC",
        # sensors and schedules start STOPPED: the tests switch on what they exercise
        "ENABLE_SCHEDULED_TASKS": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture(scope="session")
def deployment(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDeployment]:
    crm_dsn = create_database("crm_deploy")
    storage_url = create_database("dagster_deploy")
    log_dir = artifact_folder("deployment")
    crm = create_crm_engine(crm_dsn, poolclass=sa.pool.NullPool)
    running: Deployment | None = None
    try:
        migrate(crm)
        yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
        small_crm = build_small_crm(crm, answered_day=yesterday - timedelta(days=10))
        running = Deployment(tmp_path_factory.mktemp("dagster_home"), storage_url,
                             _settings_env(crm_dsn, redis_url), log_dir)
        running.start()
        api = OperatorAPI(running.webserver_port)
        wait_until(api.location_loaded, 60, "the webserver to load the crm_pipelines location")
        wait_until(lambda: not api.unhealthy_daemons(), 120, "every daemon's first heartbeat")
        yield RunningDeployment(running, api, crm, crm_dsn, small_crm)
    except BaseException:
        if running is not None:
            print(running.logs())
        raise
    finally:
        if running is not None:
            running.stop()
        crm.dispose()
        drop_database(crm_dsn)
        drop_database(storage_url)


@pytest.fixture
def deployed(deployment: RunningDeployment, request: pytest.FixtureRequest) -> Iterator[RunningDeployment]:
    """The session's deployment; prints the processes' logs when the test using it failed."""
    yield deployment
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(deployment.deployment.logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report

