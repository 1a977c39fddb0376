"""Browser tests: the real UI in Debian's headless Chromium, driven by Selenium through Debian's
chromium-driver (never a downloaded browser or driver), against the real stack."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.conftest import servers, stack  # noqa: F401 — the real stack fixtures, used by name
from tests.paths import REPO

SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NIANBAO_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1366,1000", "--lang=zh-CN")


def make_driver() -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS:
        opts.add_argument(f)
    # An explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    return webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), \
        "需要 Debian 的 chromium 与 chromium-driver（scripts/setup.sh 安装） / chromium + chromium-driver missing"
    d = make_driver()
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def shot(driver: webdriver.Chrome, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test, keep a screenshot of what the page showed."""
    outcome = yield
    rep = outcome.get_result()
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if rep.when == "call" and rep.failed and driver is not None:
        try:
            shot(driver, f"FAILED-{item.name}")
        except Exception:  # noqa: BLE001 — the browser itself may be what failed
            pass


def wait(driver: webdriver.Chrome, css: str, timeout: float = 20) -> WebElement:
    """The first element matching `css`, once the page has it."""
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
