"""Issue 17 item 3: the XLSX exports (search results and stats) against the real stack (seeds, real
reports and synthetic ones through the pipeline, tests/integration/search_corpus.py). The workbook opens
with openpyxl and holds the same rows as the CSV; figures are numeric cells."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from services.search.routers.common import dig
from services.search.xlsx import XLSX_MEDIA_TYPE
from tests.integration.conftest import search_get as get

NEW = "applications.new_received.total"


def csv_rows(stack, **params) -> list[list[str]]:
    r = get(stack, "/api/v1/export", **params)
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def xlsx_sheet(stack, path: str, **params):
    r = get(stack, path, **params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="nianbao-') and disposition.endswith('.xlsx"')
    return load_workbook(io.BytesIO(r.content)).active


def as_csv(v: object) -> str:
    return "" if v is None else str(v)


def same(xlsx: object, csv_text: str) -> bool:
    """One cell of each: a number is the same number (the CSV writes 1790.0 where Excel keeps 1790);
    text the CSV quoted against formula injection (a leading ') is the XLSX's text."""
    if isinstance(xlsx, int | float) and not isinstance(xlsx, bool):
        return float(csv_text) == xlsx
    return as_csv(xlsx) == (csv_text[1:] if csv_text.startswith("'") else csv_text)


@pytest.mark.parametrize("by_province", [False, True])
def test_xlsx_holds_the_csv_rows(stack, corpus, by_province):
    current = [r for r in corpus.records.values() if not r["superseded"]]
    params = {"province": current[0]["meta"]["region"]["province"]} if by_province else {}
    want = csv_rows(stack, **params)
    ws = xlsx_sheet(stack, "/api/v1/export.xlsx", **params)
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert [as_csv(h) for h in got[0]] == want[0]
    assert len(got) == len(want) > 1
    csv_by_id = {r[0]: r for r in want[1:]}
    for row in got[1:]:
        line = csv_by_id[row[0]]
        assert len(row) == len(line)
        assert all(same(v, c) for v, c in zip(row, line, strict=True)), (row[0], [
            (h, v, c) for h, v, c in zip(want[0], row, line, strict=True) if not same(v, c)])
    if not by_province:
        assert {r[0] for r in got[1:]} == {r["id"] for r in current}


def test_xlsx_figures_are_numbers_and_findings_a_column(stack, corpus):
    ws = xlsx_sheet(stack, "/api/v1/export.xlsx")
    header = [c.value for c in ws[1]]
    new_col = header.index(next(h for h in header if h.endswith(" " + NEW))) + 1
    year_col = header.index("年度 year") + 1
    findings_col = header.index("问题 findings") + 1
    numbers = 0
    for row in ws.iter_rows(min_row=2):
        rec = corpus.records[row[0].value]
        cell = row[new_col - 1]
        want = dig(rec, NEW)
        assert cell.value == want
        if want is not None:
            assert cell.data_type == "n" and isinstance(cell.value, int | float)
            numbers += 1
        assert row[year_col - 1].value == rec["meta"]["year"]
        if rec["meta"]["year"] is not None:
            assert row[year_col - 1].data_type == "n"
        text = row[findings_col - 1].value
        assert set((text or "").split("; ")) - {""} == {f"{f['rule']} ({f['severity']})" for f in rec["findings"]}
    assert numbers >= 20


def test_stats_xlsx_is_the_stats_table(stack, corpus):
    params = {"metric": "sum", "figure": NEW, "group": ["province", "year"]}
    res = get(stack, "/api/v1/stats", **params).json()
    ws = xlsx_sheet(stack, "/api/v1/stats.xlsx", **params)
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0][:2] == ["省份 province", "年度 year"]
    assert got[0][2].endswith(" value") and res["figure_label"] in got[0][2]
    assert got[0][3:] == ["年报数 reports", "数据不完整的年报 incomplete", "未评定的年报 ungraded",
                          "数值合计 figure_sum", "有该数值的年报 figure_count"]
    keys = ["value", "reports", "incomplete", "ungraded", "figure_sum", "figure_count"]
    assert got[1:-1] == [[r["province"], r["year"], *(r.get(k) for k in keys)] for r in res["rows"]]
    assert got[-1] == ["合计 overall", None, *(res["overall"].get(k) for k in keys)]
    assert all(isinstance(v, int | float) for row in got[1:] for v in row[3:])
    assert get(stack, "/api/v1/stats.xlsx", metric="avg").status_code == 422  # avg needs a figure, as /stats


def test_openapi_documents_the_xlsx_exports(stack):
    spec = get(stack, "/openapi.json").json()
    for path in ("/api/v1/export.xlsx", "/api/v1/stats.xlsx"):
        ok = spec["paths"][path]["get"]["responses"]["200"]
        assert list(ok["content"]) == [XLSX_MEDIA_TYPE], path
