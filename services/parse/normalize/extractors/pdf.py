"""PDF with pdfplumber: per page, the text lines outside tables and the tables found by pdfplumber's table
finder, merged in reading order (top to bottom). Table cells come from their bounding boxes, so a merged
cell is repeated in every row/column slot it covers."""
from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from shared.document import Table

from .. import errors
from ..sniff import is_pdf
from .base import Block, Extracted, Extractor, Probe, is_data_grid

MAX_PAGES = 300
MIN_TEXT_CHARS = 20  # fewer visible characters than this in the whole file: a scan without a text layer
_PAGE_NUMBER_RX = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                             r"|\d{1,4}\s*/\s*\d{1,4})\s*$")
_SNAP = 2.0  # points: cell edges closer than this are the same grid line


def _lines(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def table_grid(table: Any) -> list[list[str]]:
    """Grid from cell bounding boxes: every cell fills the span of grid lines it covers."""
    texts = table.extract()
    cells: list[tuple[tuple[float, float, float, float], str]] = []
    for row, row_texts in zip(table.rows, texts, strict=False):
        for bbox, text in zip(row.cells, row_texts, strict=False):
            if bbox is not None:
                cells.append((bbox, text or ""))
    if not cells:
        return []
    xs = _lines([b[0] for b, _ in cells] + [b[2] for b, _ in cells])
    ys = _lines([b[1] for b, _ in cells] + [b[3] for b, _ in cells])
    grid = [[""] * max(len(xs) - 1, 1) for _ in range(max(len(ys) - 1, 1))]
    for (x0, top, x1, bottom), text in cells:
        c0, c1 = _index(xs, x0), max(_index(xs, x1), _index(xs, x0) + 1)
        r0, r1 = _index(ys, top), max(_index(ys, bottom), _index(ys, top) + 1)
        for r in range(r0, min(r1, len(grid))):
            for c in range(c0, min(c1, len(grid[0]))):
                grid[r][c] = text
    return grid


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def page_blocks(page: Any) -> tuple[list[Block], int]:
    """(blocks in reading order, visible characters on the page)."""
    n_chars = sum(1 for ch in page.chars if not ch.get("text", " ").isspace())
    tables = [(t, grid) for t in page.find_tables() if is_data_grid(grid := table_grid(t))]
    boxes = [t.bbox for t, _ in tables]
    rest = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes)) if boxes else page
    items: list[tuple[float, Block]] = []
    for line in rest.extract_text_lines(return_chars=False):
        text = line["text"]
        if text.strip() and not _PAGE_NUMBER_RX.match(text):
            items.append((line["top"], text))
    for table, grid in tables:
        items.append((table.bbox[1], Table(rows=grid)))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items], n_chars


class PdfExtractor(Extractor):
    format = "pdf"
    MIME_TYPES = frozenset({"application/pdf", "application/x-pdf"})
    EXTENSIONS = frozenset({"pdf"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        return 100 if is_pdf(probe.data) else 0

    def extract(self, probe: Probe) -> Extracted:
        blocks: list[Block] = []
        visible = 0
        try:
            with pdfplumber.open(BytesIO(probe.data)) as pdf:
                if len(pdf.pages) > MAX_PAGES:
                    raise errors.too_large(f"超过 {MAX_PAGES} 页", f"more than {MAX_PAGES} pages")
                for page in pdf.pages:
                    page_items, n = page_blocks(page)
                    _continue_table(blocks, page_items)
                    blocks.extend(page_items)
                    visible += n
                    page.close()  # drop the page's cached layout objects: memory stays per-page
        except errors.ProcessingError:
            raise
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise errors.encrypted_pdf() from exc
        except Exception as exc:  # pdfminer raises many types for a broken file; all mean "corrupt"
            if _is_encryption_error(exc):
                raise errors.encrypted_pdf() from exc
            raise errors.corrupt("pdf", type(exc).__name__) from exc
        if visible < MIN_TEXT_CHARS:
            raise errors.no_text_layer()
        return Extracted(blocks=blocks)


def _continue_table(blocks: list[Block], page_items: list[Block]) -> None:
    """A table that runs over a page break comes back as two; when a page opens with a table as wide as the
    one that closed the previous page, its rows continue that table."""
    if blocks and page_items and isinstance(blocks[-1], Table) and isinstance(page_items[0], Table):
        prev, head = blocks[-1], page_items[0]
        if prev.rows and head.rows and len(prev.rows[0]) == len(head.rows[0]):
            blocks[-1] = Table(rows=prev.rows + head.rows)
            del page_items[0]


def _is_encryption_error(exc: BaseException) -> bool:
    # pdfplumber wraps pdfminer's errors (PdfminerException): look at the chain.
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (PDFPasswordIncorrect, PDFEncryptionError)):
            return True
        if any(isinstance(a, (PDFPasswordIncorrect, PDFEncryptionError)) for a in getattr(seen, "args", ())):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
