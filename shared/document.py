"""The normalized document: what the normalize stage hands to the parse stage."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Table(BaseModel):
    """A table as extracted from HTML/DOCX/PDF: rows of cell texts, rowspan/colspan already expanded
    (a spanned cell's text repeated in every grid position it covers)."""

    rows: list[list[str]]
    # OCR'd tables (services/parse/ocr): the engine's confidence per cell (None for an empty cell), and the
    # page (0-based) the table was read from. None for tables that came from a text layer or markup.
    ocr_confidence: list[list[float | None]] | None = None
    page: int | None = None


class OcrPageNote(BaseModel):
    """A page that OCR could not read: it fails alone, the rest of the document is read."""
    page: int
    code: str
    message: str


class OcrSummary(BaseModel):
    engine: str                          # e.g. "rapidocr 1.4.4"
    pages: list[int]                     # 0-based pages read by OCR (the others had a text layer)
    failed_pages: list[OcrPageNote] = Field(default_factory=list)
    dpi: int | None = None
    cells: int = 0                       # table cells with text read by OCR
    low_confidence_cells: int = 0        # of which left unread (below the confidence threshold)
    mean_confidence: float | None = None
    min_confidence: float | None = None


class NormalizedDoc(BaseModel):
    id: str
    format: Literal["text", "html", "docx", "pdf", "image", "doc", "wps", "xls", "xlsx"]
    encoding: str | None = None          # detected encoding of text/html bytes; None for docx/pdf
    traditional: bool = False            # True when OpenCC converted traditional → simplified
    # Simplified, normalized text (full-width digits/punctuation → half-width). Tables that came as
    # structure (HTML/DOCX/PDF) are also rendered inline here, one row per line, cells joined by " | ".
    text: str
    original_text: str                   # as decoded, before OpenCC, for display
    tables: list[Table] = Field(default_factory=list)
    filename: str | None = None
    source_url: str | None = None
    # The HTML page's <title> (simplified, half-width), often with a site suffix: the report's title
    # only when the body has no title line of its own (services/parse/parser/meta.py).
    page_title: str | None = None
    ocr: OcrSummary | None = None        # which pages were read by OCR, how sure the engine was
