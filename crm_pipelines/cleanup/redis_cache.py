"""Remove the cached metrics (`crm:metrics:{tenant}:{seller}`) of sellers that are gone or inactive.

The keys expire on their own after REDIS_CACHE_TTL_MINUTES; this removes at once the ones a
reader should no longer see (a deactivated seller on a dashboard). The team keys
(`crm:metrics:{tenant}:team`) stay. Best effort: with Redis down nothing is removed and the
run carries on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.resources.redis import RedisResource

PATTERN = "crm:metrics:*"


@dataclass(frozen=True)
class CacheCleanup:
    reachable: bool  # False when Redis is set but did not answer
    scanned: int
    stale: int
    removed: int
    removed_keys: list[str]


def remove_stale_metric_keys(postgres: PostgresResource, redis: RedisResource) -> CacheCleanup:
    if not redis.enabled or not redis.ping():
        return CacheCleanup(reachable=not redis.enabled, scanned=0, stale=0, removed=0, removed_keys=[])
    keyed: dict[str, tuple[str, str]] = {}  # key -> (tenant, seller)
    for key in redis.scan_keys(PATTERN):
        parts = key.split(":")
        if len(parts) == 4 and parts[3] != "team":
            keyed[key] = (parts[2], parts[3])
    seller_ids = sorted({seller for _, seller in keyed.values() if _is_uuid(seller)})
    rows = (
        postgres.fetch_all(load_sql(__file__, "active_sellers.sql"), seller_ids=seller_ids)
        if seller_ids
        else []
    )
    active = {(str(row.tenant_id), row.seller_id) for row in rows}
    stale = sorted(key for key, (tenant, seller) in keyed.items() if (tenant, seller.lower()) not in active)
    removed = redis.delete_keys(stale)
    return CacheCleanup(
        reachable=True, scanned=len(keyed), stale=len(stale), removed=removed, removed_keys=stale[:20]
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False
