"""Normalize a document with its scanned pages OCR'd in this process, one after another — for the CLI check,
tests and benchmarks. The pipeline does the same through the `ocr` queue, a page per task
(services/parse/tasks.py)."""
from __future__ import annotations

from services.parse.normalize import normalize
from services.parse.ocr.models import NeedsOcr, OcrPage
from services.parse.ocr.read import ocr_page
from shared.document import NormalizedDoc


def normalize_with_ocr(data: bytes, doc_id: str, filename: str | None = None,
                       content_type: str | None = None, source_url: str | None = None) -> NormalizedDoc:
    pages: dict[int, OcrPage] = {}
    while True:
        try:
            return normalize(data, doc_id, filename=filename, content_type=content_type, source_url=source_url,
                             ocr_pages=pages)
        except NeedsOcr as need:
            for p in need.pages:
                pages[p] = ocr_page(data, need.kind, p)
