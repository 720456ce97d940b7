"""CRM_SOURCE=crmventas in the UI: CRM Ventas's tables as external assets, and the mirrors of
SPEC's relations (`sellers`, `conversations`, `messages`, `leads`) as one multi-asset that syncs
them. The lineage reads CRM Ventas tables -> mirrors -> seller_metrics -> daily_report.

Materializing the mirrors syncs incrementally; its config runs a reconciliation (`reconcile`) or a
full resync (`full`), also launched from the UI as `crm_ventas_resync_job`. Each materialization's
metadata says what was read from CRM Ventas and written to the mirrors, and what a
reconciliation corrected.
"""

# No `from __future__ import annotations` here: Dagster reads the config annotation as a real type.

import dagster as dg
from pydantic import Field

from crm_pipelines.automation import schedule_status
from crm_pipelines.crmventas.checks import MIRROR_CHECKS
from crm_pipelines.crmventas.sync import MODES, SyncReport, sync
from crm_pipelines.resources.postgres import PostgresResource
from crm_pipelines.retries import retry_only_transient, transient_retry_policy
from crm_pipelines.settings import Settings

GROUP = "crm_ventas"
CRM_VENTAS_TABLES = {
    "users": "CRM Ventas's users: the sellers (setter, closer, professional), the CEO, secretaries.",
    "tenants": "CRM Ventas's tenants (clinic_name, owner_email).",
    "chat_messages": "Every WhatsApp message, customer (role user) or outbound (role assistant), by thread "
                     "(tenant_id, from_number).",
    "leads": "CRM Ventas's leads: status in three vocabularies, close_probability 0..100.",
    "lead_notes": "Calls and follow-up notes, with next_contact_date.",
    "lead_tasks": "Tasks on leads, with due dates.",
    "seller_agenda_events": "Meetings on the sellers' agendas.",
    "lead_status_history": "Every status change of a lead.",
    "system_events": "CRM Ventas's event log: `seller_assignment` says a thread was assigned.",
}
MIRRORS = {
    "sellers": ("users", "tenants"),
    "conversations": ("chat_messages", "leads", "system_events"),
    "messages": ("chat_messages", "system_events"),
    "leads": ("leads", "lead_notes", "lead_tasks", "seller_agenda_events", "lead_status_history", "chat_messages"),
}
MIRROR_DESCRIPTIONS = {
    "sellers": "Mirror of SPEC's sellers from CRM Ventas's users (role and status mapped).",
    "conversations": "Mirror of SPEC's conversations: one per thread (tenant_id, from_number).",
    "messages": "Mirror of SPEC's messages from chat_messages (customer, seller or bot by correlation_id).",
    "leads": "Mirror of SPEC's leads (statuses mapped, probability / 100, follow-ups from notes, tasks, agenda).",
}


def crm_table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["crm_ventas", table])


CRM_VENTAS_SPECS = [
    dg.AssetSpec(crm_table_key(table), description=text, group_name=GROUP, kinds={"postgres"})
    for table, text in CRM_VENTAS_TABLES.items()
]


class MirrorSyncConfig(dg.Config):
    mode: str = Field(default="incremental", description="incremental (what changed), reconcile (compare "
                      "everything, count corrections) or full (re-read everything)")


def build_mirrors_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="crm_ventas_mirrors",
        specs=[
            dg.AssetSpec(name, description=MIRROR_DESCRIPTIONS[name], group_name=GROUP, kinds={"postgres"},
                         deps=[crm_table_key(t) for t in tables])
            for name, tables in MIRRORS.items()
        ],
        retry_policy=transient_retry_policy(settings),
    )
    def crm_ventas_mirrors(context: dg.AssetExecutionContext, config: MirrorSyncConfig,
                           postgres: PostgresResource):
        """Sync the mirrors from CRM Ventas: what changed since the last sync, in batches."""
        if config.mode not in MODES:
            raise dg.Failure(f"mode={config.mode!r} is refused: it must be one of {', '.join(MODES)}",
                             allow_retries=False)
        with retry_only_transient():
            report = sync(postgres, settings.crm_timezone, config.mode, settings.conversation_archive_days)
        context.log.info(f"{config.mode} sync: read {report.read}, wrote {report.written}"
                         + (f", corrected {report.corrected}" if report.corrected else ""))
        for name in MIRRORS:
            yield dg.MaterializeResult(asset_key=name, metadata=report_metadata(report, name))

    return crm_ventas_mirrors


def report_metadata(report: SyncReport, mirror: str) -> dict:
    return {
        "mode": report.mode,
        "rows_written": report.written.get(mirror, 0),
        "read_from_crm_ventas": dg.MetadataValue.json(report.read),
        "written": dg.MetadataValue.json(report.written),
        "corrected_by_reconciliation": dg.MetadataValue.json(report.corrected),
        "watermarks": dg.MetadataValue.json(report.watermarks),
        "sync_started_at": report.started_at.isoformat(),
        "seconds": report.seconds,
    }


def build_resync_job():
    """The UI's one action for a full resync: launch this job (its config says `full`)."""
    return dg.define_asset_job(
        "crm_ventas_resync_job",
        selection=dg.AssetSelection.assets(*MIRRORS),
        description="Re-read every CRM Ventas row into the mirrors (a full resync). The mirrors stay "
        "readable meanwhile; metrics runs wait for it to finish.",
        config={"ops": {"crm_ventas_mirrors": {"config": {"mode": "full"}}}},
    )


def build_reconcile_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The nightly reconciliation: what the watermarks cannot see (reassignments, agenda events)."""
    job = dg.define_asset_job(
        "crm_ventas_reconcile_job",
        selection=dg.AssetSelection.assets(*MIRRORS),
        config={"ops": {"crm_ventas_mirrors": {"config": {"mode": "reconcile"}}}},
    )
    return dg.ScheduleDefinition(
        name="crm_ventas_reconcile_schedule", job=job, cron_schedule="30 3 * * *",
        execution_timezone=settings.crm_timezone, default_status=schedule_status(settings),
        description="Every night at 03:30: compare every thread and lead with CRM Ventas and correct the mirrors.",
    )


def build_defs(settings: Settings) -> dg.Definitions:
    schedule = build_reconcile_schedule(settings)
    return dg.Definitions(
        assets=[*CRM_VENTAS_SPECS, build_mirrors_asset(settings)],
        asset_checks=MIRROR_CHECKS,
        jobs=[build_resync_job(), schedule.job],
        schedules=[schedule],
    )
