"""Issue 17 item 1, as a person sees it: on the report page a user enters an API key with the `correct`
scope, clicks a cell, gives a value and a reason; the page sends the correction to the ingest API (another
origin: CORS for the search UI's origin, CSP connect-src), waits for the re-indexed record and shows the
cell marked with its history. A reason and a meta value carrying HTML are shown as text: no element is
made from them and no script runs. Real headless Chromium against the real stack, keys required."""
from __future__ import annotations

import time

import httpx
import pytest
import redis
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from services.ingest.auth import KeyStore
from tests.browser.conftest import shot, wait
from tests.integration.conftest import running_stack, wait_status
from tests.integration.stack import SEARCH_PORT, Stack
from tests.paths import REPO

SAMPLE = REPO / "samples" / "000_642ff1a02613d8d6.txt"
CELL = "applications.new_received.total"
XSS = "<img src=x onerror=alert(1)>"
XSS_AGENCY = "<img src=x onerror=alert(2)>局"


@pytest.fixture(scope="module")
def closed(servers, tmp_path_factory):
    yield from running_stack(tmp_path_factory, "corrections_ui", NIANBAO_OPEN_ACCESS="0",
                             NIANBAO_SEARCH_URL=f"http://127.0.0.1:{SEARCH_PORT}")


@pytest.fixture(scope="module")
def setup(closed: Stack) -> tuple[str, str]:
    store = KeyStore(redis.Redis.from_url(closed.env["NIANBAO_REDIS_URL"], decode_responses=True))
    uploader, _ = store.create("上传", ["ingest"])
    corrector, _ = store.create("数据组", ["correct"])
    r = httpx.post(f"{closed.ingest_url}/api/v1/documents", headers={"Authorization": f"Bearer {uploader}"},
                   files={"file": (SAMPLE.name, SAMPLE.read_bytes())}, timeout=30)
    doc_id = r.json()["id"]
    assert wait_status(closed, doc_id)["status"] == "indexed"
    return doc_id, corrector



def no_alert(driver) -> bool:
    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_edit_a_cell_in_place_and_see_it_marked(closed, setup, browser):
    doc_id, key = setup
    browser.get(f"{closed.search_url}/report.html?id={doc_id}")
    td = wait(browser, f'td[data-path="{CELL}"]', timeout=30)
    old = int(td.text.replace(",", ""))
    assert "prov-corrected" not in td.get_attribute("class")
    assert not browser.find_elements(By.ID, "corrections")   # nobody corrected it yet

    browser.find_element(By.CSS_SELECTOR, "#corr-panel summary").click()
    ingest = browser.find_element(By.ID, "corr-ingest")
    ingest.clear()
    ingest.send_keys(closed.ingest_url)
    browser.find_element(By.ID, "corr-key").send_keys(key)
    browser.find_element(By.ID, "corr-edit").click()
    browser.find_element(By.CSS_SELECTOR, f'td[data-path="{CELL}"]').click()
    assert wait(browser, "#corr-path", timeout=30).text == CELL
    value = browser.find_element(By.ID, "corr-value")
    value.clear()
    value.send_keys(str(old + 900))
    browser.find_element(By.ID, "corr-reason").send_keys(XSS)
    browser.find_element(By.ID, "corr-save").click()

    # the page waits for the re-indexed record and renders again
    td = wait(browser, f'td[data-path="{CELL}"].prov-corrected', timeout=30)
    assert td.text.startswith(f"{old + 900:,}") and td.find_element(By.CSS_SELECTOR, ".corr-mark").text == "改"
    title = td.get_attribute("title")
    assert f"{old:,} → {old + 900:,}" in title and "数据组" in title and XSS in title
    row = wait(browser, "#corrections tbody tr", timeout=30)
    assert row.find_element(By.CSS_SELECTOR, ".corr-reason").text == XSS
    assert row.find_element(By.CSS_SELECTOR, ".corr-change").text == f"{old:,} → {old + 900:,}"
    assert row.find_element(By.CSS_SELECTOR, ".corr-by").text.startswith("数据组 (")
    assert not browser.find_elements(By.CSS_SELECTOR, "#corrections img, #report img") and no_alert(browser)
    # the key stays in this tab's sessionStorage only
    assert browser.execute_script("return sessionStorage.getItem('nianbao.correct.key')") == key
    assert browser.execute_script("return localStorage.length") == 0
    shot(browser, "corrections-01-cell-corrected")


def test_html_in_a_corrected_value_is_text(closed, setup, browser):
    doc_id, key = setup
    r = httpx.post(f"{closed.ingest_url}/api/v1/reports/{doc_id}/corrections", timeout=10,
                   headers={"Authorization": f"Bearer {key}"},
                   json={"path": "meta.agency", "value": XSS_AGENCY, "reason": "<script>alert(3)</script>"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    for _ in range(120):  # re-indexed
        rec = httpx.get(f"{closed.search_url}/api/v1/reports/{doc_id}", timeout=10).json()
        if any(c["id"] == cid for c in rec.get("corrections", [])):
            break
        time.sleep(0.5)
    browser.get(f"{closed.search_url}/report.html?id={doc_id}")
    rows = WebDriverWait(browser, 30).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#corrections tbody tr")) == 2
        and d.find_elements(By.CSS_SELECTOR, "#corrections tbody tr"))
    assert rows[1].find_element(By.CSS_SELECTOR, ".corr-change").text.endswith(f"→ {XSS_AGENCY}")
    assert rows[1].find_element(By.CSS_SELECTOR, ".corr-reason").text == "<script>alert(3)</script>"
    assert XSS_AGENCY in browser.find_element(By.CSS_SELECTOR, "#report dl.metalist").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#report img, #report script") and no_alert(browser)
    shot(browser, "corrections-02-html-as-text")


def test_revert_from_the_history(closed, setup, browser):
    """With the key in this tab, a correction in effect can be reverted from the log (the reason asked for)."""
    doc_id, key = setup
    browser.get(f"{closed.search_url}/report.html?id={doc_id}")
    first = wait(browser, "#corrections tbody tr:first-child", timeout=30)
    assert first.find_element(By.CSS_SELECTOR, ".corr-path").text == CELL
    old = first.find_element(By.CSS_SELECTOR, ".corr-change").text.split(" → ")[0]
    first.find_element(By.CSS_SELECTOR, "button.corr-revert").click()
    prompt = WebDriverWait(browser, 10).until(EC.alert_is_present())
    prompt.send_keys("核对后原值正确")
    prompt.accept()
    # the page polls for the re-indexed record and renders again (elements go stale meanwhile): read the
    # settled page in one go
    def settled(d):
        td = d.find_element(By.CSS_SELECTOR, f'td[data-path="{CELL}"]')
        rows = d.find_elements(By.CSS_SELECTOR, "#corrections tbody tr")
        if "prov-corrected" in (td.get_attribute("class") or "") or len(rows) < 3:
            return False
        return (td.text, [r.get_attribute("class") for r in rows],
                rows[2].find_element(By.CSS_SELECTOR, ".corr-reason").text,
                bool(rows[0].find_elements(By.CSS_SELECTOR, "button.corr-revert")))
    text, classes, reason, revertible = WebDriverWait(
        browser, 60, ignored_exceptions=(StaleElementReferenceException,)).until(settled)
    assert text == old
    assert classes == ["set", "set", "revert"]
    assert reason == "核对后原值正确"
    assert not revertible   # reverted: no second revert
    shot(browser, "corrections-03-reverted")
