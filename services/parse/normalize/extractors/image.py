"""Page images (PNG, JPEG, TIFF — a multi-page TIFF is a document of pages), read by OCR: every page is
read on the `ocr` queue first (services/parse/ocr), then their blocks are put together here."""
from __future__ import annotations

from services.parse.ocr import images
from services.parse.ocr.models import NeedsOcr
from shared.settings import get_settings

from .. import errors
from .base import Block, Extracted, Extractor, Probe


class ImageExtractor(Extractor):
    format = "image"
    MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff"})
    EXTENSIONS = frozenset({"png", "jpg", "jpeg", "tif", "tiff"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        return 100 if images.image_kind(probe.data) else 0

    def extract(self, probe: Probe) -> Extracted:
        n = images.image_pages(probe.data)
        limit = get_settings().ocr_max_pages
        if n > limit:
            raise errors.too_large(f"图像超过 {limit} 页", f"more than {limit} image pages")
        done = probe.ocr_pages or {}
        missing = [i for i in range(n) if i not in done]
        if missing:
            raise NeedsOcr("image", missing)
        blocks: list[Block] = [b for i in range(n) for b in done[i].blocks]
        return Extracted(blocks=blocks, ocr_pages=[done[i] for i in range(n)])
