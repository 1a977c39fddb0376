"""PLAUSIBILITY (warning): values that cannot be right for this body.

- 规章 (government regulations) are made only by provincial governments, governments of 设区的市 and
  State Council departments (立法法 art. 91/93). A township/街道, a county-level body, or a
  department of a province/city (not the government or its general office, which report for it)
  reporting 规章 > 0 has almost certainly put 规范性文件 (or nothing) in the wrong row. Bodies of
  unknown level are not judged.
- Absurd magnitudes (e.g. more than a million applications) are misread cells or typos.
"""
from __future__ import annotations

import re

from shared.record import Finding, Record

from ._common import finding, fmt

REG_CELL_NAMES: dict[str, str] = {
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
}
# 街道, or a name ending in 乡/镇 (optionally + 人民政府/政府/办事处); "城乡" (住房和城乡建设局) is not a 乡.
TOWNSHIP_RE = re.compile(r"街道|[乡镇](人民政府|政府|办事处)?$|[乡镇](人民政府|政府)")
# The government itself or its general office (上海市人民政府办公厅 reports the city's 规章).
GOVERNMENT_RE = re.compile(r"政府(办公厅|办公室|办)?$")

# Upper bounds per cell kind, far above any real body (Shanghai handles a few 10^4 applications).
LIMITS: dict[str, float] = {"applications": 1_000_000, "review_litigation": 100_000}
AD_LIMITS: dict[str, float] = {"decisions": 100_000_000, "amount_wan_yuan": 100_000_000}
AD_DEFAULT_LIMIT = 1_000_000


def is_township(record: Record) -> bool:
    if record.meta.level == "township":
        return True
    agency = (record.meta.agency or "").replace("城乡", "")
    return bool(TOWNSHIP_RE.search(agency))


def regulation_maker_doubt(record: Record) -> tuple[str, str] | None:
    """(中文, English) description of the body when it cannot make 规章; None when it can or is unknown."""
    if is_township(record):
        return "乡镇、街道", "A township or sub-district body"
    if record.meta.level == "county":
        return "县级机关", "A county-level body"
    if record.meta.level in ("province", "city") and not GOVERNMENT_RE.search(record.meta.agency or "政府"):
        return "省、市政府工作部门", "A department of a provincial or city government"
    return None


def _regulation_findings(record: Record) -> list[Finding]:
    doubt = regulation_maker_doubt(record)
    if doubt is None:
        return []
    body_zh, body_en = doubt
    out: list[Finding] = []
    for cell, value in record.active_disclosure.get("regulations", {}).items():
        if value is None or value <= 0:
            continue
        out.append(finding(
            "PLAUSIBILITY", "warning",
            f"{body_zh}没有规章制定权（规章只由省级、设区的市政府和国务院部门制定），"
            f"但“规章”{REG_CELL_NAMES.get(cell, cell)}为 {fmt(value)}，可能填错了行",
            f"{body_en} cannot make regulations (规章: only provinces, prefecture-level cities and "
            f"State Council departments can), yet regulations {cell} is {fmt(value)}; probably the wrong row",
            where=f"active_disclosure.regulations.{cell}", expected=0, actual=value))
    return out


def _limit(table: str, col: str) -> float:
    if table == "active_disclosure":
        return AD_LIMITS.get(col, AD_DEFAULT_LIMIT)
    return LIMITS[table]


def _magnitude_findings(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for table in ("active_disclosure", "applications", "review_litigation"):
        fixed = LIMITS.get(table)  # one limit for the whole table (all but active_disclosure): looked up once
        for row, cells in getattr(record, table).items():
            for col, value in cells.items():
                if value is None:
                    continue
                limit = fixed if fixed is not None else _limit(table, col)
                if abs(value) <= limit:
                    continue
                path = f"{table}.{row}.{col}"
                out.append(finding(
                    "PLAUSIBILITY", "warning",
                    f"单元格 {path} 的数值 {fmt(value)} 大得不合常理（上限约 {fmt(limit)}），可能是识别或填报错误",
                    f"Cell {path} holds {fmt(value)}, implausibly large (limit about {fmt(limit)}); "
                    f"likely a misread or typo",
                    where=path, expected=f"<= {fmt(limit)}", actual=value))
    return out


def check_plausibility(record: Record) -> list[Finding]:
    return [*_regulation_findings(record), *_magnitude_findings(record)]
