"""MISSING_TABLE (warning): one of the three statistical tables is absent or has no value at all.

Warning, not error: errors are reserved for broken arithmetic. A table the parser already reported
(its own MISSING_TABLE finding in record.findings) is not reported again."""
from __future__ import annotations

from shared.record import Finding, Record
from shared.schema import TABLES

from ._common import finding


def _already_reported(record: Record, table: str) -> bool:
    for f in record.findings:
        if f.rule not in ("MISSING_TABLE", "INCOMPLETE_TABLE"):  # the parser said it, with the cells
            continue
        # A parser finding without `where` cannot be attributed: assume it covers this table too.
        if f.where is None or f.where == table or f.where.startswith(table + "."):
            return True
    return False


def check_missing_table(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for t in TABLES:
        table = t.key
        rows: dict = getattr(record, table)
        if any(v is not None for cells in rows.values() for v in cells.values()):
            continue
        if _already_reported(record, table):
            continue
        out.append(finding(
            "MISSING_TABLE", "warning",
            f"未找到或无法读取“{t.zh}”，无法核对其中的数据",
            f"The {t.en} table is missing or unreadable, so its figures cannot be checked",
            where=table))
    return out
