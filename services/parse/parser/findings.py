"""The parse-level findings: MISSING_TABLE and AMBIGUOUS_CELLS."""
from __future__ import annotations

from shared.record import Finding
from shared.schema import TABLES

from .tables.base import Ambiguity

TABLE_ZH: dict[str, str] = {t.key: t.zh for t in TABLES}  # the tables' names (shared/schema.py)


def missing_table(table: str) -> Finding:
    return Finding(rule="MISSING_TABLE", severity="warning", where=table,
                   message=f"未找到或无法读取{TABLE_ZH[table]} / Table {table} is absent or unreadable")


def ambiguous(a: Ambiguity) -> Finding:
    others = [c for c in a.candidates if c != a.chosen]
    return Finding(rule="AMBIGUOUS_CELLS", severity="info", where=a.where,
                   message="连写的数字可按多种方式拆分为单元格，记录采用报告自身支持的拆分 / "
                           "Run-together digits split into cells more than one way; the record holds "
                           "the split the report itself supports",
                   expected=others, actual=a.chosen)
