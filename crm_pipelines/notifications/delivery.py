"""Send the notifications a run created: the Redis queue and the recipients' Socket.IO rooms.

Called only with rows already committed to PostgreSQL (the system of record). Both channels are
best effort: when Redis is down the rows stay in PostgreSQL (the CRM's UI lists them), the run
succeeds and the report says what was not sent. After the first failed emit the rest of the
batch is not tried, so a dead Redis costs one timeout, not one per notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crm_pipelines.notifications.checks import NewNotification
from crm_pipelines.resources.redis import RedisResource
from crm_pipelines.resources.socketio import SocketIOResource

EVENT = "new_notification"


@dataclass(frozen=True)
class DeliveryReport:
    created: int
    queued: int
    emitted: int
    not_sent: int

    @property
    def complete(self) -> bool:
        return self.not_sent == 0

    @classmethod
    def nothing(cls) -> "DeliveryReport":
        return cls(created=0, queued=0, emitted=0, not_sent=0)

    def __add__(self, other: "DeliveryReport") -> "DeliveryReport":
        """Two chunks of one run, reported as one."""
        return DeliveryReport(self.created + other.created, self.queued + other.queued,
                              self.emitted + other.emitted, self.not_sent + other.not_sent)


def deliver(
    notifications: Sequence[NewNotification], redis: RedisResource, socketio: SocketIOResource
) -> DeliveryReport:
    if not notifications:
        return DeliveryReport.nothing()
    queued = len(notifications) if redis.push_json_many(n.queue_entry() for n in notifications) else 0
    emitted = 0
    if socketio.enabled:
        for notification in notifications:
            if not socketio.emit(EVENT, notification.payload(), room=notification.room):
                break
            emitted += 1
    not_sent = len(notifications) - emitted if socketio.enabled else 0
    if redis.enabled:
        not_sent = max(not_sent, len(notifications) - queued)
    return DeliveryReport(created=len(notifications), queued=queued, emitted=emitted, not_sent=not_sent)
