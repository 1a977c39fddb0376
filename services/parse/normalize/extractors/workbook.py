"""Workbooks (.xls, .xlsx) → blocks: each sheet's used range a table, read in a sandboxed child
(../sheetreader.py) because openpyxl and xlrd on a hostile file can take unbounded time and memory.

A sheet becomes its leading title lines (rows holding one value: a title merged across the sheet, or
typed in its first cell), one table of the rest, and its trailing note lines. Empty rows and empty
columns carry nothing and are dropped."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal

from shared.document import Table

from .. import errors, sandbox
from .base import Block, is_data_grid

READER = Path(__file__).resolve().parent.parent / "sheetreader.py"
Kind = Literal["xls", "xlsx"]
Grid = list[list[str]]


def read_sheets(data: bytes, kind: Kind) -> list[Grid]:
    """The grids of a workbook's sheets, in order."""
    tool = f"{kind.upper()} reader"
    # -I: no PYTHON* variables, no user site, not the script's folder on sys.path — only the libraries
    out, _ = sandbox.run([sys.executable, "-I", str(READER), kind], tool, stdin=data)
    try:
        answer = json.loads(out)
    except ValueError as exc:
        raise errors.conversion_failed(tool, "unreadable answer") from exc
    if answer.get("error") == "too_large":
        raise errors.too_large("表格单元格过多", f"too many spreadsheet cells ({answer.get('detail')})")
    if answer.get("error"):
        raise errors.corrupt(kind, str(answer.get("detail", "")))
    return [sheet["rows"] for sheet in answer["sheets"]]


def _is_line(row: list[str]) -> bool:
    """A row that is one piece of text, not a table row: a single distinct value (a merged title repeats
    it in every slot; a typed title fills one cell)."""
    return len({c for c in row if c.strip()}) == 1


def _rows(grid: Grid) -> Grid:
    """Non-empty rows, padded to one width."""
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid if any(c.strip() for c in r)]


def _without_empty_columns(rows: Grid) -> Grid:
    keep = [c for c in range(len(rows[0]) if rows else 0) if any(r[c].strip() for r in rows)]
    return [[r[c] for c in keep] for r in rows]


def _line(row: list[str]) -> str:
    return " ".join(dict.fromkeys(c for c in row if c.strip()))


def sheet_blocks(grid: Grid) -> list[Block]:
    rows = _rows(grid)
    start, end = 0, len(rows)
    if len(rows) > 1 and len(rows[0]) > 1:
        while start < end and _is_line(rows[start]):
            start += 1
        while end > start and _is_line(rows[end - 1]):
            end -= 1
    body = _without_empty_columns(rows[start:end])
    blocks: list[Block] = [_line(r) for r in rows[:start]]
    if is_data_grid(body):
        blocks.append(Table(rows=body))
    else:  # a layout box, not a table: its text goes in the running text
        blocks.extend(_line(r) for r in body)
    blocks.extend(_line(r) for r in rows[end:])
    return blocks


def workbook_blocks(data: bytes, kind: Kind) -> list[Block]:
    blocks = [b for grid in read_sheets(data, kind) for b in sheet_blocks(grid)]
    if not blocks:
        raise errors.no_text()
    return blocks
