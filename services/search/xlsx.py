"""XLSX workbooks for the exports people open in Excel / WPS (search results, stats, the audit view).

One function writes a sheet: `workbook(headers, rows)` → the bytes of an .xlsx file. Every export builds
its headers (Chinese first, English beside: "机关 agency") and rows (one per report or per group) and
hands them here; `xlsx_response` wraps the bytes as a download and `XLSX_RESPONSES` documents it in
OpenAPI. Usage::

    from services.search.xlsx import XLSX_RESPONSES, workbook, xlsx_response

    @router.get("/audit.xlsx", responses={**XLSX_RESPONSES, **R422})
    def audit_xlsx(...) -> Response:
        data = workbook(["机关 agency", "问题数 findings"], [["某某局", 3], ...], sheet="审计 audit")
        return xlsx_response(data, "nianbao-audit-2025.xlsx")

Cell types follow the Python values: int / float → numeric cells (so a column sums in Excel), bool →
TRUE/FALSE, None → an empty cell, str → a text cell. Text is always text: a value beginning with "="
is NOT a formula (document text cannot inject formulas), and control characters XML forbids are
removed. Lists (e.g. a report's finding rules) are joined with "; ". The header row is bold and frozen.
Written with openpyxl's write-only workbook: memory stays proportional to the shared strings, not to
the cell objects (fine for tens of thousands of rows)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# For a route's `responses=`: the 200 answer is an .xlsx file.
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
          "description": "Excel 工作簿（.xlsx） / an Excel workbook (.xlsx)"},
}
MAX_SHEET_TITLE = 31  # Excel's limit
_BOLD = Font(bold=True)


def _cell(ws: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text begins with
        return cell
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return WriteOnlyCell(ws, value)
    return _cell(ws, str(value))


def workbook(headers: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "导出 export") -> bytes:
    """The bytes of an .xlsx file with one sheet: a bold, frozen header row, then one line per row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", sheet)[:MAX_SHEET_TITLE] or "Sheet1")
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, len(h) + 4), 40)
    head = []
    for h in headers:
        c = _cell(ws, h)
        c.font = _BOLD
        head.append(c)
    ws.append(head)
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(data: bytes, filename: str) -> Response:
    """A download of `data` named `filename` (ASCII; the Content-Disposition is `attachment`)."""
    return Response(content=data, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
