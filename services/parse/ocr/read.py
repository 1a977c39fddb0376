"""Read one page: render or decode it, level it, read its text lines and ruled tables."""
from __future__ import annotations

from shared.document import OcrPageNote
from shared.errors import ProcessingError
from shared.settings import get_settings

from . import engine, images
from .models import Kind, OcrPage
from .page import read_page


def ocr_page(data: bytes, kind: Kind, page: int) -> OcrPage:
    """Read one page of a scanned PDF or an image file. A page that cannot be read (too large, corrupt)
    comes back with its `error`, never raises: it fails alone."""
    s = get_settings()
    try:
        gray = images.pdf_page(data, page) if kind == "pdf" else images.image_page(data, page)
        read = read_page(gray, page, s.ocr_min_confidence)
    except ProcessingError as e:
        return OcrPage(page=page, error=OcrPageNote(page=page, code=e.code, message=e.message),
                       engine=engine.engine_version())
    return OcrPage(page=page, blocks=read.blocks, engine=engine.engine_version(),
                   dpi=s.ocr_dpi if kind == "pdf" else None, angle=round(read.angle, 2),
                   seconds=round(read.seconds, 3), cells=len(read.confidences), unreadable=read.unreadable,
                   confidences=[round(c, 4) for c in read.confidences])


def page_timeout(page: int) -> OcrPage:
    return OcrPage(page=page, engine=engine.engine_version(), error=OcrPageNote(
        page=page, code="ocr_timeout", message=f"第 {page + 1} 页 OCR 超时 / OCR of page {page + 1} timed out"))
