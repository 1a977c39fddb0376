"""services/search/xlsx.py: the workbook every XLSX export writes, read back with openpyxl."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from services.search.xlsx import XLSX_MEDIA_TYPE, workbook, xlsx_response


def _read(data: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(data))
    return [tuple(r) for r in wb.active.iter_rows(values_only=True)]


def test_headers_and_typed_cells() -> None:
    data = workbook(["机关 agency", "年度 year", "比例 share", "已取代 superseded", "问题 findings"],
                    [["某某市人民政府办公室", 2024, 0.25, False, ["SUM_MISMATCH", "LATE_PUBLICATION"]],
                     ["区县", None, 3, True, []]], sheet="检索 search")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "检索 search"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert _read(data) == [("机关 agency", "年度 year", "比例 share", "已取代 superseded", "问题 findings"),
                           ("某某市人民政府办公室", 2024, 0.25, False, "SUM_MISMATCH; LATE_PUBLICATION"),
                           ("区县", None, 3, True, None)]
    assert ws["B2"].data_type == "n" and ws["C2"].data_type == "n" and ws["A2"].data_type == "s"


def test_text_is_never_a_formula_and_control_characters_go() -> None:
    data = workbook(["标题 title"], [["=HYPERLINK(\"http://x\",\"y\")"], ["a\x00b\x07c"]])
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws["A2"].value == "=HYPERLINK(\"http://x\",\"y\")" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "abc"


def test_empty_and_response() -> None:
    data = workbook(["a"], [])
    assert _read(data) == [("a",)]
    r = xlsx_response(data, "x.xlsx")
    assert r.media_type == XLSX_MEDIA_TYPE
    assert r.headers["content-disposition"] == 'attachment; filename="x.xlsx"'
    assert r.body == data
