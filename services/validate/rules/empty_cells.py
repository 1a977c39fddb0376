"""EMPTY_CELLS (info): a row that states a total but leaves other cells blank. The sums treat blanks
as 0 (that is how such tables are filled in), so this is only noted, once per row, for the report page."""
from __future__ import annotations

from shared.record import APP_COLS, RL_COLS, Finding, Record

from ._common import APP_ROW_EN, RL_GROUP_NAMES, finding, row_zh


def _row_finding(path: str, label_zh: str, label_en: str, cols: tuple[str, ...],
                 cells: dict) -> Finding | None:
    if cells.get("total") is None:
        return None
    blank = [c for c in cols if c != "total" and cells.get(c) is None]
    if not blank:
        return None
    return finding(
        "EMPTY_CELLS", "info",
        f"“{label_zh}”一行有总计，但 {len(blank)} 个单元格为空，按 0 计算",
        f"Row \"{label_en}\" has a total but {len(blank)} blank cell(s), counted as 0",
        where=path, expected=None, actual=blank)


def check_empty_cells(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for row, cells in record.applications.items():
        f = _row_finding(f"applications.{row}", row_zh(row), APP_ROW_EN.get(row, row), APP_COLS, cells)
        if f:
            out.append(f)
    for group, cells in record.review_litigation.items():
        zh, en = RL_GROUP_NAMES.get(group, (group, group))
        f = _row_finding(f"review_litigation.{group}", zh, en, RL_COLS, cells)
        if f:
            out.append(f)
    return out
