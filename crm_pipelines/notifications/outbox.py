"""The outbox: notifications committed but not yet sent (SPEC 4), sent after the commit.

A rule statement writes each new notification and its outbox row together; `send_outbox` sends
what the outbox holds, oldest first, a chunk per transaction (the chunk's rows locked with SKIP
LOCKED, so two checks at once never send the same one), and deletes a row only once Redis took
its event and its queue entry. What Redis did not take stays for the next check; a row whose
notification expired or was cleaned is dropped unsent. Then every recipient who got something
gets one `notification_count_update` with their bell's counts, computed from the table.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.notifications.checks import read_notifications
from crm_pipelines.notifications.delivery import COUNT_EVENT, DeliveryReport, deliver
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource

# Rows read back and sent per transaction: a first check on a large backlog (hundreds of thousands
# of open situations) keeps only one chunk's rows in memory.
SEND_CHUNK = 2000


@dataclass(frozen=True)
class OutboxReport:
    delivery: DeliveryReport
    dropped_expired: int
    cleared_without_redis: int
    count_updates: int
    count_updates_failed: int


def send_outbox(postgres: PostgresResource, redis: RedisResource, socketio: SocketIOResource) -> OutboxReport:
    chunk = SEND_CHUNK
    now = datetime.now(timezone.utc)
    if not socketio.enabled:
        with postgres.begin() as conn:
            cleared = conn.execute(load_sql(__file__, "outbox_clear.sql")).scalar_one()
        return OutboxReport(DeliveryReport.nothing(), 0, cleared, 0, 0)
    with postgres.begin() as conn:
        dropped = conn.execute(load_sql(__file__, "outbox_drop_dead.sql"), {"now": now}).scalar_one()
    report = DeliveryReport.nothing()
    while True:
        with postgres.begin() as conn:
            ids = list(conn.execute(load_sql(__file__, "outbox_take.sql"), {"chunk": chunk}).scalars())
            if not ids:
                break
            part = deliver(read_notifications(conn, ids), redis, socketio)
            if part.sent_ids:
                conn.execute(load_sql(__file__, "outbox_done.sql"), {"ids": list(part.sent_ids)})
        report = report + part
        if not part.complete or len(ids) < chunk:
            break  # Redis refused: the rest waits for the next check
    if not report.complete:
        with postgres.connect() as conn:
            pending = conn.execute(load_sql(__file__, "outbox_pending.sql")).scalar_one()
        # Everything this check had to send: what went, and what waits in the outbox.
        report = dataclasses.replace(report, created=len(report.sent_ids) + pending, not_sent=pending)
    updates, failed = send_count_updates(postgres, socketio, report.recipients, now)
    return OutboxReport(report, dropped, 0, updates, failed)


def send_count_updates(postgres: PostgresResource, socketio: SocketIOResource, recipients,
                       now: datetime) -> tuple[int, int]:
    """One `notification_count_update` per recipient; returns (sent, failed)."""
    if not recipients:
        return 0, 0
    with postgres.connect() as conn:
        rows = conn.execute(load_sql(__file__, "recipient_counts.sql"),
                            {"recipients": sorted(recipients), "now": now}).mappings().all()
    sent = failed = 0
    for row in rows:
        counts = {k: int(row[k]) for k in ("total", "critical", "high", "medium", "low")}
        if socketio.emit(COUNT_EVENT, counts, room=f"notifications:{row['recipient_id']}"):
            sent += 1
        else:
            failed += 1
    return sent, failed
