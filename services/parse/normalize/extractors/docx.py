"""DOCX with python-docx: paragraphs and tables in document order. The zip is checked before anything is
decompressed (member count, declared sizes, ratio), so a zip bomb is refused instead of filling memory."""
from __future__ import annotations

import zipfile
from io import BytesIO

import docx
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from shared.document import Table

from .. import errors
from ..sniff import looks_like_docx
from .base import Block, Extracted, Extractor, Probe

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed for members over 1 MiB; real XML compresses ~10x


def check_zip(data: bytes, required: str = "word/document.xml", fmt: str = "docx") -> None:
    """Refuse bombs and broken archives from the central directory alone. zipfile itself enforces the
    declared sizes while reading (a member that inflates past its declared size fails its CRC)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise errors.too_large("压缩包成员过多", "too many zip members")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise errors.too_large("解压后体积过大（疑似压缩炸弹）",
                                           "uncompressed size too large (zip bomb?)")
                if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise errors.too_large("压缩比异常（疑似压缩炸弹）",
                                           "suspicious compression ratio (zip bomb?)")
            if required not in zf.namelist():
                raise errors.corrupt(fmt, f"no {required}")
    except zipfile.BadZipFile as exc:
        raise errors.corrupt(fmt, str(exc)) from exc


def table_rows(table: DocxTable) -> list[list[str]]:
    """python-docx repeats a horizontally merged cell in each grid column and returns the top cell for a
    vertically merged one, so `row.cells` is already the expanded grid."""
    cells = _without_slivers([list(row.cells) for row in table.rows])
    rows = [[cell.text for cell in row] for row in cells]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _without_slivers(grid: list[list[_Cell]]) -> list[list[_Cell]]:
    """Drop grid columns that are no cell's own: in every row the cell there spans into a neighbouring
    column too. Word and LibreOffice make them when row borders sit a hair apart (a .doc converted to DOCX
    often has one); kept, they shift a row's values by a column against its header."""
    j = 0
    while grid and j < max(len(r) for r in grid):
        if all(_spans_over(row, j) for row in grid):
            grid = [r[:j] + r[j + 1:] for r in grid]
        else:
            j += 1
    return grid


def _spans_over(row: list[_Cell], j: int) -> bool:
    """Column j of this row is (part of) a cell that also fills a neighbouring column, or is past the row's end."""
    if j >= len(row):
        return True
    tc = row[j]._tc
    return (j > 0 and row[j - 1]._tc is tc) or (j + 1 < len(row) and row[j + 1]._tc is tc)


class DocxExtractor(Extractor):
    format = "docx"
    MIME_TYPES = frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
    EXTENSIONS = frozenset({"docx"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        return 100 if looks_like_docx(probe.data) else 0

    def extract(self, probe: Probe) -> Extracted:
        check_zip(probe.data)
        try:
            document = docx.Document(BytesIO(probe.data))
            blocks: list[Block] = []
            for item in document.iter_inner_content():
                if isinstance(item, Paragraph):
                    if item.text.strip():
                        blocks.append(item.text)
                elif isinstance(item, DocxTable):
                    blocks.append(Table(rows=table_rows(item)))
        except errors.ProcessingError:
            raise
        except Exception as exc:  # python-docx/lxml raise many types for a broken package; all mean "corrupt"
            raise errors.corrupt("docx", type(exc).__name__) from exc
        if not any(isinstance(b, Table) or b.strip() for b in blocks):
            raise errors.no_text()
        return Extracted(blocks=blocks)
