"""The code location: every domain's definitions merged, with resources built from the settings.

Loading this module validates every setting: a bad value stops the code location from loading
with a message naming the variable.
"""

from __future__ import annotations

import dagster as dg

from crm_pipelines import sources
from crm_pipelines.alerting.definitions import build_defs as alerting_defs
from crm_pipelines.cleanup.definitions import build_defs as cleanup_defs
from crm_pipelines.notifications.definitions import build_defs as notifications_defs
from crm_pipelines.reports.definitions import build_defs as reports_defs
from crm_pipelines.resources.build import build_resources
from crm_pipelines.seller_metrics.definitions import build_defs as seller_metrics_defs
from crm_pipelines.settings import Settings, get_settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions.merge(
        sources.build_defs(settings),
        seller_metrics_defs(settings),
        reports_defs(settings),
        notifications_defs(settings),
        cleanup_defs(settings),
        alerting_defs(settings),
        # Every step is SQL-bound: runs launched from an asset page or a backfill run their steps
        # in one process instead of one process per step (~1.5 s each here).
        dg.Definitions(resources=build_resources(settings), executor=dg.in_process_executor),
    )


defs = build_definitions(get_settings())
