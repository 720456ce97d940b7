"""`crm-pipelines init-db`: check the CRM's tables, then bring our schema up to date.

A guest in the CRM's database (SPEC 1, "Living in somebody else's database"):
1. the preflight (db/preflight.py) checks the CRM's tables; any problem stops init-db before it
   changes anything: no schema, no table, no migrations row;
2. in an empty database only, the CRM's tables are created in SPEC's shape (sql/crm/spec/tables.sql);
3. an earlier version's tables in the CRM's schema are moved into ours, rows and all;
4. the numbered files of sql/ run in CRM_PIPELINES_SCHEMA, once each, recorded with a checksum in
   our `schema_migrations` (a changed applied file is refused: write a new file instead); the
   CRM-side triggers file runs once after them;
5. the indexes we need on the CRM's tables are built with CREATE INDEX CONCURRENTLY, outside any
   transaction; an invalid leftover of an interrupted build is dropped and built again.
Everything runs under a session advisory lock, so two processes starting at once (webserver and
daemon) apply each step once. `plan()` lists the same steps without running them (`--plan`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import sqlparse

from crm_pipelines.db import legacy
from crm_pipelines.db.preflight import Preflight, check_crm
from crm_pipelines.db.schemas import DEFAULT_SCHEMAS, Schemas
from crm_pipelines.settings import PROJECT_ROOT


def _sql_dir() -> Path:
    """sql/ of the checkout (development, an editable install), else the copy a plain
    `pip install .` puts inside the package (setup.py: crm_pipelines/migrations/)."""
    checkout = PROJECT_ROOT / "sql"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parents[1] / "migrations"


SQL_DIR = _sql_dir()
# Any fixed number: serialises concurrent init-db runs on the same database.
MIGRATION_LOCK_KEY = 72_617_001
CRM_TABLES_FILE = "crm/{source}/tables.sql"
CRM_TRIGGERS_FILE = "crm/{source}/conversation_count_triggers.sql"
CRM_INDEXES_FILE = "crm/{source}/indexes.sql"
NOTIFICATION_INDEXES_FILE = "crm/notification_indexes.sql"
MIRRORS_FILE = "crm/{source}/mirrors.sql"
# Sources whose CRM tables have another shape: read through mirrors of SPEC's relations in our schema.
MIRRORED_SOURCES = ("crmventas",)
# CRM Ventas tables whose names our mirrors take (`leads`, `tenants`): the sync reads them through
# views in our schema, since every connection resolves those names to our mirrors first.
SHADOWED_TABLES = {"crmventas_leads": "leads", "crmventas_tenants": "tenants"}
_INDEX_NAME = re.compile(r"CREATE\s+INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)


class MigrationError(RuntimeError):
    pass


class PreflightFailed(MigrationError):
    """The CRM's tables lack what CRM_SOURCE needs; nothing was changed."""

    def __init__(self, preflight: Preflight):
        super().__init__("; ".join(preflight.problems))
        self.problems = preflight.problems


@dataclass(frozen=True)
class Step:
    """One unit of init-db's work: its statements, where they run, and whether they touch the CRM."""

    name: str
    crm_side: bool
    search_path: str
    statements: list[str]
    transactional: bool = True
    record_as: str | None = None  # the schema_migrations row written with it
    checksum: str | None = None

    def describe(self) -> Iterator[str]:
        mark = "[CRM]  " if self.crm_side else "[ours] "
        for statement in self.statements:
            yield f"-- {mark}{self.name} (search_path {self.search_path})\n{statement.strip()}"


@dataclass
class MigrationResult:
    applied: list[str] = field(default_factory=list)
    already_applied: list[str] = field(default_factory=list)
    created_crm_tables: bool = False
    moved: list[str] = field(default_factory=list)
    indexes_built: list[str] = field(default_factory=list)


def migration_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted(p for p in sql_dir.glob("*.sql") if p.name[:3].isdigit())


def _statements(text: str) -> list[str]:
    return [s for s in sqlparse.split(text) if sqlparse.format(s, strip_comments=True).strip()]


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def plan(engine: sa.Engine, schemas: Schemas = DEFAULT_SCHEMAS, source: str = "spec",
         sql_dir: Path = SQL_DIR) -> list[Step]:
    """The steps init-db would run now, in order; raises PreflightFailed as init-db would."""
    if not migration_files(sql_dir):
        raise MigrationError(f"no schema files found in {sql_dir}: the installation is incomplete")
    with engine.connect() as conn:
        preflight = check_crm(conn, schemas, source)
        if not preflight.ok:
            raise PreflightFailed(preflight)
        return list(_steps(conn, schemas, source, sql_dir, preflight))


def _steps(conn: sa.Connection, schemas: Schemas, source: str, sql_dir: Path,
           preflight: Preflight) -> Iterator[Step]:
    ours_path = schemas.search_path
    if preflight.empty:
        text = (sql_dir / CRM_TABLES_FILE.format(source=source)).read_text()
        yield Step("CRM tables of an empty database", True, schemas.crm,
                   [f"CREATE SCHEMA IF NOT EXISTS {schemas.crm}", *_statements(text)])
    moves = legacy.moves(conn, schemas)
    if moves:
        yield Step("move an earlier version's tables into our schema", False, ours_path, moves)
    applied = _applied(conn, schemas)
    if applied is None:
        applied = {}
        yield Step("our schema and its migrations table", False, ours_path, [
            f"CREATE SCHEMA IF NOT EXISTS {schemas.pipelines}",
            "CREATE TABLE IF NOT EXISTS schema_migrations (filename text PRIMARY KEY, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())",
        ])
    for name, path, crm_side, search_path in _recorded_files(schemas, source, sql_dir):
        text = path.read_text()
        recorded = applied.get(name)
        if recorded is not None:
            if recorded != _checksum(text):
                raise MigrationError(f"sql/{name} was applied already and has changed since; "
                                     "add a new numbered file instead of editing an applied one")
            continue
        yield Step(f"sql/{name}", crm_side, search_path, _statements(text), record_as=name,
                   checksum=_checksum(text))
    if source in MIRRORED_SOURCES:
        views = [f"CREATE VIEW {schemas.pipelines}.{view} AS SELECT * FROM {schemas.crm}.{table}"
                 for view, table in SHADOWED_TABLES.items()
                 if not conn.execute(sa.text("SELECT to_regclass(:v) IS NOT NULL"),
                                     {"v": f"{schemas.pipelines}.{view}"}).scalar()]
        if views:
            yield Step("views of the CRM's tables whose names our mirrors take", False, ours_path, views)
    for name, schema, crm_side in _index_files(schemas, source):
        yield from _index_steps(conn, sql_dir, name, schema, crm_side)


def _recorded_files(schemas: Schemas, source: str, sql_dir: Path) -> list[tuple[str, Path, bool, str]]:
    """(name, path, CRM-side?, search_path) of the files applied once each, in order: our numbered
    files; for a source read through mirrors (crmventas), the mirrors' tables; then the
    conversation-count triggers, on the CRM's `conversations` (spec) or on our mirror."""
    ours_path = schemas.search_path
    files = [(p.name, p, False, ours_path) for p in migration_files(sql_dir)]
    mirrored = source in MIRRORED_SOURCES
    if mirrored:
        mirrors = MIRRORS_FILE.format(source=source)
        files.append((mirrors, sql_dir / mirrors, False, ours_path))
        files.append((CRM_TRIGGERS_FILE.format(source="spec"), sql_dir / CRM_TRIGGERS_FILE.format(source="spec"),
                      False, schemas.pipelines))
    else:
        files.append((CRM_TRIGGERS_FILE.format(source=source), sql_dir / CRM_TRIGGERS_FILE.format(source=source),
                      True, f"{schemas.crm}, {schemas.pipelines}"))
    return files


def _index_files(schemas: Schemas, source: str) -> list[tuple[str, str, bool]]:
    """(file, schema it builds in, CRM-side?) of the index files. A mirrored source gets the
    source relations' indexes on our mirrors, and its own on the CRM's tables it syncs from."""
    files = [(CRM_INDEXES_FILE.format(source=source), schemas.crm, True),
             (NOTIFICATION_INDEXES_FILE, schemas.crm, True)]
    if source in MIRRORED_SOURCES:
        files.append((CRM_INDEXES_FILE.format(source="spec"), schemas.pipelines, False))
    return files


def _index_steps(conn: sa.Connection, sql_dir: Path, name: str, schema: str, crm_side: bool) -> Iterator[Step]:
    for statement in _statements((sql_dir / name).read_text()):
        index = _INDEX_NAME.search(statement)
        if index is None:
            raise MigrationError(f"sql/{name}: every statement must be "
                                 f"CREATE INDEX CONCURRENTLY IF NOT EXISTS <name> ...: {statement[:80]!r}")
        index_name = index.group(1)
        valid = _index_validity(conn, schema, index_name)
        if valid is True:
            continue
        statements = [statement]
        if valid is False:  # an interrupted concurrent build leaves an invalid index behind
            statements.insert(0, f"DROP INDEX CONCURRENTLY IF EXISTS {schema}.{index_name}")
        yield Step(f"index {schema}.{index_name}", crm_side, schema, statements, transactional=False)


def _applied(conn: sa.Connection, schemas: Schemas) -> dict[str, str] | None:
    """filename -> checksum of our schema_migrations; None before that table exists."""
    exists = conn.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"),
                          {"t": f"{schemas.pipelines}.schema_migrations"}).scalar()
    if not exists:
        return None
    rows = conn.execute(sa.text(f"SELECT filename, checksum FROM {schemas.pipelines}.schema_migrations"))
    return dict(rows.all())


def _index_validity(conn: sa.Connection, schema: str, name: str) -> bool | None:
    """True: a valid index of that name; False: one left invalid by an interrupted build; None: none."""
    return conn.execute(sa.text(
        "SELECT i.indisvalid FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relname = :name"
    ), {"schema": schema, "name": name}).scalar()


def migrate(engine: sa.Engine, schemas: Schemas = DEFAULT_SCHEMAS, source: str = "spec",
            sql_dir: Path = SQL_DIR) -> MigrationResult:
    """Preflight, then every step of `plan`, under a session advisory lock; raises PreflightFailed
    (nothing changed) when the CRM's tables lack what `source` needs."""
    result = MigrationResult()
    # AUTOCOMMIT: the lock is a session lock, and an open transaction on this connection would
    # make CREATE INDEX CONCURRENTLY wait for it.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        try:
            if not migration_files(sql_dir):
                raise MigrationError(f"no schema files found in {sql_dir}: the installation is incomplete")
            preflight = check_crm(conn, schemas, source)
            if not preflight.ok:
                raise PreflightFailed(preflight)
            result.already_applied = sorted(_applied(conn, schemas) or {})
            for step in _steps(conn, schemas, source, sql_dir, preflight):
                _run(engine, conn, step, schemas)
                if step.record_as:
                    result.applied.append(step.record_as)
                elif step.name.startswith("index "):
                    result.indexes_built.append(step.name.removeprefix("index "))
                elif step.crm_side:
                    result.created_crm_tables = True
                elif step.name.startswith("move "):
                    result.moved = step.statements
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.execute(sa.text("SET search_path TO " + schemas.search_path))
    return result


def _run(engine: sa.Engine, conn: sa.Connection, step: Step, schemas: Schemas) -> None:
    """A concurrent index build on the lock's autocommit connection; any other step in one
    transaction of its own (with its row in schema_migrations)."""
    if not step.transactional:
        conn.execute(sa.text("SET search_path TO " + step.search_path))
        for statement in step.statements:
            try:
                conn.exec_driver_sql(statement)
            except sa.exc.DBAPIError as err:
                raise MigrationError(f"{step.name} (schema {step.search_path}) could not be built: "
                                     f"{str(err.orig).strip().splitlines()[0]}") from None
        return
    with engine.begin() as tx:
        tx.execute(sa.text("SET LOCAL search_path TO " + step.search_path))
        for statement in step.statements:
            tx.exec_driver_sql(statement)
        if step.record_as:
            tx.execute(sa.text(f"INSERT INTO {schemas.pipelines}.schema_migrations (filename, checksum) "
                                 "VALUES (:f, :c)"), {"f": step.record_as, "c": step.checksum})
