"""PostgreSQL through SQLAlchemy: one pooled engine per process, connections as context managers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import sqlalchemy as sa
from pydantic import PrivateAttr

from crm_pipelines.settings import redact_url

# One engine per DSN and process, shared by every op and asset of a run (and by the in-process
# executor's steps): a pool per resource instance would open a connection set per step.
_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(dsn: str) -> sa.Engine:
    with _ENGINES_LOCK:
        engine = _ENGINES.get(dsn)
        if engine is None:
            engine = sa.create_engine(
                _with_driver(dsn),
                pool_size=5,
                max_overflow=5,
                pool_pre_ping=True,  # a dropped connection is replaced, not handed to a step
                hide_parameters=True,  # bound values never reach an exception message or log
            )
            _ENGINES[dsn] = engine
        return engine


def dispose_engine(dsn: str) -> None:
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(dsn, None)
    if engine is not None:
        engine.dispose()


def _with_driver(dsn: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql+psycopg2://" + dsn[len(prefix):]
    return dsn


class PostgresResource(dg.ConfigurableResource):
    """The CRM database. `dsn` comes from POSTGRES_DSN (shown in the UI as the variable's name,
    never its value); without it, `embedded_home` names the dagster_home whose embedded server
    is started on first use."""

    dsn: str | None = None
    embedded_home: str | None = None

    _dsn: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._dsn = self.resolve_dsn()
        engine_for(self._dsn)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._dsn is not None:
            dispose_engine(self._dsn)

    def resolve_dsn(self) -> str:
        if self._dsn is not None:
            return self._dsn
        if self.dsn:
            return self.dsn
        if self.embedded_home:
            from crm_pipelines.resources.embedded import embedded_dsn

            return embedded_dsn(Path(self.embedded_home))
        raise dg.DagsterInvariantViolationError("PostgresResource needs a dsn or an embedded_home")

    @property
    def engine(self) -> sa.Engine:
        return engine_for(self.resolve_dsn())

    @property
    def safe_dsn(self) -> str:
        """The DSN with its password masked: the only form that may be logged or shown."""
        return redact_url(self.resolve_dsn()) or ""

    @contextlib.contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        """A connection without an implicit transaction block around the caller's work."""
        with self.engine.connect() as conn:
            yield conn

    def fetch_all(self, sql: str | sa.TextClause, **params: Any) -> list[sa.Row]:
        with self.begin() as conn:
            return list(conn.execute(_text(sql), params))

    def fetch_scalar(self, sql: str | sa.TextClause, **params: Any) -> Any:
        with self.begin() as conn:
            return conn.execute(_text(sql), params).scalar()


def _text(sql: str | sa.TextClause) -> sa.TextClause:
    return sql if isinstance(sql, sa.TextClause) else sa.text(sql)
