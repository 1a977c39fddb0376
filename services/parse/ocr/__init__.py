"""OCR of scanned pages (issue 16): a page image → blocks of text lines and ruled tables, with the engine's
confidence per table cell.

Pages are read one at a time, each its own task on the `ocr` queue (services/parse/tasks.py), each result
kept as the document's `ocr-<page>` artifact; the normalize stage then reads the document again with the
OCR'd pages in place of the pages that had no text layer (services/parse/normalize). A page that cannot be
read fails alone: its note says why, the rest of the document is read.
"""
from .models import Kind, NeedsOcr, OcrPage

__all__ = ["Kind", "NeedsOcr", "OcrPage"]
