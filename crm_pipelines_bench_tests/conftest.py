"""The bench tests run on the main suite's fixtures: a fresh PostgreSQL database per session on the
machine's real server (`pg_dsn`), emptied before each test (`db`)."""

from crm_pipelines_tests.conftest import db, pg_dsn

__all__ = ["db", "pg_dsn"]
