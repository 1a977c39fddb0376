"""Issue 6, as a person uses it: the web UI in real headless Chromium against the real stack.
Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from services.search.query import cell_paths
from tests.browser.conftest import shot, wait
from tests.integration import search_corpus


@pytest.fixture(scope="module")
def corpus(stack):
    c = search_corpus.load(stack, n_synth=16)
    assert c.hostile_id in c.records, c.failed.get("hostile.txt")
    return c



def total_text(driver) -> str:
    return wait(driver, "#total").text


def test_search_facet_open_report_see_flagged_cell(stack, corpus, browser):
    current = [r for r in corpus.records.values() if not r["superseded"]]
    # A report with a finding that names one table cell.
    target, finding = next((r, f) for r in current for f in r["findings"] if f.get("where") in cell_paths())
    province = target["meta"]["region"]["province"]
    assert province

    browser.get(stack.search_url + "/")
    wait(browser, "#hits .hit")
    assert total_text(browser) == f"共 {len(current)} 份年报"
    shot(browser, "01-search-all")
    # Cursor paging: "加载更多" appends the next page until every report is listed, without repeats.
    while browser.find_element(By.ID, "more").is_displayed():
        n = len(browser.find_elements(By.CSS_SELECTOR, "#hits .hit"))
        browser.find_element(By.ID, "more").click()
        WebDriverWait(browser, 20).until(lambda d, n=n: len(d.find_elements(By.CSS_SELECTOR, "#hits .hit")) > n)
    listed = [e.get_attribute("data-id") for e in browser.find_elements(By.CSS_SELECTOR, "#hits .hit")]
    assert sorted(listed) == sorted(r["id"] for r in current)

    link = wait(browser, f'.facet[data-facet="province"] a[data-value="{province}"]')
    assert link.find_element(By.CSS_SELECTOR, ".n").text == str(
        sum(1 for r in current if r["meta"]["region"]["province"] == province))
    link.click()
    WebDriverWait(browser, 20).until(lambda d: "province=" in d.current_url)
    in_province = [r for r in current if r["meta"]["region"]["province"] == province]
    WebDriverWait(browser, 20).until(lambda d: total_text(d) == f"共 {len(in_province)} 份年报")
    assert parse_qs(urlparse(browser.current_url).query)["province"] == [province]  # bookmarkable
    assert "on" in wait(browser, f'.facet[data-facet="province"] a[data-value="{province}"]').get_attribute("class")
    regions = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#hits .hit .region")]
    assert regions and all(t.startswith(province) for t in regions)
    shot(browser, "02-search-facet")

    # Narrow to the target by its agency, then open it from the result list.
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(f'"{target["meta"]["agency"]}"')
    browser.find_element(By.ID, "go").click()
    WebDriverWait(browser, 20).until(lambda d: "q=" in d.current_url)
    hit = wait(browser, f'#hits .hit[data-id="{target["id"]}"]')
    assert hit.find_element(By.CSS_SELECTOR, ".badge.warn").text.endswith("个问题")
    shot(browser, "03-search-query")
    hit.find_element(By.CSS_SELECTOR, "a.title").click()

    cell = wait(browser, f'td[data-path="{finding["where"]}"]')
    assert "flagged" in cell.get_attribute("class")
    assert finding["message"] in cell.get_attribute("title")
    assert browser.find_element(By.ID, "title").text == target["meta"]["title"]
    for table in ("applications", "review_litigation", "active_disclosure"):
        assert browser.find_elements(By.CSS_SELECTOR, f"#table-{table} td[data-path]")
    assert len(browser.find_elements(By.CSS_SELECTOR, "section.sec")) == len(target["sections"])
    original = browser.find_element(By.ID, "original").get_attribute("href")
    assert httpx.get(original, timeout=30).status_code == 200
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    shot(browser, "04-report-flagged-cell")


def test_hostile_report_renders_as_text(stack, corpus, browser):
    browser.get(f"{stack.search_url}/report.html?id={corpus.hostile_id}")
    title = wait(browser, "#title")
    assert "<script>window.__xss=1</script>" in title.text
    body = browser.find_element(By.TAG_NAME, "body").text
    # (normalization folds full-width punctuation, so look for the markup and the words around it)
    assert '<img src=x onerror="window.__xss=1">本段文字应原样显示' in body
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    # The markup stayed text: no element was created from it.
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"], main script').length") == 0
    shot(browser, "05-hostile-report")

    browser.get(f"{stack.search_url}/?q={quote('特别说明')}")
    hit = wait(browser, f'#hits .hit[data-id="{corpus.hostile_id}"]')
    assert '<img src=x onerror="window.__xss=1">' in hit.text.replace("\n", "")
    assert hit.find_elements(By.CSS_SELECTOR, ".snippets mark")
    assert not browser.find_element(By.ID, "more").is_displayed()  # one hit: no further page
    assert "<script>" in hit.find_element(By.CSS_SELECTOR, "a.title").text
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    shot(browser, "06-hostile-search")


def test_timeline_and_stats_charts(stack, corpus, browser):
    current = [r for r in corpus.records.values() if not r["superseded"]]
    years = Counter()
    for r in current:
        years[r["meta"]["agency"]] += 1
    agency = years.most_common(1)[0][0]
    browser.get(f"{stack.search_url}/timeline.html?agency={quote(agency)}")
    wait(browser, "#chart-timeline canvas")
    heads = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#timeline-table thead th")][1:]
    assert heads == [f"{y} 年" for y in sorted({r["meta"]["year"] for r in current if r["meta"]["agency"] == agency})]
    shot(browser, "07-timeline")

    url = "/stats.html?metric=sum&figure=applications.granted.total&per=applications.total.total&group=province"
    browser.get(stack.search_url + url)
    wait(browser, "#chart-stats canvas")
    api = httpx.get(stack.search_url + "/api/v1/stats", params={"metric": "sum", "figure": "applications.granted.total",
                                                                "per": "applications.total.total",
                                                                "group": "province"}, timeout=30).json()
    rows = browser.find_elements(By.CSS_SELECTOR, "#stats-table tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [x["province"] for x in api["rows"]]
    shot(browser, "08-stats")


def test_report_page_outcome_chart(stack, corpus, browser):
    rec = next(r for r in corpus.records.values()
               if (r["applications"].get("granted") or {}).get("total"))
    browser.get(f"{stack.search_url}/report.html?id={rec['id']}")
    wait(browser, "#chart-outcomes canvas")
    shot(browser, "09-report-chart")


def test_labels_come_from_the_schema_endpoint(stack, corpus, browser):
    """The UI names facets, key figures and table rows and columns from GET /api/v1/schema."""
    schema = httpx.get(stack.search_url + "/api/v1/schema", timeout=30).json()
    facets = {f["name"]: f for f in schema["facets"]}
    browser.get(stack.search_url + "/")
    wait(browser, "#hits .hit")
    for box in browser.find_elements(By.CSS_SELECTOR, ".facet"):
        assert box.find_element(By.TAG_NAME, "h3").text == facets[box.get_attribute("data-facet")]["zh"]
    key_zh = [k["zh"] for k in schema["key_figures"]]
    shown = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#hits .figs dt")}
    assert shown and shown <= set(key_zh)

    rec = next(r for r in corpus.records.values() if r["meta"]["template"] == "2021" and r["applications"])
    browser.get(f"{stack.search_url}/report.html?id={rec['id']}")
    wait(browser, "#table-applications tbody tr")
    tables = {t["key"]: t for t in schema["tables"]}
    app = tables["applications"]
    heads = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#table-applications thead th")]
    assert heads == ["项目", "自然人", "法人或其他组织", "总计",
                     "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织"]
    # A row head's own text (a finding naming the whole row appends its rule's name after it).
    row_heads = "return [...document.querySelectorAll(arguments[0])].map((th) => th.firstChild.textContent)"
    assert browser.execute_script(row_heads, "#table-applications tbody th") == [r["label"] for r in app["rows"]["2021"]]
    assert browser.execute_script(row_heads, "#table-review_litigation tbody th") == \
        [r["label"] for r in tables["review_litigation"]["rows"]["2021"]]
    h2 = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    for t in schema["tables"]:
        sec = schema["sections"][t["section"] - 1]
        assert f"{'一二三四五六'[sec['no'] - 1]}、{sec['zh']}" in h2
    shot(browser, "10-report-tables-from-schema")

    browser.get(stack.search_url + "/stats.html?metric=sum&figure=applications.granted.other_org&group=province")
    wait(browser, "#chart-stats canvas")
    assert wait(browser, "#stats-title").text.startswith("三(一)予以公开 · 其他组织")
    options = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#group1 option")]
    assert options == schema["stats_groups"]
