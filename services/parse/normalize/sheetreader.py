"""The spreadsheet reader's child process: workbook bytes on stdin → JSON on stdout, each sheet's used
range as a grid of cell texts, merged cells expanded (the merged value in every slot it covers).

    python -I services/parse/normalize/sheetreader.py xlsx|xls  < book  > {"sheets": [{"name", "rows"}]}

Run by path with -I, not as `-m services…`: the child imports openpyxl or xlrd and nothing of the
project, so it starts fast and fits its memory limit (extractors/workbook.py starts it
through the sandbox). A refusal is {"error": "too_large" | "corrupt", "detail": …} with exit status 0;
any other exit means it crashed."""
from __future__ import annotations

import datetime as dt
import io
import json
import sys
from typing import Any

MAX_CELLS = 2_000_000  # grid slots over all sheets: ~50× a real report's three tables, well inside memory


class Refused(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def cell_text(value: Any) -> str:
    """A cell as the text a reader sees: integers without ".0", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_CELLS

    def take(self, rows: int, cols: int) -> None:
        self.left -= rows * cols
        if self.left < 0:
            raise Refused("too_large", f"more than {MAX_CELLS} cells")


def _fill(grid: list[list[str]], r0: int, r1: int, c0: int, c1: int) -> None:
    """Copy a merged range's top-left value into its other slots; bounds are exclusive, clipped to the grid."""
    value = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
    for r in range(r0, min(r1, len(grid))):
        for c in range(c0, min(c1, len(grid[r]))):
            grid[r][c] = value


def read_xlsx(data: bytes) -> list[dict[str, Any]]:
    import openpyxl

    # data_only: a formula cell reads as its cached value, what the author saw
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    budget, sheets = _Budget(), []
    for ws in book.worksheets:
        rows, cols = ws.max_row, ws.max_column
        budget.take(rows, cols)
        grid = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols,
                                                                    values_only=True)]
        for rng in ws.merged_cells.ranges:
            _fill(grid, rng.min_row - 1, rng.max_row, rng.min_col - 1, rng.max_col)
        sheets.append({"name": ws.title, "rows": grid})
    return sheets


def read_xls(data: bytes) -> list[dict[str, Any]]:
    import xlrd

    # formatting_info: without it xlrd does not report merged ranges
    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    budget, sheets = _Budget(), []
    for sh in book.sheets():
        budget.take(sh.nrows, sh.ncols)
        grid = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value: Any = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                else:
                    value = cell.value
                row.append(cell_text(value))
            grid.append(row)
        for r0, r1, c0, c1 in sh.merged_cells:
            _fill(grid, r0, r1, c0, c1)
        sheets.append({"name": sh.name, "rows": grid})
    return sheets


def main(argv: list[str]) -> int:
    kind = argv[1] if len(argv) > 1 else ""
    reader = {"xlsx": read_xlsx, "xls": read_xls}.get(kind)
    if reader is None:
        print(f"usage: sheetreader.py xlsx|xls < book (got {kind!r})", file=sys.stderr)
        return 2
    # Headroom for answering after the memory limit was hit: released first thing when it is.
    reserve: bytearray | None = bytearray(16 << 20)
    result: dict[str, Any] | None = None
    try:
        result = {"sheets": reader(sys.stdin.buffer.read())}
    except Refused as exc:
        result = {"error": exc.code, "detail": exc.detail}
    except MemoryError:
        reserve = None  # the answer is written below, once this handler has dropped the reader's frames
    except Exception as exc:  # noqa: BLE001 — the libraries raise anything on a broken file; all mean "corrupt"
        result = {"error": "corrupt", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    del reserve
    if result is None:
        result = {"error": "too_large", "detail": "out of memory while reading"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
