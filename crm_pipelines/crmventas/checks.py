"""Asset checks of the CRM Ventas mirrors: the rows the mapping could only guess, flagged (WARN,
never failing a run) so that an operator sees how many and which (docs/crmventas-mapping.md)."""

import dagster as dg

from crm_pipelines.db.sql_files import load_sql
from crm_pipelines.resources.postgres import PostgresResource


def _counts(postgres: PostgresResource):
    with postgres.connect() as conn:
        return conn.execute(load_sql(__file__, "check_mirrors.sql")).one()


@dg.asset_check(asset="messages", blocking=False,
                description="Seller messages recognised only by the legacy /admin/chat/send route's "
                "correlation_id (a person, most likely): counted, not failed.")
def senders_by_legacy_route(postgres: PostgresResource) -> dg.AssetCheckResult:
    counts = _counts(postgres)
    return dg.AssetCheckResult(passed=counts.senders_by_legacy_route == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"messages": counts.senders_by_legacy_route})


@dg.asset_check(asset="leads", blocking=False,
                description="Leads whose CRM Ventas status is in none of the known vocabularies: they "
                "match no rule; add the status to crmventas_lead_statuses.")
def lead_statuses_known(postgres: PostgresResource) -> dg.AssetCheckResult:
    counts = _counts(postgres)
    return dg.AssetCheckResult(passed=counts.unknown_lead_statuses == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"leads": counts.unknown_lead_statuses,
                                         "statuses": dg.MetadataValue.json(sorted(counts.unknown_statuses or []))})


MIRROR_CHECKS = [senders_by_legacy_route, lead_statuses_known]
