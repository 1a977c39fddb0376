"""Excel 97–2003 (.xls; WPS's .et is the same BIFF format): an OLE2 compound file with a Workbook stream,
read by xlrd in a sandboxed child (workbook.py)."""
from __future__ import annotations

from .. import errors
from .base import Extracted, Extractor, Probe
from .workbook import workbook_blocks


class XlsExtractor(Extractor):
    format = "xls"
    MIME_TYPES = frozenset({"application/vnd.ms-excel", "application/wps-office.et"})
    EXTENSIONS = frozenset({"xls", "xlt", "et"})
    OLE = True

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        if probe.ole_kind == "excel":
            return 100
        return 50 if probe.ole_kind == "broken" and cls.hinted(probe) else 0

    def extract(self, probe: Probe) -> Extracted:
        if probe.ole_kind == "broken":
            raise errors.corrupt(self.format, "unreadable OLE compound file")
        return Extracted(blocks=workbook_blocks(probe.data, "xls"))
