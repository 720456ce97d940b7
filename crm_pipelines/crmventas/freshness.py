"""What every metrics refresh, notification check and report calls first: with
CRM_SOURCE=crmventas, mirrors no older than the caller's own start (a sync in the same run, or
the running one waited for); with CRM_SOURCE=spec, nothing (the CRM's tables are read directly)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.settings import Settings


def ensure_mirrors(settings: Settings, postgres: PostgresResource, since: datetime,
                   log: Callable[[str], None] | None = None) -> dict | None:
    """None when nothing had to be synced; else what the sync read and wrote (for metadata)."""
    if settings.crm_source != "crmventas":
        return None
    from crm_pipelines.crmventas.sync import ensure_fresh

    report = ensure_fresh(postgres, settings.crm_timezone, since, settings.conversation_archive_days)
    if report is None:
        return None
    if log is not None:
        log(f"synced the CRM Ventas mirrors first ({report.seconds} s): read {report.read}, wrote {report.written}")
    return {"read": report.read, "written": report.written, "seconds": report.seconds}


def mirrors_synced_at(postgres: PostgresResource) -> datetime | None:
    from crm_pipelines.crmventas.sync import read_state

    last = read_state(postgres).get("sync")
    return None if last is None else last[1]
