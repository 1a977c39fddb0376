"""Choose the extractor for a payload, ingest-file style: refuse known binary formats, score every extractor
on the sniffed bytes (hints from filename and content type only break ties), run the best."""
from __future__ import annotations

from services.parse.ocr.models import OcrPage
from shared.errors import ProcessingError
from shared.settings import get_settings

from . import errors, sniff
from .extractors import EXTRACTORS, Extracted, Extractor, Probe


def choose(probe: Probe) -> type[Extractor]:
    if not probe.data.strip():
        raise errors.empty()
    if len(probe.data) > get_settings().max_upload_bytes:
        raise errors.too_large("文件过大", "file too large")
    refused = sniff.refused_kind(probe.data)
    if refused is not None:
        raise errors.unsupported(*refused)
    # An OLE2 compound file is only ever one of the Office formats, never text to be decoded.
    ole = sniff.is_ole(probe.data)
    candidates = tuple(e for e in EXTRACTORS if e.OLE) if ole else EXTRACTORS
    best: tuple[int, type[Extractor]] | None = None
    failure: ProcessingError | None = None
    for extractor in candidates:
        try:
            score = extractor.score(probe)
        except ProcessingError as exc:  # e.g. undecodable bytes: only text-based extractors care
            failure = failure or exc
            continue
        if score > 0 and (best is None or score > best[0]):
            best = (score, extractor)
        if extractor is not candidates[-1] and score >= 100:
            break  # an unambiguous magic-byte match
    if best is not None:
        return best[1]
    if ole:
        raise errors.unsupported_ole()
    if sniff.is_zip(probe.data):
        raise errors.unsupported("ZIP 压缩包（不是 DOCX/XLSX）", "zip archive (not DOCX/XLSX)")
    raise failure or errors.undecodable()


def extract(data: bytes, filename: str | None = None, content_type: str | None = None,
            ocr_pages: dict[int, OcrPage] | None = None) -> tuple[str, Extracted]:
    """(format, extracted blocks)."""
    probe = Probe(data=data, filename=filename, content_type=content_type, ocr_pages=ocr_pages)
    extractor = choose(probe)
    return extractor.format, extractor().extract(probe)
