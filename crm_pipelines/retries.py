"""Retries for transient failures only.

Dagster's RetryPolicy retries every exception, so steps wrap their work in `retry_only_transient()`:
a dropped database connection or a Redis timeout propagates and is retried with exponential
backoff up to MAX_TASK_RETRIES; anything else (a bad setting, a bad row, a SQL error in our own
statement) becomes a `dg.Failure(allow_retries=False)` that fails the step at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import dagster as dg
import redis
import sqlalchemy as sa

from crm_pipelines.settings import Settings, SettingsError


def transient_retry_policy(settings: Settings) -> dg.RetryPolicy:
    return dg.RetryPolicy(
        max_retries=settings.max_task_retries,
        delay=2,
        backoff=dg.Backoff.EXPONENTIAL,
        jitter=dg.Jitter.PLUS_MINUS,
    )


# An OperationalError at connect time is also what a wrong POSTGRES_DSN gives: those are bad
# settings, and retrying them only delays the message an operator needs.
_CONFIGURATION_ERRORS = (
    "password authentication failed",
    "no pg_hba.conf entry",
    "does not exist",  # database "x" / role "x" does not exist
    "invalid dsn",
    "could not translate host name",
    "invalid connection option",
)


def is_transient(err: BaseException) -> bool:
    """Connection-level trouble that a later attempt may not meet."""
    if isinstance(err, sa.exc.DBAPIError):
        if any(marker in str(err.orig).lower() for marker in _CONFIGURATION_ERRORS):
            return False
        # connection_invalidated: the connection died under us (server restart, pg_terminate_backend)
        if err.connection_invalidated or isinstance(err, (sa.exc.OperationalError, sa.exc.InterfaceError)):
            return True
        code = getattr(err.orig, "pgcode", None) or ""
        # 40001 serialization failure, 40P01 deadlock, 57P01 admin shutdown, 08xxx connection exceptions
        return code in ("40001", "40P01", "57P01", "57P02", "57P03") or code.startswith("08")
    return isinstance(err, (redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError))


@contextlib.contextmanager
def retry_only_transient() -> Iterator[None]:
    try:
        yield
    except dg.Failure:
        raise
    except SettingsError as err:
        raise dg.Failure(description=f"bad setting: {err}", allow_retries=False) from err
    except Exception as err:
        if is_transient(err):
            raise
        raise dg.Failure(description=f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}",
                         allow_retries=False) from err
