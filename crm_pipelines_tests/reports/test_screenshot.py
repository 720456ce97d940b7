"""The stored HTML report opened in headless Chromium (selenium, /usr/bin/chromedriver) shows the
numbers and draws the chart; the screenshot is saved under test-artifacts/ for a person to look at.
Needs the `chromium` and `chromium-driver` packages (apt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from crm_pipelines.settings import PROJECT_ROOT
from crm_pipelines_tests.reports.conftest import DAY, build_acme_day, run_report
from crm_pipelines_tests.support.crm_factory import stored_report

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=900,2200",
)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def test_report_renders_in_a_browser(db, report_settings, resources, browser, tmp_path: Path):
    acme = build_acme_day(db)
    assert run_report(report_settings, resources).success
    with db.connect() as conn:
        html = stored_report(conn, acme.tenant_id, DAY)["html"]
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")

    browser.get(page.as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "daily-report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000

    assert browser.find_element(By.ID, "report-title").text == "Acme · 20/11/2026"
    value = {
        cell.get_attribute("data-metric"): cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "#team-performance td[data-metric]")
    }
    assert value == {
        "total_conversations": "22",
        "new_leads": "9",
        "converted_leads": "5",
        "conversion_rate": "55,6 %",
        "avg_response_time_minutes": "16,4 min",
    }
    top = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#top-performers tr")][1:]
    assert top == ["1 Carla Ruiz 1 8,20", "2 Bruno Díaz 2 7,50", "3 Ana López 1 7,50"]
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Revisar 7 conversaciones sin respuesta de Bruno Díaz" in text
    assert "Sin respuesta 3" in text
    # The chart (a data: URI) decoded and laid out by the browser.
    assert browser.execute_script("return document.getElementById('chart').naturalWidth") == 1000
