"""Word 97–2003 (.doc): an OLE2 compound file with a WordDocument stream, converted to DOCX by LibreOffice
in a sandboxed child, then read by the DOCX extractor — one table reader for both."""
from __future__ import annotations

from typing import ClassVar

from .. import errors, libreoffice
from .base import Extracted, Extractor, Probe
from .docx import DocxExtractor


class LegacyWordExtractor(Extractor):
    """What .doc and .wps share: OLE2 in, LibreOffice, the DOCX reader."""

    OLE = True
    # Which compound files a class takes (sniff.ole_kind); a damaged one only when its name says so,
    # and then only to say that it is damaged.
    KINDS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        kind = probe.ole_kind
        if kind in cls.KINDS:
            return 100
        return 50 if kind == "broken" and cls.hinted(probe) else 0

    def extract(self, probe: Probe) -> Extracted:
        if probe.ole_kind == "broken":
            raise errors.corrupt(self.format, "unreadable OLE compound file")
        docx = libreoffice.to_docx(probe.data, self.format)
        try:
            return DocxExtractor().extract(Probe(data=docx, filename="converted.docx"))
        except errors.ProcessingError as exc:
            if exc.code == "corrupt_docx":  # our converter's output, not the sender's file
                raise errors.conversion_failed(libreoffice.TOOL, exc.en) from exc
            raise


class DocExtractor(LegacyWordExtractor):
    format = "doc"
    MIME_TYPES = frozenset({"application/msword"})
    EXTENSIONS = frozenset({"doc", "dot"})
    KINDS = frozenset({"word"})
