"""Issue 15, as a person sees it: read-quality badges in the result list and on the report page, the
quality facet, cells whose position is unknown shown as "?", inferred cells marked, the reasons listed,
and the stats page's count of incomplete reports — real headless Chromium against the real stack
(corpus: tests/integration/quality_corpus.py). Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import shot, wait
from tests.integration import quality_corpus

BADGE = {"complete": "完整 complete", "partial": "部分可读 partial", "unreadable": "无法读取 unreadable"}


@pytest.fixture(scope="module")
def corpus(stack):
    return quality_corpus.load(stack)



def hit_ids(driver) -> list[str]:
    return [e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, "#hits .hit")]


def test_result_badges_and_quality_facet(stack, corpus, browser):
    browser.get(stack.search_url + "/")
    wait(browser, "#hits .hit")
    assert sorted(hit_ids(browser)) == sorted(corpus.records)
    for hit in browser.find_elements(By.CSS_SELECTOR, "#hits .hit"):
        grade = corpus.grade(hit.get_attribute("data-id"))
        badges = hit.find_elements(By.CSS_SELECTOR, ".badge.quality")
        if grade is None:  # never graded: no badge rather than a "complete" one
            assert not badges
        else:
            assert [b.text for b in badges] == [BADGE[grade]]
    facet = wait(browser, '.facet[data-facet="quality"]')
    assert facet.find_element(By.TAG_NAME, "h3").text == "读取质量"
    counts = {a.get_attribute("data-value"): (a.find_element(By.CSS_SELECTOR, ".v").text,
                                              a.find_element(By.CSS_SELECTOR, ".n").text)
              for a in facet.find_elements(By.CSS_SELECTOR, "a")}
    graded = [g for i in corpus.records if (g := corpus.grade(i))]
    assert counts == {g: (BADGE[g], str(graded.count(g))) for g in set(graded)}
    shot(browser, "quality-01-search")

    facet.find_element(By.CSS_SELECTOR, 'a[data-value="complete"]').click()
    complete = sorted(i for i in corpus.records if corpus.grade(i) == "complete")
    WebDriverWait(browser, 20).until(lambda d: "quality=complete" in d.current_url
                                     and wait(d, "#total").text == f"共 {len(complete)} 份年报")
    assert sorted(hit_ids(browser)) == complete
    assert corpus.ids["partial"] not in hit_ids(browser)
    shot(browser, "quality-02-facet-complete")


def test_report_page_badge_reasons_and_unknown_cells(stack, corpus, browser):
    rec = corpus.records[corpus.ids["partial"]]
    browser.get(f"{stack.search_url}/report.html?id={rec['id']}")
    badge = wait(browser, "#quality .badge.quality")
    assert badge.text == "部分可读 partial"
    reasons = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#quality-reasons li")]
    assert reasons == rec["quality"]["reasons"]
    shot(browser, "quality-03-report-partial-head")

    shown = [p for p in rec["provenance"] if browser.find_elements(By.CSS_SELECTOR, f'td[data-path="{p}"]')]
    unknown = [p for p in shown if rec["provenance"][p]["source"] == "unknown"]
    assert unknown, rec["provenance"]
    for path in unknown:
        cell = browser.find_element(By.CSS_SELECTOR, f'td[data-path="{path}"]')
        assert cell.text == "?"
        assert "prov-unknown" in cell.get_attribute("class")
        assert "未能确定位置 / position not certain" in cell.get_attribute("title")
    cell = browser.find_element(By.CSS_SELECTOR, f'td[data-path="{unknown[0]}"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    shot(browser, "quality-03-report-partial-cells")

    browser.get(f"{stack.search_url}/report.html?id={corpus.ids['unreadable']}")
    assert wait(browser, "#quality .badge.quality").text == "无法读取 unreadable"
    browser.get(f"{stack.search_url}/report.html?id={corpus.ids['ungraded']}")
    note = wait(browser, "#quality")
    assert "未评定" in note.text and not note.find_elements(By.CSS_SELECTOR, ".badge")
    assert not browser.find_elements(By.CSS_SELECTOR, "td.prov-unknown, td.prov-inferred")


def test_report_page_marks_inferred_cells(stack, corpus, browser):
    with_inferred = {i: [p for p, v in r["provenance"].items() if v["source"] == "inferred"]
                     for i, r in corpus.records.items()}
    doc_id, paths = max(with_inferred.items(), key=lambda kv: len(kv[1]))
    assert paths, "the corpus should have inferred cells"
    rec = corpus.records[doc_id]
    browser.get(f"{stack.search_url}/report.html?id={doc_id}")
    wait(browser, "#quality")
    marked = browser.find_elements(By.CSS_SELECTOR, "td.prov-inferred")
    shown = [p for p in paths if browser.find_elements(By.CSS_SELECTOR, f'td[data-path="{p}"]')]
    assert shown and sorted(td.get_attribute("data-path") for td in marked) == sorted(shown)
    for td in marked:
        path, title = td.get_attribute("data-path"), td.get_attribute("title")
        assert "由表内勾稽关系推出 / inferred from the table's identities" in title
        assert all(i in title for i in rec["provenance"][path]["by"])
        assert td.text != "?"  # an inferred cell shows its value, only marked
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marked[0])
    shot(browser, "quality-04-report-inferred")


def test_stats_page_counts_incomplete_reports(stack, corpus, browser):
    browser.get(f"{stack.search_url}/stats.html?metric=count&group=province")
    note = wait(browser, "#stats-incomplete")
    incomplete = sum(corpus.grade(i) in ("partial", "unreadable") for i in corpus.records)
    assert note.text.startswith(f"其中 {incomplete} 份年报数据不完整")
    assert "1 份未评定读取质量" in note.text
    foot = browser.find_element(By.CSS_SELECTOR, "#stats-table tfoot td.incomplete")
    assert foot.text == str(incomplete)
    shot(browser, "quality-05-stats")
