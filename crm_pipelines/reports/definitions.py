"""Everything of this domain that the code location registers."""

from __future__ import annotations

import dagster as dg

from crm_pipelines.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    return dg.Definitions()
