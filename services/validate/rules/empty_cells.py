"""EMPTY_CELLS (info): a row that states a total but leaves other cells blank. The sums treat blanks
as 0 (that is how such tables are filled in), so this is only noted, once per row, for the report page."""
from __future__ import annotations

from shared.record import APP_COLS, RL_COLS, Finding, Record

from ._common import APP_ROW_EN, RL_GROUP_NAMES, finding, row_zh

_COLSETS = {APP_COLS: frozenset(APP_COLS), RL_COLS: frozenset(RL_COLS)}


def _blank_beside_total(cols: tuple[str, ...], cells: dict) -> list[str]:
    """The blank cells of a row that states a total ([] when it states none)."""
    if cells.get("total") is None:
        return []
    if None not in cells.values() and cells.keys() >= _COLSETS[cols]:  # the usual row: every cell filled
        return []
    return [c for c in cols if c != "total" and cells.get(c) is None]


def _row_finding(path: str, label_zh: str, label_en: str, blank: list[str]) -> Finding:
    return finding(
        "EMPTY_CELLS", "info",
        f"“{label_zh}”一行有总计，但 {len(blank)} 个单元格为空，按 0 计算",
        f"Row \"{label_en}\" has a total but {len(blank)} blank cell(s), counted as 0",
        where=path, expected=None, actual=blank)


def _placed(record: Record, table: str, row: str, blank: list[str]) -> list[str]:
    """The blank cells that are blank in the document, not cells the parser could not place."""
    prov = record.provenance
    if not prov:
        return blank
    return [c for c in blank if (p := prov.get(f"{table}.{row}.{c}")) is None or p.source != "unknown"]


def check_empty_cells(record: Record) -> list[Finding]:
    # Labels and paths are built only for a row that has a finding: most rows have none.
    out: list[Finding] = []
    for row, cells in record.applications.items():
        blank = _placed(record, "applications", row, _blank_beside_total(APP_COLS, cells))
        if blank:
            out.append(_row_finding(f"applications.{row}", row_zh(row), APP_ROW_EN.get(row, row), blank))
    for group, cells in record.review_litigation.items():
        blank = _placed(record, "review_litigation", group, _blank_beside_total(RL_COLS, cells))
        if blank:
            zh, en = RL_GROUP_NAMES.get(group, (group, group))
            out.append(_row_finding(f"review_litigation.{group}", zh, en, blank))
    return out
