"""Redis for the metrics cache and the notification queue: best effort, never the system of record.

Without REDIS_URL every call is a no-op (said once in the log). With Redis down, calls return
False and log a warning; callers record that in their metadata and carry on.
"""

# No `from __future__ import annotations` here: Dagster reads the resource fields' annotations
# (`dg.ResourceDependency`) as real types when it builds the class.

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import dagster as dg
import redis as redis_lib
from pydantic import PrivateAttr

log = logging.getLogger(__name__)

_SAID_OFF: set[str] = set()


def say_off_once(what: str) -> None:
    """Log once per process that a Redis-backed feature is off because REDIS_URL is unset."""
    if what not in _SAID_OFF:
        _SAID_OFF.add(what)
        log.info("REDIS_URL is unset: %s off", what)


def to_json(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"), ensure_ascii=False)


class RedisResource(dg.ConfigurableResource):
    """Cache (`crm:metrics:*` keys) and queue (REDIS_NOTIFICATION_QUEUE) on Redis. `url` is
    REDIS_URL, handed over as a `Secret` dependency (never config: the UI shows no part of it)."""

    url: dg.ResourceDependency[str | None] = None
    cache_ttl_minutes: int = 5
    notification_queue: str = "notifications"
    # A dead Redis must not hold a run: fail fast, then carry on without it.
    socket_timeout_seconds: float = 2.0

    _client: redis_lib.Redis | None = PrivateAttr(default=None)

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def client(self) -> redis_lib.Redis | None:
        if not self.url:
            say_off_once("cache, queue and Socket.IO")
            return None
        if self._client is None:
            self._client = redis_lib.Redis.from_url(
                self.url,
                socket_timeout=self.socket_timeout_seconds,
                socket_connect_timeout=self.socket_timeout_seconds,
                decode_responses=True,
            )
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _best_effort(self, what: str, call) -> bool:
        client = self.client()
        if client is None:
            return False
        try:
            call(client)
            return True
        except redis_lib.RedisError as err:
            log.warning("Redis unavailable, %s skipped: %s", what, type(err).__name__)
            return False

    def ping(self) -> bool:
        return self._best_effort("ping", lambda c: c.ping())

    def set_json_many(self, items: dict[str, Any], ttl_minutes: int | None = None) -> bool:
        """Write several cache keys in one round trip, each with the cache TTL."""
        ttl = 60 * (ttl_minutes or self.cache_ttl_minutes)

        def write(client: redis_lib.Redis) -> None:
            pipe = client.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(key, to_json(value), ex=ttl)
            pipe.execute()

        return self._best_effort("cache refresh", write)

    def push_json_many(self, values: Iterable[Any], queue: str | None = None) -> bool:
        payloads = [to_json(v) for v in values]
        if not payloads:
            return True
        return self._best_effort("queue push", lambda c: c.rpush(queue or self.notification_queue, *payloads))

    def scan_keys(self, pattern: str) -> Iterator[str]:
        client = self.client()
        if client is None:
            return iter(())
        try:
            return iter(list(client.scan_iter(match=pattern, count=1000)))
        except redis_lib.RedisError as err:
            log.warning("Redis unavailable, scan skipped: %s", type(err).__name__)
            return iter(())

    def delete_keys(self, keys: list[str]) -> int:
        client = self.client()
        if client is None or not keys:
            return 0
        try:
            return int(client.delete(*keys))
        except redis_lib.RedisError as err:
            log.warning("Redis unavailable, delete skipped: %s", type(err).__name__)
            return 0
