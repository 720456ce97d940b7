"""The one place that turns settings into resources: for the code location (definitions.py), the
command line (cli.py) and the tests (crm_pipelines_tests/conftest.py) alike.

Every resource gets the validated settings' values. The secrets among them (POSTGRES_DSN,
REDIS_URL) go in as `Secret` dependencies (secret.py), never as config: the UI and run metadata
show no part of them. `settings` itself is a resource too, for ops that read a setting (cleanup).
"""

from __future__ import annotations

from typing import Any

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.secret import Secret
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings


def build_resources(settings: Settings) -> dict[str, Any]:
    return {
        "postgres": build_postgres(settings),
        "redis": build_redis(settings),
        "socketio": build_socketio(settings),
        "settings": settings,
    }


def _secret(value: str | None, name: str) -> Secret | None:
    return Secret(value, name) if value else None


def build_postgres(settings: Settings) -> PostgresResource:
    schemas = {"crm_schema": settings.crm_schema, "pipelines_schema": settings.crm_pipelines_schema}
    if settings.postgres_dsn:
        return PostgresResource(dsn=_secret(settings.postgres_dsn, "POSTGRES_DSN"), **schemas)
    return PostgresResource(embedded_home=str(settings.dagster_home), **schemas)


def build_redis(settings: Settings) -> RedisResource:
    return RedisResource(
        url=_secret(settings.redis_url, "REDIS_URL"),
        cache_ttl_minutes=settings.redis_cache_ttl_minutes,
        notification_queue=settings.redis_notification_queue,
    )


def build_socketio(settings: Settings) -> SocketIOResource:
    return SocketIOResource(
        redis_url=_secret(settings.redis_url, "REDIS_URL"),
        channel=settings.socketio_channel,
    )
