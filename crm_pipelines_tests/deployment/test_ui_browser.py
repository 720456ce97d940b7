"""An operator in a real browser (headless Chromium) on the deployment's webserver.

Covers: the asset graph shows seller_metrics and daily_report; from seller_metrics' page the
operator materializes one day (Materialize… → type the partition → Launch 1 run), follows the
run to its page and sees it succeed; the day's rows are then in PostgreSQL. Screenshots of each
step are kept in test-artifacts/ui/<time>-<pid>/.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from crm_pipelines_tests.deployment.conftest import ACTIVE_SELLERS, RunningDeployment
from crm_pipelines_tests.deployment.harness import artifact_folder
from crm_pipelines_tests.deployment.ui_driver import UI, button, chromium, text_is

pytestmark = pytest.mark.deployment

IN_GRAPH = "//*[local-name()='svg']"  # the lineage graph's nodes, not the sidebar's tree


def test_an_operator_materializes_one_day_of_seller_metrics_from_the_ui(deployed: RunningDeployment):
    # a day outside the API test's 30-day backfill, so this run is the one that writes it
    day = (deployed.small_crm.answered_day - timedelta(days=40)).isoformat()

    with chromium() as driver:
        ui = UI(driver, deployed.webserver_url, artifact_folder("ui"))
        try:
            # The lineage graph starts with groups collapsed: open each, step back to see all.
            ui.open("/asset-groups")
            ui.wait_for(text_is("Global asset lineage"))
            ui.wait_for("//*[@aria-label='unfold_more']")
            ui.click_all("[aria-label='unfold_more']")
            # nodes outside the view are not drawn: step back until daily_report is in view
            for _ in range(12):
                if ui.in_view(f"({IN_GRAPH}{text_is('daily_report')})[last()]"):
                    break
                ui.click("//*[@aria-label='zoom_out']")
                time.sleep(0.5)  # the zoom animates
            ui.wait_for(IN_GRAPH + text_is("daily_report"))
            ui.wait_for(IN_GRAPH + text_is("seller_metrics"))
            ui.screenshot("asset_graph")

            # seller_metrics' node → its details → its page in the catalog
            # (the group's header comes first in the page, the asset's node last)
            ui.click(f"({IN_GRAPH}{text_is('seller_metrics')})[last()]")
            ui.click("//a[normalize-space()='View in Asset Catalog']")
            ui.wait_for(text_is("Latest materialization"))
            ui.screenshot("asset_page")

            # Materialize… → one partition → Launch 1 run
            ui.click(button("Materialize"))
            dialog = ui.wait_for("//*[@role='dialog']")
            ui.wait_for(text_is("Launch runs to materialize seller_metrics"))
            partitions = dialog.find_element(By.XPATH, ".//input[@type='text']")
            partitions.click()
            partitions.send_keys(day, Keys.ENTER)
            ui.wait_for(text_is("1 partition"))
            ui.screenshot("partition_chosen")
            ui.click(button("Launch 1 run"))

            # the toast links to the run; its page shows the status as it changes
            ui.click("//a[normalize-space()='View' and contains(@href, '/runs/')]")
            ui.wait_for(text_is(f"partition: {day}"))
            ui.wait_for(text_is("Success"), timeout=200)
            ui.wait_for(text_is("RUN_SUCCESS"))
            ui.screenshot("run_succeeded")
        finally:
            ui.screenshot("last_seen")

    with deployed.crm.connect() as conn:
        sellers = conn.execute(sa.text("SELECT seller_id FROM seller_metrics WHERE period = :day"),
                               {"day": day}).scalars().all()
    assert sorted(sellers) == sorted(ACTIVE_SELLERS)
