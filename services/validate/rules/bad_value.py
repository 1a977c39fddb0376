"""BAD_VALUE (error): a cell that cannot be a valid count.

- negative, except the signed 本年增/减 (`change`) cells of the 2019 active_disclosure table;
- fractional, except money (`amount_wan_yuan`, in 万元);
- unreadable: the parser kept raw text for the cell (raw_cells) that is not a null marker such as
  "/" or "无", yet could not turn it into a number.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from shared.record import Cell, Finding, Record
from shared.schema import TABLES as _TABLES

from ._common import finding, fmt

TABLES = tuple(t.key for t in _TABLES)  # the order of cell_paths
# Raw texts that legitimately mean "no value" (spec: `/`, `—`, `-`, `无`, `不适用`) and their variants.
NULL_WORDS = frozenset({"", "无", "暂无", "不适用", "空", "n/a", "na", "null", "none"})
DASHES_SLASHES = re.compile(r"^[\s/／\\\-－—–―‐_·.。]*$")


def is_null_marker(raw: str) -> bool:
    text = raw.strip().lower()
    return text in NULL_WORDS or bool(DASHES_SLASHES.match(text))


def may_be_negative(path: str) -> bool:
    return path.startswith("active_disclosure.") and path.endswith(".change")


def may_be_fractional(path: str) -> bool:
    return path.endswith(".amount_wan_yuan")


def _lookup(record: Record, path: str) -> Cell:
    """Value at a record path "table.row.col" (rows may contain dots); None when absent."""
    table, _, rest = path.partition(".")
    row, _, col = rest.rpartition(".")
    cells = getattr(record, table, None)
    if not isinstance(cells, dict):
        return None
    return cells.get(row, {}).get(col)


def _non_null_cells(record: Record) -> Iterator[tuple[str, int | float]]:
    """`cell_paths` without the null cells, and a path built only for the cells that need a look
    (a negative or fractional value): most cells pass, and the paths were most of this rule's time."""
    for table in TABLES:
        for row, cols in getattr(record, table).items():
            for col, value in cols.items():
                if value is not None and (value < 0 or (isinstance(value, float) and not value.is_integer())):
                    yield f"{table}.{row}.{col}", value


def check_bad_value(record: Record) -> list[Finding]:
    out: list[Finding] = []
    for path, value in _non_null_cells(record):
        if value < 0 and not may_be_negative(path):
            out.append(finding(
                "BAD_VALUE", "error",
                f"单元格 {path} 的数值 {fmt(value)} 为负数，件数不可能为负",
                f"Cell {path} holds {fmt(value)}: a count cannot be negative",
                where=path, expected=">= 0", actual=value))
        elif isinstance(value, float) and not value.is_integer() and not may_be_fractional(path):
            out.append(finding(
                "BAD_VALUE", "error",
                f"单元格 {path} 的数值 {fmt(value)} 带小数，件数应为整数",
                f"Cell {path} holds {fmt(value)}: a count must be a whole number",
                where=path, expected="integer", actual=value))
    for path, raw in record.raw_cells.items():
        if _lookup(record, path) is None and not is_null_marker(raw):
            out.append(finding(
                "BAD_VALUE", "error",
                f"单元格 {path} 的内容“{raw.strip()}”无法识别为数字",
                f"Cell {path} reads \"{raw.strip()}\", which is not a number",
                where=path, expected="number", actual=raw))
    return out
