"""Plain text: decoded and passed through line by line (flattened tables stay as they are: parsing is the
parser's job)."""
from __future__ import annotations

from .base import Extracted, Extractor, Probe


class TextExtractor(Extractor):
    format = "text"
    MIME_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown", "text/csv"})
    EXTENSIONS = frozenset({"txt", "text", "md", "markdown", "csv", "tsv"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        probe.decoded()  # raises when the bytes are not text at all
        return 10  # the fallback: any decodable bytes are text

    def extract(self, probe: Probe) -> Extracted:
        text, enc = probe.decoded()
        return Extracted(blocks=[text], encoding=enc)
