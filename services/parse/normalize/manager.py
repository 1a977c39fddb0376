"""Choose the extractor for a payload, ingest-file style: refuse known binary formats, score every extractor
on the sniffed bytes (hints from filename and content type only break ties), run the best."""
from __future__ import annotations

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
    best: tuple[int, type[Extractor]] | None = None
    failure: ProcessingError | None = None
    for extractor in EXTRACTORS:
        try:
            score = extractor.score(probe)
        except ProcessingError as exc:  # e.g. undecodable bytes: only text-based extractors care
            failure = failure or exc
            continue
        if score > 0 and (best is None or score > best[0]):
            best = (score, extractor)
        if extractor is not EXTRACTORS[-1] and score >= 100:
            break  # an unambiguous magic-byte match
    if best is not None:
        return best[1]
    if sniff.is_zip(probe.data):
        raise errors.unsupported("ZIP 压缩包（不是 DOCX）", "zip archive (not DOCX)")
    raise failure or errors.undecodable()


def extract(data: bytes, filename: str | None = None, content_type: str | None = None) -> tuple[str, Extracted]:
    """(format, extracted blocks)."""
    probe = Probe(data=data, filename=filename, content_type=content_type)
    extractor = choose(probe)
    return extractor.format, extractor().extract(probe)
