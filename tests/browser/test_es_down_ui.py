"""Issue 19: with Elasticsearch unreachable (a real search API under uvicorn whose Elasticsearch URL has
nothing listening), every page says plainly that search is unavailable, in Chinese and English —
not "出错了 / error: 500"."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import shot
from tests.integration.dead_es import search_api_without_es

MESSAGE = "检索服务暂时不可用，请稍后再试 / Search is temporarily unavailable — please try again shortly"


@pytest.fixture(scope="module")
def no_es_url():
    with search_api_without_es() as url:
        yield url


@pytest.mark.parametrize("page", ["/", "/?q=行政复议&province=北京市", "/stats.html",
                                  "/report.html?id=" + "a" * 64, "/timeline.html?agency=某某市人民政府"])
def test_pages_say_search_is_unavailable(no_es_url, browser, page):
    browser.get(no_es_url + page)
    alert = WebDriverWait(browser, 30).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert alert.text == MESSAGE
    assert "500" not in alert.text and "出错了" not in alert.text
    assert "unavailable" in alert.get_attribute("class")
    name = page.strip("/").split(".")[0].split("?")[0] or "search"
    shot(browser, f"es-down-{name}")
