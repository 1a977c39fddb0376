"""The audit page (audit.html) as a person uses it, in headless Chromium against the real stack: pick
江苏省 and 2024 → the bodies' reports with their findings, the counts by rule, and the body that reported
for 2023 but not 2024; the downloads point at the same audit; printed, the navigation and pickers go."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import shot, wait
from tests.integration.conftest import search_get
from tests.integration.test_audit import post
from tests.paths import REAL
from tests.test_validate_late_yoy import hongze_2023_received


@pytest.fixture(scope="module")
def corpus(stack) -> dict[str, str]:
    ids = {"hongze_2023": post(stack, hongze_2023_received(12).encode("utf-8"), "2023_hongze_district_12.txt"),
           "shuyang_fgj_2023": post(stack, (REAL / "2023_shuyang_fgj.html").read_bytes(), "2023_shuyang_fgj.html")}
    ids["hongze_2024"] = post(stack, (REAL / "2024_hongze_district.txt").read_bytes(), "2024_hongze_district.txt")
    ids["huaian_2024"] = post(stack, (REAL / "2024_huaian_city.txt").read_bytes(), "2024_huaian_city.txt")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        a = search_get(stack, "/api/v1/audit", province="江苏省", year=2024).json()
        if len(a["reports"]) == 2:
            break
        time.sleep(0.3)
    return ids



def test_pick_a_region_and_year_and_see_bodies_findings_and_the_missing_one(stack, corpus, browser):
    browser.get(stack.search_url + "/")
    wait(browser, 'header.top nav a[href="/audit.html"]').click()  # linked from the other pages
    province = Select(wait(browser, "#audit-province"))
    WebDriverWait(browser, 20).until(lambda d: any(o.get_attribute("value") == "江苏省" for o in province.options))
    province.select_by_value("江苏省")  # reloads the city, county and year options for 江苏省
    WebDriverWait(browser, 20).until(lambda d: "province=" in d.current_url)
    wait(browser, "#audit-year")
    WebDriverWait(browser, 20).until(lambda d: any(o.get_attribute("value") == "2024"
                                                   for o in Select(d.find_element(By.ID, "audit-year")).options))
    year = Select(browser.find_element(By.ID, "audit-year"))
    year.select_by_value("2024")
    browser.find_element(By.ID, "audit-go").click()

    wait(browser, "#audit-reports tbody tr")
    assert browser.find_element(By.ID, "audit-title").text == "江苏省 2024 年度政府信息公开工作年度报告审核"
    rows = {r.get_attribute("data-id"): r for r in browser.find_elements(By.CSS_SELECTOR, "#audit-reports tbody tr")}
    assert set(rows) == {corpus["hongze_2024"], corpus["huaian_2024"]}
    hongze = rows[corpus["hongze_2024"]]
    assert hongze.find_element(By.CSS_SELECTOR, "td.agency a").text == "淮安市洪泽区人民政府"
    assert hongze.find_element(By.CSS_SELECTOR, ".badge.quality").text == "部分可读 partial"
    jump = hongze.find_element(By.CSS_SELECTOR, 'ul.findings li[data-rule="YOY_JUMP"]')
    assert "2024 年度为 95，2023 年度为 12" in jump.text and "数据同比突变" in jump.text
    assert rows[corpus["huaian_2024"]].find_element(By.CSS_SELECTOR, ".findings-cell").text == "无 / none"

    rule = browser.find_element(By.CSS_SELECTOR, '#audit-rules tr[data-rule="YOY_JUMP"]')
    assert [td.text for td in rule.find_elements(By.TAG_NAME, "td")] == [
        "数据同比突变 / figure jumped from the previous year", "YOY_JUMP", "提示", "1", "1"]
    (missing,) = browser.find_elements(By.CSS_SELECTOR, "#audit-missing tbody tr")
    cells = missing.find_elements(By.TAG_NAME, "td")
    assert [c.text for c in cells[:2]] == ["沭阳县发展和改革局", "江苏省 · 宿迁市 · 沭阳县"]
    link = cells[2].find_element(By.TAG_NAME, "a").get_attribute("href")
    assert parse_qs(urlsplit(link).query)["id"] == [corpus["shuyang_fgj_2023"]]
    assert browser.find_element(By.ID, "sum-missing").text == "应报未报 missing 1"
    for link_id, path in (("audit-csv", "/api/v1/audit.csv"), ("audit-xlsx", "/api/v1/audit.xlsx")):
        href = urlsplit(browser.find_element(By.ID, link_id).get_attribute("href"))
        assert href.path == path and parse_qs(href.query) == {"province": ["江苏省"], "year": ["2024"]}
    shot(browser, "audit-01-jiangsu-2024")

    # Printed: no navigation, pickers or buttons; the tables stay.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
        assert not browser.find_element(By.ID, "audit-form").is_displayed()
        assert not browser.find_element(By.ID, "audit-csv").is_displayed()
        assert browser.find_element(By.ID, "audit-missing").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".print-title").is_displayed()
        shot(browser, "audit-02-print")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_a_county_from_the_url(stack, corpus, browser):
    browser.get(stack.search_url + "/audit.html?province=江苏省&city=淮安市&county=洪泽区&year=2024")
    wait(browser, "#audit-reports tbody tr")
    ids = [r.get_attribute("data-id") for r in browser.find_elements(By.CSS_SELECTOR, "#audit-reports tbody tr")]
    assert ids == [corpus["hongze_2024"]]
    assert Select(browser.find_element(By.ID, "audit-county")).first_selected_option.get_attribute("value") == "洪泽区"
    assert "均已报送" in browser.find_element(By.ID, "audit-missing").text


def test_report_text_in_a_finding_stays_text(stack, corpus, browser):
    # The real 2023 report of 平潭综合实验区经济发展局, whose NARRATIVE_MISMATCH quotes its own sentence,
    # with markup put into that sentence: the page shows the characters, never an element.
    text = (REAL / "2023_pingtan_jjf.txt").read_text(encoding="utf-8").replace(
        "2023年，共收到政府信息公开申请0条", "2023年，<svg/onload=window.__xss=1><b>共收到政府信息公开申请0条", 1)
    doc_id = post(stack, text.encode("utf-8"), "2023_pingtan_jjf_markup.txt")
    deadline = time.monotonic() + 30
    while not search_get(stack, "/api/v1/audit", province="福建省", year=2023).json()["reports"]:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    browser.get(stack.search_url + "/audit.html?province=福建省&year=2023")
    row = wait(browser, f'#audit-reports tbody tr[data-id="{doc_id}"]')
    li = row.find_element(By.CSS_SELECTOR, 'ul.findings li[data-rule="NARRATIVE_MISMATCH"]')
    assert "<svg/onload=window.__xss=1><b>共收到政府信息公开申请0条" in li.text
    assert browser.find_elements(By.CSS_SELECTOR, "#audit-reports svg, #audit-reports b") == []
    assert browser.execute_script("return window.__xss === undefined")
