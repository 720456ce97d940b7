"""Do PostgreSQL and Redis answer, and how fast? Each probe opens its own short-lived connection
with a short timeout, so a dead server makes the health command slow by seconds, not minutes.
Error texts are masked: a DSN password never reaches the output."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis as redis_lib
import sqlalchemy as sa

from crm_pipelines.alerting.redaction import mask, secrets_of
from crm_pipelines.resources.postgres import _with_driver
from crm_pipelines.settings import Settings, redact_url

TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Probe:
    name: str
    configured: bool
    ok: bool | None  # None: not configured (not a problem)
    latency_ms: float | None
    target: str
    error: str | None = None


def _short_error(err: BaseException, settings: Settings) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    first = text[0] if text else ""
    return mask(f"{type(err).__name__}: {first}"[:300], secrets_of(settings))


def probe_postgres(settings: Settings) -> Probe:
    try:
        if settings.postgres_dsn:
            dsn = settings.postgres_dsn
        else:  # the embedded server: found running, or started (what every process of the deployment does)
            from crm_pipelines.resources.embedded import embedded_dsn

            dsn = embedded_dsn(settings.dagster_home)
    except Exception as err:  # the embedded server could not start
        return Probe("postgres", True, False, None, "embedded", _short_error(err, settings))
    target = redact_url(dsn) or ""
    engine = sa.create_engine(_with_driver(dsn), poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": TIMEOUT_SECONDS})
    try:
        started = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return Probe("postgres", True, True, (time.perf_counter() - started) * 1000, target)
    except Exception as err:
        return Probe("postgres", True, False, None, target, _short_error(err, settings))
    finally:
        engine.dispose()


def probe_redis(settings: Settings) -> Probe:
    if not settings.redis_url:
        return Probe("redis", False, None, None, "unset (cache, queue and Socket.IO off)")
    target = redact_url(settings.redis_url) or ""
    client = redis_lib.Redis.from_url(settings.redis_url, socket_timeout=TIMEOUT_SECONDS,
                                      socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        started = time.perf_counter()
        client.ping()
        return Probe("redis", True, True, (time.perf_counter() - started) * 1000, target)
    except Exception as err:
        return Probe("redis", True, False, None, target, _short_error(err, settings))
    finally:
        client.close()
