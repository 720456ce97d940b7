"""Socket.IO events through Redis, with python-socketio's write-only Redis manager.

The CRM's own python-socketio server listens on the same Redis channel and forwards each event
to the room's clients. Off without Redis; a failed emit logs a warning and returns False.
"""

# No `from __future__ import annotations` here: Dagster reads the resource fields' annotations
# (`dg.ResourceDependency`) as real types when it builds the class.

import json
import logging
from typing import Any

import dagster as dg
import socketio
from pydantic import PrivateAttr

from crm_pipelines.resources.redis import say_off_once

log = logging.getLogger(__name__)


def json_safe(value: Any) -> Any:
    """Dates, decimals and UUIDs as the CRM frontend reads them (strings / numbers)."""
    return json.loads(json.dumps(value, default=str))


class _ReportingRedisManager(socketio.RedisManager):
    """python-socketio's manager logs and swallows a failed publish; remember the outcome so the
    caller can record it (publish returns the receiver count, None when it gave up)."""

    last_publish_ok: bool = True

    def _publish(self, data):
        result = super()._publish(data)
        self.last_publish_ok = result is not None
        return result


class SocketIOResource(dg.ConfigurableResource):
    """Events to the CRM's Socket.IO server through Redis. `redis_url` is REDIS_URL, handed over as
    a `Secret` dependency (never config: the UI shows no part of it)."""

    redis_url: dg.ResourceDependency[str | None] = None
    channel: str = "socketio"

    _manager: _ReportingRedisManager | None = PrivateAttr(default=None)

    @property
    def enabled(self) -> bool:
        return bool(self.redis_url)

    def _get_manager(self) -> _ReportingRedisManager | None:
        if not self.redis_url:
            say_off_once("cache, queue and Socket.IO")
            return None
        if self._manager is None:
            self._manager = _ReportingRedisManager(
                self.redis_url,
                channel=self.channel,
                write_only=True,
                redis_options={"socket_timeout": 2.0, "socket_connect_timeout": 2.0},
            )
        return self._manager

    def emit(self, event: str, data: Any, room: str) -> bool:
        """Send `event` to `room`; True when Redis took it."""
        manager = self._get_manager()
        if manager is None:
            return False
        try:
            manager.emit(event, json_safe(data), room=room)
        except Exception as err:  # redis errors surface wrapped or raw depending on the version
            log.warning("Socket.IO emit of %s to %s failed: %s", event, room, type(err).__name__)
            return False
        if not manager.last_publish_ok:
            log.warning("Socket.IO emit of %s to %s failed: Redis did not take it", event, room)
        return manager.last_publish_ok
