"""The normalized document's account of its OCR'd pages: which, by what engine, how sure (shared/document.py
OcrSummary), and the error of a document whose every scanned page came back empty."""
from __future__ import annotations

from collections.abc import Sequence

from services.parse.ocr.models import OcrPage
from shared.document import OcrPageNote, OcrSummary
from shared.errors import ProcessingError


def summarise(pages: Sequence[OcrPage]) -> OcrSummary:
    confs = [c for p in pages for c in p.confidences]
    return OcrSummary(
        engine=next((p.engine for p in pages if p.engine), ""),
        pages=sorted(p.page for p in pages),
        failed_pages=[p.error for p in pages if p.error is not None],
        dpi=next((p.dpi for p in pages if p.dpi), None),
        cells=sum(p.cells for p in pages),
        low_confidence_cells=sum(p.unreadable for p in pages),
        mean_confidence=round(sum(confs) / len(confs), 4) if confs else None,
        min_confidence=min(confs) if confs else None,
    )


def nothing_read(pages: Sequence[OcrPage]) -> ProcessingError:
    """No text on any scanned page: say why, page by page, when pages failed."""
    failed: list[OcrPageNote] = [p.error for p in pages if p.error is not None]
    if failed:
        detail = "; ".join(f"{n.message}" for n in failed[:5])
        return ProcessingError(failed[0].code, "扫描页无法识别", "scanned pages could not be read", detail)
    return ProcessingError("no_text", "扫描件中没有识别出文字（空白页或无法辨认）",
                           "no text recognised in the scan (blank or illegible pages)")
