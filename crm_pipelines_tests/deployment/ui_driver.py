"""Headless Chromium (Debian's `chromium` + `chromium-driver`, `make browser`) driven by Selenium,
with the waits a React app needs: elements re-render under the driver, so every find-and-click
is retried until it sticks, and every step waits for text a person would look for."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_OPTIONS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--window-size=1600,1000"]


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    if not Path(CHROMEDRIVER).exists() or not shutil.which("chromium"):
        raise RuntimeError("headless Chromium is missing: `make browser` (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for option in CHROMIUM_OPTIONS:
        options.add_argument(option)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class UI:
    """One browser tab on the Dagster UI, with screenshots numbered in the order taken."""

    def __init__(self, driver: webdriver.Chrome, base_url: str, screenshots: Path, timeout: float = 60):
        """`screenshots`: an existing folder of this test session's own."""
        self.driver = driver
        self.base_url = base_url
        self.screenshots = screenshots
        self.timeout = timeout
        self.taken: list[Path] = []

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{len(self.taken) + 1:02d}_{name}.png"
        self.driver.save_screenshot(str(path))
        self.taken.append(path)
        return path

    def wait_for(self, xpath: str, timeout: float | None = None) -> WebElement:
        """The first displayed element matching `xpath`, once there is one."""
        def displayed(driver) -> WebElement | bool:
            for element in driver.find_elements(By.XPATH, xpath):
                try:
                    if element.is_displayed():
                        return element
                except WebDriverException:  # re-rendered while we looked: look again
                    pass
            return False

        return WebDriverWait(self.driver, timeout or self.timeout).until(
            displayed, f"nothing displayed matches {xpath}")

    def click(self, xpath: str, timeout: float | None = None) -> None:
        """Click the first displayed element matching `xpath`, retrying while React re-renders it
        or something (a toast, an animation) covers it."""
        last: list[Exception] = []

        def clicked(driver) -> bool:
            try:
                self.wait_for(xpath, timeout=2).click()
                return True
            except WebDriverException as err:  # stale, intercepted, not there yet: try again
                last[:] = [err]
                return False

        WebDriverWait(self.driver, timeout or self.timeout).until(
            clicked, f"could not click {xpath}: {last[0] if last else ''}")

    def in_view(self, xpath: str) -> bool:
        """Whether the element is drawn entirely inside the browser's window."""
        try:
            element = self.wait_for(xpath, timeout=2)
            rect = element.rect
            width = self.driver.execute_script("return window.innerWidth")
            height = self.driver.execute_script("return window.innerHeight")
        except WebDriverException:
            return False
        return rect["x"] >= 0 and rect["y"] >= 0 and rect["x"] + rect["width"] <= width \
            and rect["y"] + rect["height"] <= height

    def click_all(self, css: str, attempts: int = 20) -> int:
        """Click every element matching `css`, one at a time (each click re-renders the rest),
        until none is left."""
        clicked = 0
        for _ in range(attempts):
            try:
                elements = [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
                if not elements:
                    break
                elements[0].click()
                clicked += 1
            except WebDriverException:  # re-rendered under us: look again
                pass
        return clicked


def text_is(text: str) -> str:
    """XPath: an element whose whole text is exactly `text` (React may split it into several
    text nodes; the innermost such element comes last in document order)."""
    return f"//*[normalize-space(.)='{text}']"


def button(label: str) -> str:
    """XPath: a button whose visible text contains `label`."""
    return f"//button[contains(normalize-space(), '{label}')]"
