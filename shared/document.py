"""The normalized document: what the normalize stage hands to the parse stage."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Table(BaseModel):
    """A table as extracted from HTML/DOCX/PDF: rows of cell texts, rowspan/colspan already expanded
    (a spanned cell's text repeated in every grid position it covers)."""

    rows: list[list[str]]


class NormalizedDoc(BaseModel):
    id: str
    format: Literal["text", "html", "docx", "pdf", "doc", "wps", "xls", "xlsx"]
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
