"""Issue 16, as a person sees it: a scanned report, read by OCR through the real queue, shows on its report
page which pages OCR read and how sure it was, and each figure OCR read carries its confidence — real headless
Chromium against the real stack."""
from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import shot, wait
from tests.integration.conftest import wait_status
from tests.paths import SHARED
from tests.scans import image_only_pdf

SOURCE = SHARED / "corpus" / "real-pdf" / "2023_hongze_district.pdf"


@pytest.fixture(scope="module")
def scanned(stack) -> dict:
    scan = image_only_pdf(SOURCE.read_bytes(), dpi=150, grayscale=True)
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=scan, params={"filename": "hongze-scan.pdf"},
                   timeout=30)
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert wait_status(stack, doc_id, timeout=400)["status"] == "indexed"
    return httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30).json()


def test_report_page_says_what_ocr_read(stack, scanned, browser):
    ocr = scanned["meta"]["source"]["ocr"]
    assert ocr["pages"] == [0, 1, 2, 3, 4]
    browser.get(f"{stack.search_url}/report.html?id={scanned['id']}")
    wait(browser, "#report table")
    meta = {d.find_element(By.TAG_NAME, "dt").text: d.find_element(By.TAG_NAME, "dd").text
            for d in browser.find_elements(By.CSS_SELECTOR, ".metalist > div")}
    assert meta["OCR 识别"].startswith("第 1、2、3、4、5 页 / pages 1、2、3、4、5 · rapidocr")
    assert f"{ocr['mean_confidence']:.2f}" in meta["OCR 识别"]
    path, conf = next(iter(sorted(scanned["ocr_confidence"].items())))
    td = browser.find_element(By.CSS_SELECTOR, f'td[data-path="{path}"]')
    assert float(td.get_attribute("data-ocr")) == conf
    assert f"OCR 识别，置信度 {conf:.2f}" in td.get_attribute("title")
    shot(browser, "ocr-01-report")
