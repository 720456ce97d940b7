"""Send committed notifications: each recipient's Socket.IO room, then the Redis queue.

Called only with rows already committed to PostgreSQL (the system of record). Both channels are
best effort: when Redis is down the rows stay in PostgreSQL (the CRM's UI lists them) and in the
outbox (outbox.py), and a later check sends them. After the first failed emit the rest of the
batch is not tried, so a dead Redis costs one timeout, not one per notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from crm_pipelines.notifications.checks import NewNotification
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource

EVENT = "new_notification"
COUNT_EVENT = "notification_count_update"


@dataclass(frozen=True)
class DeliveryReport:
    created: int
    queued: int
    emitted: int
    not_sent: int
    sent_ids: tuple[str, ...] = ()
    recipients: frozenset[str] = field(default_factory=frozenset)

    @property
    def complete(self) -> bool:
        return self.not_sent == 0

    @classmethod
    def nothing(cls) -> "DeliveryReport":
        return cls(created=0, queued=0, emitted=0, not_sent=0)

    def __add__(self, other: "DeliveryReport") -> "DeliveryReport":
        """Two chunks of one run, reported as one."""
        return DeliveryReport(self.created + other.created, self.queued + other.queued,
                              self.emitted + other.emitted, self.not_sent + other.not_sent,
                              self.sent_ids + other.sent_ids, self.recipients | other.recipients)


def deliver(
    notifications: Sequence[NewNotification], redis: RedisResource, socketio: SocketIOResource
) -> DeliveryReport:
    """Emit each notification to its recipient's room, in order, until one fails; then queue
    the emitted ones. Sent = emitted and queued: only those leave the outbox."""
    if not notifications:
        return DeliveryReport.nothing()
    emitted = 0
    for notification in notifications:
        if not socketio.emit(EVENT, notification.payload(), room=notification.room):
            break
        emitted += 1
    sent = list(notifications[:emitted])
    queued = len(sent) if sent and redis.push_json_many(n.queue_entry() for n in sent) else 0
    if queued < len(sent):  # Redis took the events but not the queue entries: try them all again later
        sent = []
    return DeliveryReport(
        created=len(notifications), queued=queued, emitted=emitted, not_sent=len(notifications) - len(sent),
        sent_ids=tuple(n.id for n in sent), recipients=frozenset(n.recipient_id for n in sent),
    )
