"""CROSS_YEAR (warning): the same body's consecutive reports must agree where one year's table ends
and the next one's begins. Pure: the caller finds `previous` (same agency_key, year − 1).

- applications, per column: last year's carried_forward = this year's carried_over. Checked across
  a template change too (2020 → 2021), since both templates have these rows unchanged.
- 2019 template, licensing/other_services/punishment/enforcement/fees: last year's
  previous_items + change = this year's previous_items.
- 2021 template, regulations/normative_documents: this year's in_force = last year's in_force +
  this year's issued − this year's repealed.
Active-disclosure checks are skipped when the templates differ or are unknown; any check is skipped
when one of its cells is null.
"""
from __future__ import annotations

from shared.agency_key import agency_key
from shared.record import APP_COLS, Cell, Finding, Record
from shared.schema import ACTIVE_DISCLOSURE

from .rules._common import APP_COL_NAMES, finding, fmt

__all__ = ["agency_key", "cross_year"]

# The active-disclosure rows each check covers, with their labels (中文, English) from the catalogue.
ITEM_ROWS_2019: dict[str, tuple[str, str]] = {
    k: (ACTIVE_DISCLOSURE.row(k).zh, ACTIVE_DISCLOSURE.row(k).en)
    for k in ("licensing", "other_services", "punishment", "enforcement", "fees")}
DOC_ROWS_2021: dict[str, tuple[str, str]] = {
    k: (ACTIVE_DISCLOSURE.row(k).zh, ACTIVE_DISCLOSURE.row(k).en) for k in ("regulations", "normative_documents")}


def _ad(record: Record, row: str, col: str) -> Cell:
    return record.active_disclosure.get(row, {}).get(col)


def _carry(previous: Record, current: Record) -> list[Finding]:
    out: list[Finding] = []
    for col in APP_COLS:
        fwd = previous.applications.get("carried_forward", {}).get(col)
        over = current.applications.get("carried_over", {}).get(col)
        if fwd is None or over is None or fwd == over:
            continue
        zh, en = APP_COL_NAMES[col]
        out.append(finding(
            "CROSS_YEAR", "warning",
            f"申请人“{zh}”一栏：上一年度报告“结转下年度继续办理”为 {fmt(fwd)}，"
            f"但本年度报告“上年结转”为 {fmt(over)}",
            f"{en} column: last year's report carried {fmt(fwd)} forward, "
            f"but this year's report says {fmt(over)} carried over",
            where=f"applications.carried_over.{col}", expected=fwd, actual=over))
    return out


def _items_2019(previous: Record, current: Record) -> list[Finding]:
    out: list[Finding] = []
    for row, (zh, en) in ITEM_ROWS_2019.items():
        before, change = _ad(previous, row, "previous_items"), _ad(previous, row, "change")
        now = _ad(current, row, "previous_items")
        if before is None or change is None or now is None or before + change == now:
            continue
        expected = before + change
        out.append(finding(
            "CROSS_YEAR", "warning",
            f"“{zh}”：上一年度报告的上一年项目数量 {fmt(before)} + 本年增/减 {fmt(change)} = {fmt(expected)}，"
            f"但本年度报告的上一年项目数量为 {fmt(now)}",
            f"{en}: last year's report gives {fmt(before)} items + change {fmt(change)} = {fmt(expected)}, "
            f"but this year's report starts from {fmt(now)}",
            where=f"active_disclosure.{row}.previous_items", expected=expected, actual=now))
    return out


def _in_force_2021(previous: Record, current: Record) -> list[Finding]:
    out: list[Finding] = []
    for row, (zh, en) in DOC_ROWS_2021.items():
        before = _ad(previous, row, "in_force")
        issued, repealed, now = (_ad(current, row, c) for c in ("issued", "repealed", "in_force"))
        if before is None or issued is None or repealed is None or now is None:
            continue
        expected = before + issued - repealed
        if expected == now:
            continue
        out.append(finding(
            "CROSS_YEAR", "warning",
            f"“{zh}”：上一年度现行有效 {fmt(before)} + 本年制发 {fmt(issued)} − 本年废止 {fmt(repealed)} "
            f"= {fmt(expected)}，但本年度现行有效件数为 {fmt(now)}",
            f"{en}: last year's {fmt(before)} in force + {fmt(issued)} issued − {fmt(repealed)} repealed "
            f"= {fmt(expected)}, but this year's report says {fmt(now)} in force",
            where=f"active_disclosure.{row}.in_force", expected=expected, actual=now))
    return out


def cross_year(previous: Record, current: Record) -> list[Finding]:
    """Findings on `current` from comparing it with the same body's report for the year before."""
    py, cy = previous.meta.year, current.meta.year
    if py is not None and cy is not None and py != cy - 1:
        return []  # not consecutive: nothing to compare
    out = _carry(previous, current)
    template = current.meta.template
    if template is None or previous.meta.template != template:
        return out
    if template == "2019":
        out.extend(_items_2019(previous, current))
    else:
        out.extend(_in_force_2021(previous, current))
    return out
