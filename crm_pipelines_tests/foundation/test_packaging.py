"""Installing the package: setuptools builds it without a warning (every folder of SQL and
templates is listed as a package), the schema migrations of the top-level sql/ travel inside it as
crm_pipelines/migrations/, and `crm-pipelines init-db` run from the built package alone (no
checkout around it) finds them and creates the schema on an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from crm_pipelines.settings import PROJECT_ROOT
from crm_pipelines_tests.conftest import create_database, drop_database


def _relative_sql_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.sql"))


def test_build_is_quiet_and_init_db_runs_from_the_built_package(tmp_path):
    build = subprocess.run(
        [sys.executable, "setup.py", "egg_info", "--egg-base", str(tmp_path),
         "build", "--build-base", str(tmp_path / "build")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert "Warning" not in build.stderr, build.stderr[-3000:]
    assert "Package would be ignored" not in build.stdout + build.stderr

    lib = tmp_path / "build" / "lib"
    assert _relative_sql_files(lib / "crm_pipelines" / "migrations") == _relative_sql_files(PROJECT_ROOT / "sql")
    assert (lib / "crm_pipelines" / "reports" / "templates" / "report.html.j2").is_file()
    assert (lib / "crm_pipelines" / "seller_metrics" / "sql" / "select_metrics.sql").is_file()

    dsn = create_database("crm_pkg")
    try:
        env = dict(os.environ, PYTHONPATH=str(lib), POSTGRES_DSN=dsn, DAGSTER_HOME=str(tmp_path / "home"))
        where = subprocess.run([sys.executable, "-c", "from crm_pipelines.db.migrate import SQL_DIR; print(SQL_DIR)"],
                               cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert where.stdout.strip() == str(lib / "crm_pipelines" / "migrations"), where.stderr[-2000:]
        init = subprocess.run([sys.executable, "-m", "crm_pipelines.cli", "init-db"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert init.returncode == 0, init.stderr[-3000:]
        assert "applied 001_seller_metrics.sql" in init.stdout
        engine = sa.create_engine(dsn.replace("postgresql://", "postgresql+psycopg2://", 1))
        with engine.connect() as conn:
            applied = conn.execute(sa.text("SELECT filename FROM crm_pipelines.schema_migrations")).scalars().all()
        engine.dispose()
        assert set(applied) == {p.name for p in (PROJECT_ROOT / "sql").glob("*.sql")} | {
            "crm/spec/conversation_count_triggers.sql"}
    finally:
        drop_database(dsn)
