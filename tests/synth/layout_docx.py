"""DOCX layout: python-docx paragraphs and real Word tables with merged cells."""
from __future__ import annotations

import io
import random

from docx import Document
from docx.shared import Pt
from docx.table import _Cell

from tests.synth.doc import Block
from tests.synth.tables import TRows, grid, width


def _table(document, rows: TRows) -> None:
    """A Word table with merges written directly as w:gridSpan / w:vMerge (python-docx's own
    cell()/merge() re-walk the whole table on every call)."""
    w = width(rows)
    table = document.add_table(rows=len(rows), cols=w)
    table.style = "Table Grid"
    # per row: column → (cell text or None for a vertical continuation, colspan, vMerge)
    plan: dict[int, dict[int, tuple[str | None, int, str | None]]] = {r: {} for r in range(len(rows))}
    for r, c, cell in grid(rows):
        plan[r][c] = (cell.text, cell.colspan, "restart" if cell.rowspan > 1 else None)
        for dr in range(1, cell.rowspan):
            plan[r + dr][c] = (None, cell.colspan, "continue")
    for r, row in enumerate(table.rows):
        tr = row._tr
        tcs = list(tr.tc_lst)
        keep = []
        for c, (text, span, vmerge) in sorted(plan[r].items()):
            tc = tcs[c]
            if span > 1:
                tc.grid_span = span
            if vmerge:
                tc.vMerge = vmerge
            keep.append(tc)
            if text:
                _Cell(tc, table).text = text
        for tc in tcs:
            if tc not in keep:
                tr.remove(tc)


def render_docx(rng: random.Random, blocks: list[Block]) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(rng.choice((10.5, 12, 14)))
    for b in blocks:
        if b.kind == "title":
            document.add_heading(b.text, level=1)
        elif b.kind == "heading":
            document.add_paragraph(b.text, style="Heading 2" if rng.random() < 0.5 else None)
        elif b.kind == "table":
            _table(document, b.rows or [])
            document.add_paragraph("")
        else:
            document.add_paragraph(b.text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
