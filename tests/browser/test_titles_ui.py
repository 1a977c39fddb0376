"""Issue 17 item 4: a report whose body (agency) and title were not found is never shown by its sha256 id.
The result list and the report page show its title; else its file name; else "机关未知 / unknown body"
with the year. Real seed text with its body's name taken out, through the real pipeline, in Chromium."""
from __future__ import annotations

import time

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import shot, wait
from tests.integration.conftest import search_json, wait_status
from tests.paths import SEEDS

MARK = "请联系我们"  # only in these reports: the phrase that replaced the body's name
FILENAME = "无名年报.txt"


def anonymous_report(phone: str) -> bytes:
    """A real seed (no title line) with the one sentence naming its body replaced."""
    text = sorted(SEEDS.glob("*.txt"))[2].read_bytes().decode("utf-8")
    named = "请联系漳浒寨街道办事处党政综合办公室,联系电话:62616816"
    assert named in text
    return text.replace(named, f"{MARK},联系电话:{phone}").encode("utf-8")


@pytest.fixture(scope="module")
def reports(stack) -> dict[str, str]:
    """"file": uploaded with a file name; "bare": the raw bytes as the body, no name at all."""
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"file": (FILENAME, anonymous_report("62616817"))},
                   timeout=60)
    assert r.status_code == 202, r.text
    ids = {"file": r.json()["id"]}
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=anonymous_report("62616818"),
                   headers={"Content-Type": "text/plain; charset=utf-8"}, timeout=60)
    assert r.status_code == 202, r.text
    ids["bare"] = r.json()["id"]
    for doc_id in ids.values():
        assert wait_status(stack, doc_id)["status"] == "indexed"
    for _ in range(40):  # visible to search (index refresh)
        if search_json(stack, q=f'"{MARK}"', size=0, include_superseded=True)["total"] >= 2:
            break
        time.sleep(0.5)
    return ids



def test_unknown_body_shows_file_name_or_unknown_with_year(stack, reports, browser):
    want = {"file": FILENAME, "bare": "机关未知 / unknown body · 2021 年度"}
    for kind, doc_id in reports.items():
        meta = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30).json()["meta"]
        # The case this is about: neither title nor body found.
        assert meta["title"] is None and meta["agency"] is None and meta["year"] == 2021, meta
        assert meta["source"]["filename"] == (FILENAME if kind == "file" else None)

    found = {h["id"]: h for h in search_json(stack, q=f'"{MARK}"', include_superseded=True)["results"]}
    assert sorted(found) == sorted(reports.values()), (found, reports)
    # Both read as "unknown body, 2021": one supersedes the other, so the list asks for superseded ones too.
    browser.get(f"{stack.search_url}/?q={MARK}&include_superseded=true")
    wait(browser, "#hits .hit")
    for kind, doc_id in reports.items():
        hit = wait(browser, f'#hits .hit[data-id="{doc_id}"]')
        assert hit.find_element(By.CSS_SELECTOR, "a.title").text == want[kind]
        assert doc_id not in hit.text
    shot(browser, "17-untitled-results")

    for kind, doc_id in reports.items():
        browser.get(f"{stack.search_url}/report.html?id={doc_id}")
        WebDriverWait(browser, 20).until(lambda d, k=kind: d.find_element(By.ID, "title").text == want[k])
        assert browser.title == f"{want[kind]} · 年报检索"
        assert doc_id not in browser.find_element(By.ID, "title").text  # (the id is shown once, as 编号)
    shot(browser, "17-untitled-report")
