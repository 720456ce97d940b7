"""PostgreSQL through SQLAlchemy: one pooled engine per process, connections as context managers."""

# No `from __future__ import annotations` here: Dagster reads the resource fields' annotations
# (`dg.ResourceDependency`) as real types when it builds the class.

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import sqlalchemy as sa
from pydantic import PrivateAttr

from crm_pipelines.db.schemas import DEFAULT_SCHEMAS, Schemas
from crm_pipelines.settings import redact_url

# One engine per DSN, schemas and process, shared by every op and asset of a run (and by the
# in-process executor's steps): a pool per resource instance would open a connection set per step.
_ENGINES: dict[tuple[str, Schemas], sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(dsn: str, schemas: Schemas = DEFAULT_SCHEMAS) -> sa.Engine:
    with _ENGINES_LOCK:
        engine = _ENGINES.get((dsn, schemas))
        if engine is None:
            engine = create_crm_engine(
                dsn,
                schemas,
                pool_size=5,
                max_overflow=5,
                pool_pre_ping=True,  # a dropped connection is replaced, not handed to a step
            )
            _ENGINES[(dsn, schemas)] = engine
        return engine


def create_crm_engine(dsn: str, schemas: Schemas = DEFAULT_SCHEMAS, **kwargs: Any) -> sa.Engine:
    """An engine whose every connection has the fixed search_path of `schemas` (db/schemas.py);
    bound values never reach an exception message or a log (hide_parameters)."""
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args["options"] = (connect_args.get("options", "") + " " + schemas.connect_options).strip()
    return sa.create_engine(_with_driver(dsn), connect_args=connect_args, hide_parameters=True, **kwargs)


def dispose_engine(dsn: str) -> None:
    """Close every pool of `dsn` (whatever its schemas): the database is about to go away."""
    with _ENGINES_LOCK:
        keys = [key for key in _ENGINES if key[0] == dsn]
        engines = [_ENGINES.pop(key) for key in keys]
    for engine in engines:
        engine.dispose()


def _with_driver(dsn: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql+psycopg2://" + dsn[len(prefix):]
    return dsn


class PostgresResource(dg.ConfigurableResource):
    """The CRM database. `dsn` is POSTGRES_DSN, handed over as a `Secret` dependency (never config,
    so the UI shows no part of it); without it, `embedded_home` names the dagster_home whose
    embedded server is started on first use.

    The engine belongs to the process (`engine_for`), not to the resource: every step, sensor tick
    and resource instance of the process shares its pool, so tearing one of them down leaves the
    engine alone. `dispose_engine` closes it when the database itself goes away.
    """

    dsn: dg.ResourceDependency[str | None] = None
    embedded_home: str | None = None
    crm_schema: str = DEFAULT_SCHEMAS.crm
    pipelines_schema: str = DEFAULT_SCHEMAS.pipelines

    _dsn: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._dsn = self.resolve_dsn()
        engine_for(self._dsn, self.schemas)

    @property
    def schemas(self) -> Schemas:
        return Schemas(crm=self.crm_schema, pipelines=self.pipelines_schema)

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
        return engine_for(self.resolve_dsn(), self.schemas)

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
