"""The one place that turns settings into resources.

Secrets (POSTGRES_DSN, REDIS_URL) are handed to Dagster as `dg.EnvVar`, so the UI and run
metadata show the variable's name, never its value.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource
from crm_pipelines.settings import Settings


def build_resources(settings: Settings) -> dict[str, Any]:
    return {
        "postgres": build_postgres(settings),
        "redis": build_redis(settings),
        "socketio": build_socketio(settings),
    }


def build_postgres(settings: Settings) -> PostgresResource:
    schemas = {"crm_schema": settings.crm_schema, "pipelines_schema": settings.crm_pipelines_schema}
    if settings.postgres_dsn:
        return PostgresResource(dsn=dg.EnvVar("POSTGRES_DSN"), **schemas)
    return PostgresResource(embedded_home=str(settings.dagster_home), **schemas)


def build_redis(settings: Settings) -> RedisResource:
    return RedisResource(
        url=dg.EnvVar("REDIS_URL") if settings.redis_url else None,
        cache_ttl_minutes=settings.redis_cache_ttl_minutes,
        notification_queue=settings.redis_notification_queue,
    )


def build_socketio(settings: Settings) -> SocketIOResource:
    return SocketIOResource(
        redis_url=dg.EnvVar("REDIS_URL") if settings.redis_url else None,
        channel=settings.socketio_channel,
    )


def postgres_for_cli(settings: Settings) -> PostgresResource:
    """Outside a Dagster run (CLI, tests) the DSN is passed as a value, not an EnvVar."""
    schemas = {"crm_schema": settings.crm_schema, "pipelines_schema": settings.crm_pipelines_schema}
    if settings.postgres_dsn:
        return PostgresResource(dsn=settings.postgres_dsn, **schemas)
    return PostgresResource(embedded_home=str(settings.dagster_home), **schemas)
