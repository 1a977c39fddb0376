"""Normalize stage: raw bytes → NormalizedDoc.

bytes → (sniff, pick an extractor: text / html / docx / pdf) → blocks of text and tables → character
clean-up (half-width, spaces, spaced-out labels) → traditional → simplified (OpenCC t2s) when the text is
traditional. Anything that cannot be processed raises ProcessingError with a stable code (see errors.py).
"""
from __future__ import annotations

from collections.abc import Mapping

from services.parse.ocr.models import OcrPage
from shared.document import NormalizedDoc, Table

from . import chinese, errors, manager, ocr_summary
from .extractors import Block
from .render import render
from .textnorm import normalize_cell, normalize_text

__all__ = ["normalize"]


def _clean(block: Block) -> Block:
    if isinstance(block, Table):
        rows = [[normalize_cell(c) for c in row] for row in block.rows]
        keep = [i for i, row in enumerate(rows) if any(row)]  # a row of empty cells carries nothing
        conf = block.ocr_confidence
        return block.model_copy(update={"rows": [rows[i] for i in keep],
                                        "ocr_confidence": [conf[i] for i in keep] if conf else None})
    return normalize_text(block)


def _simplify_table(table: Table) -> Table:
    # One OpenCC call per table: cells are single-line after normalize_cell, so "\n" separates them safely.
    width = len(table.rows[0]) if table.rows else 0
    cells = chinese.to_simplified("\n".join(c for row in table.rows for c in row)).split("\n")
    if width == 0 or len(cells) != width * len(table.rows):
        return table.model_copy(update={"rows": [[chinese.to_simplified(c) for c in row] for row in table.rows]})
    return table.model_copy(update={"rows": [cells[i:i + width] for i in range(0, len(cells), width)]})


def normalize(data: bytes, doc_id: str, filename: str | None = None, content_type: str | None = None,
              source_url: str | None = None, ocr_pages: Mapping[int, OcrPage] | None = None) -> NormalizedDoc:
    """Raises NeedsOcr when scanned pages are not among `ocr_pages` yet (the OCR stage reads them)."""
    fmt, extracted = manager.extract(data, filename=filename, content_type=content_type,
                                     ocr_pages=dict(ocr_pages) if ocr_pages else None)
    original_text = render(extracted.blocks)
    blocks = [_clean(b) for b in extracted.blocks]
    text = render(blocks)
    if not text.strip():
        if extracted.ocr_pages:
            raise ocr_summary.nothing_read(extracted.ocr_pages)
        raise errors.empty()
    traditional = chinese.is_traditional(text)
    tables = [b for b in blocks if isinstance(b, Table)]
    if traditional:
        text = chinese.to_simplified(text)
        tables = [_simplify_table(t) for t in tables]
    # Converted whatever the body is: a site may write its page titles in traditional characters alone.
    page_title = chinese.to_simplified(normalize_text(extracted.page_title)) if extracted.page_title else None
    return NormalizedDoc(id=doc_id, format=fmt, encoding=extracted.encoding, traditional=traditional, text=text,
                         original_text=original_text, tables=tables, filename=filename, source_url=source_url,
                         page_title=page_title,
                         ocr=ocr_summary.summarise(extracted.ocr_pages) if extracted.ocr_pages else None)
