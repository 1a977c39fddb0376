"""WPS Office (.wps, Kingsoft) and Microsoft Works (.wps) word-processor files, through LibreOffice like
.doc. Kingsoft's .wps is the Word 97–2003 format under another name, so only the name (or the declared
type) tells it from a .doc; Works files have streams of their own. Listed before DocExtractor, so a
Word-format file named .wps is recorded as what came in."""
from __future__ import annotations

from .base import Probe
from .doc import LegacyWordExtractor


class WpsExtractor(LegacyWordExtractor):
    format = "wps"
    MIME_TYPES = frozenset({"application/vnd.ms-works", "application/kswps", "application/wps-office.wps"})
    EXTENSIONS = frozenset({"wps", "wpt"})
    KINDS = frozenset({"works"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        if probe.ole_kind == "word" and cls.hinted(probe):
            return 100
        return super().sniff(probe)
