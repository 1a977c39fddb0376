"""The audit view on the real stack (ingest → workers → Elasticsearch → search API), with real reports of
two years: LATE_PUBLICATION and YOY_JUMP show up on indexed reports; GET /api/v1/audit lists a region's
reports for a year with their findings, the counts by rule and the body that reported the year before but
not this one; /audit.csv and /audit.xlsx hold the same rows."""
from __future__ import annotations

import csv
import io
import time

import httpx
import pytest
from openpyxl import load_workbook

from tests.integration.conftest import search_get, wait_status
from tests.paths import REAL, SHARED
from tests.test_validate_late_yoy import hongze_2023_received

WILD = SHARED / "corpus" / "wild-dev"


def post(stack, data: bytes, name: str) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name}, timeout=30)
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert wait_status(stack, doc_id)["status"] == "indexed"
    return doc_id


def audit(stack, **params) -> dict:
    r = search_get(stack, "/api/v1/audit", **params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def corpus(stack) -> dict[str, str]:
    ids = {
        # 2023, 江苏省: 洪泽区人民政府 (its real report as if it had received 12 applications, not 21) and
        # 沭阳县发展和改革局, which has no 2024 report here: expected but missing in 2024.
        "hongze_2023": post(stack, hongze_2023_received(12).encode("utf-8"), "2023_hongze_district_12.txt"),
        "shuyang_fgj_2023": post(stack, (REAL / "2023_shuyang_fgj.html").read_bytes(), "2023_shuyang_fgj.html"),
        # 福建省 2023: published 2024-03-06 (late)
        "sanming_2023": post(stack, (WILD / "2023_sanming_city.txt").read_bytes(), "2023_sanming_city.txt"),
    }
    # 2024, posted once 2023 is indexed: 洪泽区 (95 applications: YOY_JUMP against 12) and 淮安市.
    ids["hongze_2024"] = post(stack, (REAL / "2024_hongze_district.txt").read_bytes(), "2024_hongze_district.txt")
    ids["huaian_2024"] = post(stack, (REAL / "2024_huaian_city.txt").read_bytes(), "2024_huaian_city.txt")
    deadline = time.monotonic() + 30  # searchable after the next refresh
    while len(audit(stack, province="江苏省", year=2024)["reports"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    return ids


def findings(stack, doc_id: str, rule: str) -> list[dict]:
    rec = search_get(stack, f"/api/v1/reports/{doc_id}").json()
    return [f for f in rec["findings"] if f["rule"] == rule]


def test_new_rules_on_indexed_reports(stack, corpus):
    (jump,) = findings(stack, corpus["hongze_2024"], "YOY_JUMP")
    assert (jump["severity"], jump["where"], jump["expected"], jump["actual"]) == (
        "info", "applications.new_received.total", 12, 95)
    assert findings(stack, corpus["hongze_2023"], "YOY_JUMP") == []
    (late,) = findings(stack, corpus["sanming_2023"], "LATE_PUBLICATION")
    assert (late["severity"], late["expected"], late["actual"]) == ("warning", "2024-01-31", "2024-03-06")
    res = search_get(stack, "/api/v1/search", rule="LATE_PUBLICATION").json()
    assert [h["id"] for h in res["results"]] == [corpus["sanming_2023"]]
    assert search_get(stack, "/api/v1/search", rule="YOY_JUMP").json()["total"] == 1


def test_audit_of_a_province_lists_reports_findings_and_the_missing_body(stack, corpus):
    a = audit(stack, province="江苏省", year=2024)
    by_id = {r["id"]: r for r in a["reports"]}
    assert set(by_id) == {corpus["hongze_2024"], corpus["huaian_2024"]}
    hongze = by_id[corpus["hongze_2024"]]
    assert hongze["agency"] == "淮安市洪泽区人民政府" and hongze["county"] == "洪泽区"
    assert hongze["quality"]["grade"] == "partial"
    assert hongze["figures"]["applications.new_received.total"] == 95
    assert {f["rule"] for f in hongze["findings"]} >= {"YOY_JUMP", "NARRATIVE_MISMATCH"}
    assert hongze["findings"][-1]["severity"] == "info"  # most severe first
    assert by_id[corpus["huaian_2024"]]["quality"]["grade"] == "complete"
    rules = {c["rule"]: c for c in a["rules"]}
    assert (rules["YOY_JUMP"]["reports"], rules["YOY_JUMP"]["findings"], rules["YOY_JUMP"]["zh"]) == (1, 1, "数据同比突变")
    (missing,) = a["missing"]
    assert (missing["agency"], missing["previous_id"], missing["county"]) == (
        "沭阳县发展和改革局", corpus["shuyang_fgj_2023"], "沭阳县")
    assert a["summary"] == {"reports": 2, "with_errors": 0, "with_warnings": 1, "clean": 1, "incomplete": 1,
                            "late": 0, "missing": 1}


def test_audit_narrowed_to_a_city_and_a_county(stack, corpus):
    city = audit(stack, province="江苏省", city="淮安市", year=2024)
    assert {r["id"] for r in city["reports"]} == {corpus["hongze_2024"], corpus["huaian_2024"]}
    assert city["missing"] == []  # 沭阳县 is in 宿迁市
    county = audit(stack, province="江苏省", city="淮安市", county="洪泽区", year=2024)
    assert [r["id"] for r in county["reports"]] == [corpus["hongze_2024"]]
    # 2023 in 洪泽区: its report, and nothing missing (no 2022 reports)
    earlier = audit(stack, province="江苏省", county="洪泽区", year=2023)
    assert [r["id"] for r in earlier["reports"]] == [corpus["hongze_2023"]] and earlier["missing"] == []
    # 福建省 2023: the late report is counted
    fujian = audit(stack, province="福建省", year=2023)
    assert fujian["summary"]["late"] == 1
    assert {c["rule"] for c in fujian["rules"]} >= {"LATE_PUBLICATION"}
    # a region without reports is an empty audit, not an error
    empty = audit(stack, province="不存在省", year=2024)
    assert (empty["reports"], empty["missing"], empty["summary"]["reports"]) == ([], [], 0)


@pytest.mark.parametrize("params", [{"year": 2024}, {"province": "江苏省"}, {"province": "", "year": 2024},
                                    {"province": "江苏省", "year": 1800}, {"province": "江苏省", "year": "x"}])
def test_bad_parameters_are_422(stack, params):
    for path in ("/api/v1/audit", "/api/v1/audit.csv", "/api/v1/audit.xlsx"):
        r = search_get(stack, path, **params)
        assert r.status_code == 422, (path, r.text)
        assert isinstance(r.json()["detail"], list)


def test_csv_and_xlsx_hold_the_same_rows(stack, corpus):
    params = {"province": "江苏省", "year": 2024}
    r = search_get(stack, "/api/v1/audit.csv", **params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["状态 status", "机关 agency", "标题 title"] and "问题 findings" in header
    assert len(body) == 3  # two reports, one missing body
    status = {row[header.index("机关 agency")]: row[0] for row in body}
    assert status == {"淮安市洪泽区人民政府": "已报送 reported", "淮安市人民政府": "已报送 reported",
                      "沭阳县发展和改革局": "应报未报 missing"}
    hongze = next(row for row in body if row[1] == "淮安市洪泽区人民政府")
    assert "YOY_JUMP" in hongze[header.index("问题 findings")]
    assert hongze[header.index("新收申请 applications.new_received.total")] == "95"

    x = search_get(stack, "/api/v1/audit.xlsx", **params)
    assert x.status_code == 200
    assert x.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(x.content), read_only=True).active
    sheet = [list(row) for row in ws.iter_rows(values_only=True)]
    assert sheet[0] == header
    width = len(header)  # a row's empty cells at its end are not stored
    as_text = [["" if v is None else str(v) for v in row] + [""] * (width - len(row)) for row in sheet[1:]]
    assert as_text == body  # the same rows, the same order
    row = sheet[1 + [r[1] for r in body].index("淮安市洪泽区人民政府")]
    figure = row[header.index("新收申请 applications.new_received.total")]
    assert figure == 95 and isinstance(figure, int)  # a number, not text
