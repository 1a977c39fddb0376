"""APP_BALANCE (error): the table's own 勾稽关系, per applicant column:
new_received + carried_over = total + carried_forward."""
from __future__ import annotations

from shared.record import APP_COLS, Finding, Record

from ._common import APP_COL_NAMES, all_null, app, finding, fmt, total_of, unplaced


def check_app_balance(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for col in APP_COLS:
        new, over = app(record, "new_received", col), app(record, "carried_over", col)
        tot, fwd = app(record, "total", col), app(record, "carried_forward", col)
        # A side with no value at all says nothing; blanks beside a stated value count as 0.
        if all_null((new, over)) or all_null((tot, fwd)) or unplaced(record, "APP_BALANCE", f"applications.total.{col}"):
            continue
        left, right = total_of((new, over)), total_of((tot, fwd))
        if left == right:
            continue
        zh, en = APP_COL_NAMES[col]
        out.append(finding(
            "APP_BALANCE", "error",
            f"申请人“{zh}”一栏：本年新收 {fmt(new)} + 上年结转 {fmt(over)} 应等于 "
            f"总计 {fmt(tot)} + 结转下年度 {fmt(fwd)}（勾稽关系不成立）",
            f"{en} column: received {fmt(new)} + carried over {fmt(over)} should equal "
            f"total {fmt(tot)} + carried forward {fmt(fwd)}",
            where=f"applications.total.{col}", expected=left, actual=right))
    return out
