"""`crm-pipelines init-db`: apply the files of sql/ in order, once each, recorded in the database.

Each file runs in its own transaction together with its row in `schema_migrations`, under an
advisory lock so that two processes starting at once (webserver and daemon) apply it once.
A file already applied whose text has changed is refused: write a new file to alter a table.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from crm_pipelines.settings import PROJECT_ROOT

def _sql_dir() -> Path:
    """sql/ of the checkout (editable install, development), else the copy setup.py installs
    under <prefix>/share/crm-pipelines/sql (a plain `pip install .`, e.g. in a container)."""
    checkout = PROJECT_ROOT / "sql"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "crm-pipelines" / "sql"


SQL_DIR = _sql_dir()
# Any fixed number: serialises concurrent init-db runs on the same database.
MIGRATION_LOCK_KEY = 72_617_001


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class MigrationResult:
    applied: list[str]
    already_applied: list[str]


def migration_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    return sorted(p for p in sql_dir.glob("*.sql") if p.name[:3].isdigit())


def migrate(engine: sa.Engine, sql_dir: Path = SQL_DIR) -> MigrationResult:
    if not migration_files(sql_dir):
        raise MigrationError(f"no schema files found in {sql_dir}: the installation is incomplete")
    applied: list[str] = []
    already: list[str] = []
    with engine.begin() as conn:
        conn.execute(sa.text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " filename text PRIMARY KEY, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        ))
    for path in migration_files(sql_dir):
        text = path.read_text()
        checksum = hashlib.sha256(text.encode()).hexdigest()
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            recorded = conn.execute(
                sa.text("SELECT checksum FROM schema_migrations WHERE filename = :f"), {"f": path.name}
            ).scalar()
            if recorded is not None:
                if recorded != checksum:
                    raise MigrationError(
                        f"sql/{path.name} was applied already and has changed since; "
                        "add a new numbered file instead of editing an applied one"
                    )
                already.append(path.name)
                continue
            # exec_driver_sql runs the whole file (several statements) as one batch.
            conn.exec_driver_sql(text)
            conn.execute(
                sa.text("INSERT INTO schema_migrations (filename, checksum) VALUES (:f, :c)"),
                {"f": path.name, "c": checksum},
            )
            applied.append(path.name)
    return MigrationResult(applied=applied, already_applied=already)
