"""APP_ROW_SUM (error): per applications row, natural_person + the five organisation columns = total."""
from __future__ import annotations

from shared.record import APP_ORG_COLS, Finding, Record

from ._common import APP_ROW_EN, all_null, finding, fmt, row_zh, total_of, unplaced

PART_COLS: tuple[str, ...] = ("natural_person", *APP_ORG_COLS)


def check_app_row_sum(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for row, cells in record.applications.items():
        tot = cells.get("total")
        if tot is None:
            continue
        parts = list(map(cells.get, PART_COLS))
        if all_null(parts) or unplaced(record, "APP_ROW_SUM", f"applications.{row}.total"):
            continue
        expected = total_of(parts)
        if expected == tot:
            continue
        shown = " + ".join(fmt(p) for p in parts)
        out.append(finding(
            "APP_ROW_SUM", "error",
            f"“{row_zh(row)}”一行：自然人与五类法人或其他组织之和 {shown} = {fmt(expected)}，"
            f"但总计为 {fmt(tot)}",
            f"Row \"{APP_ROW_EN.get(row, row)}\": natural persons plus the five organisation columns "
            f"add up to {fmt(expected)}, but the total says {fmt(tot)}",
            where=f"applications.{row}.total", expected=expected, actual=tot))
    return out
