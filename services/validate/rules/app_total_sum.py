"""APP_TOTAL_SUM (error): per applicant column, 三(七)总计 = the sum of the result rows
(granted … other). In the 2021 template `other` is the sum of its three sub-rows; when the record
leaves `other` null but has the sub-rows, the sub-rows are used."""
from __future__ import annotations

from shared.record import APP_COLS, APP_OTHER_SUBROWS, APP_RESULT_ROWS, Cell, Finding, Record

from ._common import APP_COL_NAMES, all_null, app, finding, fmt, total_of, unplaced

_SUMMED_ROWS = tuple(row for row in APP_RESULT_ROWS if row != "other")
_NO_ROW: dict[str, Cell] = {}


def _result_cells(summed: list[dict], other_row: dict, sub_rows: list[dict], col: str) -> list[Cell]:
    """The cells that must add up to the total in this column."""
    cells = [row.get(col) for row in summed]
    other = other_row.get(col)
    subs = [row.get(col) for row in sub_rows]
    cells.extend([other] if other is not None or all_null(subs) else subs)
    return cells


def check_app_total_sum(record: Record) -> list[Finding]:
    out: list[Finding] = []
    apps = record.applications
    summed = [apps.get(row, _NO_ROW) for row in _SUMMED_ROWS]  # fetched once, not once per column
    other, subs = apps.get("other", _NO_ROW), [apps.get(row, _NO_ROW) for row in APP_OTHER_SUBROWS]
    for col in APP_COLS:
        tot = app(record, "total", col)
        if tot is None:
            continue
        cells = _result_cells(summed, other, subs, col)
        if all_null(cells) or unplaced(record, "APP_TOTAL_SUM", f"applications.total.{col}"):
            continue
        expected = total_of(cells)
        if expected == tot:
            continue
        zh, en = APP_COL_NAMES[col]
        out.append(finding(
            "APP_TOTAL_SUM", "error",
            f"申请人“{zh}”一栏：各项办理结果（予以公开、部分公开、不予公开、无法提供、不予处理、其他处理）"
            f"合计 {fmt(expected)}，但“总计”为 {fmt(tot)}",
            f"{en} column: the handling results (granted … other) add up to {fmt(expected)}, "
            f"but the total row says {fmt(tot)}",
            where=f"applications.total.{col}", expected=expected, actual=tot))
    return out
