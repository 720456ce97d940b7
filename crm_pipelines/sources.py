"""The CRM's own tables as external assets: the pipelines read them, the CRM writes them."""

from __future__ import annotations

import dagster as dg

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


def build_defs() -> dg.Definitions:
    return dg.Definitions(assets=SOURCE_ASSETS)
