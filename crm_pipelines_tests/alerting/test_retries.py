"""Retries on the real test database: a step whose PostgreSQL connection is killed mid-statement
(pg_terminate_backend from another connection) is retried and its run succeeds with the right
rows, written once; a bad setting or a bad statement fails at once, without a retry, naming
the variable; a wrong database in the DSN is a bad setting too, not a transient error."""

import threading

import dagster as dg
import sqlalchemy as sa

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import is_transient, retry_only_transient, transient_retry_policy
from crm_pipelines.settings import load_settings

MARKER = "wait_here_to_be_terminated"


def _events(result: dg.ExecuteInProcessResult, event_type: dg.DagsterEventType) -> list:
    return [e for e in result.all_events if e.event_type == event_type]


def _killer(dsn: str, stop: threading.Event, killed: list) -> None:
    """Another connection that terminates the step's backend as soon as it sits on the marker."""
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        while not stop.is_set() and not killed:
            pids = conn.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE :marker"),
                {"marker": f"%{MARKER}%"}).scalars().all()
            for pid in pids:
                conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                killed.append(pid)
            stop.wait(0.05)
    engine.dispose()


def test_connection_killed_mid_run_is_retried_and_rows_are_written_once(pg_dsn, db):
    settings = load_settings({"POSTGRES_DSN": pg_dsn, "MAX_TASK_RETRIES": "2"})

    @dg.op(retry_policy=transient_retry_policy(settings))
    def write_tenants(context: dg.OpExecutionContext, postgres: PostgresResource) -> None:
        with retry_only_transient(), postgres.begin() as conn:
            conn.execute(sa.text("INSERT INTO tenants (name) VALUES ('Acme'), ('Globex'), ('Initech')"))
            if context.retry_number == 0:
                # the first attempt waits inside its transaction until the test kills it
                conn.execute(sa.text(f"SELECT pg_sleep(30) /* {MARKER} */"))

    @dg.job(executor_def=dg.in_process_executor)
    def killed_connection_job():
        write_tenants()

    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_killer, args=(pg_dsn, stop, killed), daemon=True)
    killer.start()
    try:
        result = killed_connection_job.execute_in_process(
            resources={"postgres": PostgresResource(dsn=pg_dsn)}, raise_on_error=False)
    finally:
        stop.set()
        killer.join(10)

    assert len(killed) == 1
    assert result.success
    assert len(_events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)) == 1
    with db.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM tenants ORDER BY name")).scalars().all()
    assert names == ["Acme", "Globex", "Initech"]  # the killed attempt's rows were rolled back


def test_bad_setting_fails_at_once_naming_the_variable(pg_dsn):
    settings = load_settings({"POSTGRES_DSN": pg_dsn, "MAX_TASK_RETRIES": "3"})
    attempts = []

    @dg.op(retry_policy=transient_retry_policy(settings))
    def read_threshold() -> None:
        attempts.append(1)
        with retry_only_transient():
            load_settings({"HOT_LEAD_PROBABILITY_THRESHOLD": "very hot"})

    @dg.job(executor_def=dg.in_process_executor)
    def bad_setting_job():
        read_threshold()

    result = bad_setting_job.execute_in_process(raise_on_error=False)
    assert not result.success
    assert attempts == [1]
    assert _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    failure = _events(result, dg.DagsterEventType.STEP_FAILURE)[0]
    assert "HOT_LEAD_PROBABILITY_THRESHOLD='very hot'" in failure.step_failure_data.error.message


def test_bad_statement_is_not_retried(pg_dsn, db):
    settings = load_settings({"POSTGRES_DSN": pg_dsn, "MAX_TASK_RETRIES": "3"})

    @dg.op(retry_policy=transient_retry_policy(settings))
    def bad_sql(postgres: PostgresResource) -> None:
        with retry_only_transient():
            postgres.fetch_all("SELECT no_such_column FROM tenants")

    @dg.job(executor_def=dg.in_process_executor)
    def bad_sql_job():
        bad_sql()

    result = bad_sql_job.execute_in_process(resources={"postgres": PostgresResource(dsn=pg_dsn)},
                                            raise_on_error=False)
    assert not result.success
    assert _events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY) == []
    failure = _events(result, dg.DagsterEventType.STEP_FAILURE)[0]
    assert "no_such_column" in failure.step_failure_data.error.message


def test_wrong_database_is_a_bad_setting_and_a_refused_connection_is_transient(pg_dsn):
    base = pg_dsn.rsplit("/", 1)[0]
    cases = ((base + "/crm_no_such_database", False), ("postgresql://postgres@127.0.0.1:1/x", True))
    for dsn, transient in cases:
        engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
        try:
            engine.connect()
        except sa.exc.DBAPIError as err:
            assert is_transient(err) is transient, dsn
        else:
            raise AssertionError(f"{dsn} connected")
        finally:
            engine.dispose()
