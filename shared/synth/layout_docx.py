"""DOCX layout: python-docx paragraphs and real Word tables with merged cells."""
from __future__ import annotations

import io
import random

from docx import Document
from docx.shared import Pt

from shared.synth.doc import Block
from shared.synth.tables import TRows, grid, width


def _table(document, rows: TRows) -> None:
    w = width(rows)
    table = document.add_table(rows=len(rows), cols=w)
    table.style = "Table Grid"
    for r, c, cell in grid(rows):
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text


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
