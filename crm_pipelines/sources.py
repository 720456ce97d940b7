"""SPEC's source relations in the asset graph: with CRM_SOURCE=spec the CRM's own tables, as
external assets (the pipelines read them, the CRM writes them); with CRM_SOURCE=crmventas the
mirrors synced from CRM Ventas (crm_pipelines/crmventas/), under the same names."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.settings import Settings

_DESCRIPTIONS = {
    "sellers": "The CRM's sellers, managers and CEOs, per tenant. Only active sellers get metrics.",
    "conversations": "Customer conversations (WhatsApp-style), each assigned to at most one seller.",
    "messages": "Every message of every conversation: customer, seller, bot or system.",
    "leads": "Sales leads moving through new → contacted → interested → negotiation → closed.",
}

SOURCE_ASSETS = [
    dg.AssetSpec(name, description=text, group_name="crm_source", kinds={"postgres"})
    for name, text in _DESCRIPTIONS.items()
]


def build_defs(settings: Settings) -> dg.Definitions:
    if settings.crm_source == "crmventas":
        from crm_pipelines.crmventas.assets import build_defs as crmventas_defs

        return crmventas_defs(settings)
    return dg.Definitions(assets=SOURCE_ASSETS)
