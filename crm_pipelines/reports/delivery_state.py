"""The delivery state of one tenant's report of one day, kept in `daily_reports.delivered_to`.

Each channel moves through states, every move committed at once:

    (never tried) ─claim─> pending ─> sent | failed      failed/skipped ─claim─> pending (try again)
    (never tried) ───────> skipped (channel off)         pending, found by a later run ─> interrupted

`pending` is written before the send and `sent`/`failed` after it, so a run that dies mid-send
leaves `pending` behind, and a later run knows that channel's outcome is unknown. A channel
`sent` is never claimed again. The claim is a conditional UPDATE (claim_channel.sql), and while
one run delivers a report it holds a session advisory lock on that report: a run that finds
`pending` while holding the lock knows the run that wrote it is no longer delivering (see
`deliver.py` for what it then does). Claims go through the lock's own connection: a run whose
lock connection dropped (and so lost the lock) fails its next claim instead of sending unlocked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource

# Writing an outcome that really happened is worth a few tries on fresh connections (the pool's
# pre-ping replaces a dropped one): losing it would turn a known `sent` into an unknown.
SETTLE_TRIES = 4
SETTLE_BACKOFF_SECONDS = 0.5


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def delivery_lock_name(tenant_id: int, report_date: date) -> str:
    """The advisory lock (hashed to a bigint) held while a tenant's report of a day is delivered."""
    return f"crm_pipelines.daily_report:{tenant_id}:{report_date.isoformat()}"


class ReportDeliveryState:
    """One report's `delivered_to`, read and moved under its delivery lock."""

    def __init__(self, postgres: PostgresResource, tenant_id: int, report_date: date, log: logging.Logger):
        self.postgres = postgres
        self.keys = {"tenant_id": tenant_id, "report_date": report_date}
        self.lock_name = delivery_lock_name(tenant_id, report_date)
        self.log = log
        self._conn: sa.Connection | None = None
        self._lock_lost = False

    @contextlib.contextmanager
    def locked(self) -> Iterator[bool]:
        """Yields whether this run got the report's lock (False: another run is delivering it)."""
        with self.postgres.connect() as conn:
            taken = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(hashtextextended(:n, 0))"), {"n": self.lock_name}
            ).scalar()
            conn.commit()
            if not taken:
                yield False
                return
            self._conn = conn
            try:
                yield True
            finally:
                self._conn = None
                try:
                    conn.execute(
                        sa.text("SELECT pg_advisory_unlock(hashtextextended(:n, 0))"), {"n": self.lock_name}
                    )
                    conn.commit()
                except sa.exc.SQLAlchemyError:
                    # The connection is gone, and PostgreSQL released its locks with it.
                    conn.invalidate()

    def read(self) -> dict[str, Any]:
        row = self._locked_conn().execute(load_sql(__file__, "delivered_to.sql"), self.keys).scalar()
        self._locked_conn().commit()
        return row or {}

    def claim(self, channel: str, record: dict[str, Any], from_states: tuple[str, ...]) -> bool:
        """Move `channel` to `record` if it is in one of `from_states` now (committed at once)."""
        conn = self._locked_conn()
        params = self.keys | {"channel": channel, "record": json.dumps(record), "from_states": list(from_states)}
        taken = conn.execute(load_sql(__file__, "claim_channel.sql"), params).first() is not None
        conn.commit()
        return taken

    def settle(self, channel: str, claim: str, record: dict[str, Any]) -> bool:
        """Write the outcome of `claim`; on a dropped connection, again on fresh ones. Raises
        the last error when PostgreSQL cannot be reached (the step's retry policy takes over)."""
        params = self.keys | {
            "channel": channel,
            "claim": claim,
            "status": record["status"],
            "record": json.dumps(record | {"claim": claim}),
        }
        sql = load_sql(__file__, "settle_channel.sql")
        try:
            conn = self._locked_conn()
            written = conn.execute(sql, params).first() is not None
            conn.commit()
            return written
        except sa.exc.SQLAlchemyError as err:
            # The lock went with its connection: no further claim in this run (see _locked_conn).
            self._lock_lost = True
            last: Exception = err
        for attempt in range(1, SETTLE_TRIES + 1):
            self.log.warning(
                "tenant %s: recording %s as %s failed (%s); try %d of %d on a new connection",
                self.keys["tenant_id"], channel, record["status"], type(last).__name__, attempt, SETTLE_TRIES,
            )
            time.sleep(SETTLE_BACKOFF_SECONDS * attempt)
            try:
                with self.postgres.begin() as conn:
                    return conn.execute(sql, params).first() is not None
            except sa.exc.SQLAlchemyError as err:
                last = err
        self.log.error(
            "tenant %s %s: %s was %s but PostgreSQL could not record it: a later run will find it pending",
            self.keys["tenant_id"], self.keys["report_date"], channel, record["status"].upper(),
        )
        raise last

    def _locked_conn(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("the report's delivery lock is not held")
        if self._lock_lost:
            # A ConnectionError is transient (retries.py): the step's retry takes the lock again.
            raise ConnectionError(
                f"tenant {self.keys['tenant_id']} {self.keys['report_date']}: the delivery lock's "
                "PostgreSQL connection dropped; delivery stops here and the step is retried"
            )
        return self._conn
