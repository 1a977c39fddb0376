"""Excel 2007+ (.xlsx): a zip holding xl/workbook.xml, checked for bombs like a DOCX before anything is
inflated, then read by openpyxl in a sandboxed child (workbook.py)."""
from __future__ import annotations

from ..sniff import looks_like_xlsx
from .base import Extracted, Extractor, Probe
from .docx import check_zip
from .workbook import workbook_blocks


class XlsxExtractor(Extractor):
    format = "xlsx"
    MIME_TYPES = frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    EXTENSIONS = frozenset({"xlsx", "xlsm"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        return 100 if looks_like_xlsx(probe.data) else 0

    def extract(self, probe: Probe) -> Extracted:
        check_zip(probe.data, required="xl/workbook.xml", fmt="xlsx")
        return Extracted(blocks=workbook_blocks(probe.data, "xlsx"))
