"""REVIEW_SUM / LITIGATION_SUM (error): per group of the review/litigation table,
upheld + corrected + other + pending = total."""
from __future__ import annotations

from shared.record import RL_GROUPS, Finding, Record

from ._common import RL_GROUP_NAMES, all_null, finding, fmt, total_of, unplaced

PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")


def check_rl_sum(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for group in RL_GROUPS:
        cells = record.review_litigation.get(group, {})
        tot = cells.get("total")
        parts = [cells.get(p) for p in PARTS]
        rule = "REVIEW_SUM" if group == "review" else "LITIGATION_SUM"
        if tot is None or all_null(parts) or unplaced(record, rule, f"review_litigation.{group}.total"):
            continue
        expected = total_of(parts)
        if expected == tot:
            continue
        zh, en = RL_GROUP_NAMES[group]
        shown = " + ".join(fmt(p) for p in parts)
        out.append(finding(
            rule, "error",
            f"{zh}：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = {shown} = {fmt(expected)}，但总计为 {fmt(tot)}",
            f"{en}: upheld + corrected + other + pending = {fmt(expected)}, but the total says {fmt(tot)}",
            where=f"review_litigation.{group}.total", expected=expected, actual=tot))
    return out
