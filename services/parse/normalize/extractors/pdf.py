"""PDF with pdfplumber: per page, the text lines outside tables and the tables found by pdfplumber's table
finder, merged in reading order (top to bottom). Table cells come from their bounding boxes, so a merged
cell is repeated in every row/column slot it covers."""
from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from services.parse.ocr.models import NeedsOcr, OcrPage
from shared.document import Table
from shared.settings import get_settings

from .. import errors
from ..sniff import is_pdf
from .base import Block, Extracted, Extractor, Probe, is_data_grid

MAX_PAGES = 300
MIN_TEXT_CHARS = 20  # fewer visible characters than this in the whole file: a scan without a text layer
# A line that is only a page number: "- 3 -", "第 3 页 共 9 页", "3/9".
_PAGE_NUMBER_RX = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]"
                             r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
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


def _grid_lines(table: Any) -> tuple[list[float], list[float]]:
    return (_lines([c[0] for c in table.cells] + [c[2] for c in table.cells]),
            _lines([c[1] for c in table.cells] + [c[3] for c in table.cells]))


def _slot(lines: list[float], v: float) -> int | None:
    """The grid interval holding v, or None outside the grid."""
    for i in range(len(lines) - 1):
        if lines[i] <= v < lines[i + 1]:
            return i
    return None


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
    xs, ys = _grid_lines(table)
    grid = [[""] * max(len(xs) - 1, 1) for _ in range(max(len(ys) - 1, 1))]
    for (x0, top, x1, bottom), text in cells:
        c0, c1 = _index(xs, x0), max(_index(xs, x1), _index(xs, x0) + 1)
        r0, r1 = _index(ys, top), max(_index(ys, bottom), _index(ys, top) + 1)
        for r in range(r0, min(r1, len(grid))):
            for c in range(c0, min(c1, len(grid[0]))):
                grid[r][c] = text
    return grid


def _in_box(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _in_cell(obj: dict[str, Any], tables: list[Any]) -> bool:
    # Only characters inside a cell belong to the table; one inside the table's frame but in no cell (a cell
    # whose border was drawn on the previous page) stays in the running text rather than being lost.
    return any(_in_box(obj, t.bbox) and any(_in_box(obj, cell) for cell in t.cells) for t in tables)


def _is_white(color: Any) -> bool:
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(c, (int, float)) for c in color):
        return False  # unknown (None = default black, pattern names): count as visible
    if len(color) == 4:  # CMYK: white is no ink
        return all(c <= 0.05 for c in color)
    return all(c >= 0.95 for c in color)


def _visible(obj: dict[str, Any]) -> bool:
    kind = obj.get("object_type")
    if kind not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke", kind == "line") and not _is_white(obj.get("stroking_color"))
    filled = obj.get("fill", False) and not _is_white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


def _graphics_filter(page: Any) -> Any:
    """Word draws white cell and paragraph shading as filled rectangles. Their edges are invisible, and those
    behind prose would make the table finder read every shaded line of text as a table row; those inside a
    table still close cells whose visible border is missing (a row cut by a page break). So keep an invisible
    rectangle only where a visible vertical rule crosses it."""
    shapes = page.rects + page.lines + page.curves
    verticals = [(o["x0"], o["x1"], o["top"], o["bottom"]) for o in shapes
                 if _visible(o) and o["x1"] - o["x0"] <= 3 and o["bottom"] - o["top"] > 3]
    verticals += [(x, x, o["top"], o["bottom"]) for o in page.rects if _visible(o) and o["x1"] - o["x0"] > 3
                  for x in (o["x0"], o["x1"])]

    def keep(obj: dict[str, Any]) -> bool:
        if _visible(obj):
            return True
        return any(obj["x0"] - 1 <= x1 and x0 <= obj["x1"] + 1 and top < obj["bottom"] and bottom > obj["top"]
                   for x0, x1, top, bottom in verticals)

    return page.filter(keep)


def _adopt_orphans(page: Any, table: Any, grid: list[list[str]]) -> list[tuple[float, float, float, float]]:
    """Words inside a table's frame but in no cell (the cell's top border was drawn on the previous page) go
    to the empty grid slot they sit in. Returns the boxes of the adopted words."""
    xs, ys = _grid_lines(table)
    region = page.within_bbox(table.bbox).filter(
        lambda o: o.get("object_type") != "char" or not any(_in_box(o, c) for c in table.cells))
    adopted: list[tuple[float, float, float, float]] = []
    filled: set[tuple[int, int]] = set()  # slots that hold adopted words only
    for word in region.extract_words():
        r = _slot(ys, (word["top"] + word["bottom"]) / 2)
        c = _slot(xs, (word["x0"] + word["x1"]) / 2)
        if r is None or c is None or r >= len(grid) or c >= len(grid[r]):
            continue
        if grid[r][c] == "" or (r, c) in filled:
            grid[r][c] = f"{grid[r][c]}\n{word['text']}" if grid[r][c] else word["text"]
            filled.add((r, c))
            adopted.append((word["x0"], word["top"], word["x1"], word["bottom"]))
    return adopted


SCAN_MAX_CHARS = 10        # a page with fewer visible characters than this…
SCAN_MIN_IMAGE_SHARE = 0.3  # …and an image over this share of its area is a scan: it is read by OCR


def is_scanned(page: Any) -> bool:
    """A page whose content is an image (a scan), not text: no text layer to speak of (a page number or a
    stamp's caption at most) and a picture covering much of the page."""
    if sum(1 for ch in page.chars if not ch.get("text", " ").isspace()) >= SCAN_MAX_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, float(im["x1"] - im["x0"])) * max(0.0, float(im["bottom"] - im["top"]))
                  for im in page.images)
    return covered / area >= SCAN_MIN_IMAGE_SHARE


def page_blocks(page: Any) -> tuple[list[Block], int]:
    """(blocks in reading order, visible characters on the page)."""
    n_chars = sum(1 for ch in page.chars if not ch.get("text", " ").isspace())
    page = _graphics_filter(page)
    tables = [(t, grid) for t in page.find_tables() if is_data_grid(grid := table_grid(t))]
    found = [t for t, _ in tables]
    adopted = [box for t, grid in tables for box in _adopt_orphans(page, t, grid)]
    rest = page.filter(lambda obj: obj.get("object_type") != "char"
                       or not (_in_cell(obj, found) or any(_in_box(obj, b) for b in adopted))) if found else page
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
        scanned: list[int] = []
        used: list[OcrPage] = []
        try:
            with pdfplumber.open(BytesIO(probe.data)) as pdf:
                if len(pdf.pages) > MAX_PAGES:
                    raise errors.too_large(f"超过 {MAX_PAGES} 页", f"more than {MAX_PAGES} pages")
                for i, page in enumerate(pdf.pages):
                    if is_scanned(page):
                        # Read page by page: a scanned page's blocks come from OCR, in their place.
                        scanned.append(i)
                        ocr = (probe.ocr_pages or {}).get(i)
                        page_items = list(ocr.blocks) if ocr is not None else []
                        if ocr is not None:
                            used.append(ocr)
                    else:
                        page_items, n = page_blocks(page)
                        visible += n
                    _continue_table(blocks, page_items)
                    blocks.extend(page_items)
                    page.close()  # drop the page's cached layout objects: memory stays per-page
        except (errors.ProcessingError, NeedsOcr):
            raise
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise errors.encrypted_pdf() from exc
        except Exception as exc:  # pdfminer raises many types for a broken file; all mean "corrupt"
            if _is_encryption_error(exc):
                raise errors.encrypted_pdf() from exc
            raise errors.corrupt("pdf", type(exc).__name__) from exc
        missing = [i for i in scanned if i not in (probe.ocr_pages or {})]
        if missing:
            if len(scanned) > get_settings().ocr_max_pages:
                limit = get_settings().ocr_max_pages
                raise errors.too_large(f"扫描页超过 {limit} 页（共 {len(scanned)} 页需 OCR）",
                                       f"more than {limit} scanned pages ({len(scanned)} need OCR)")
            raise NeedsOcr("pdf", missing)
        if visible < MIN_TEXT_CHARS and not used:
            raise errors.no_text_layer()
        return Extracted(blocks=blocks, ocr_pages=used)


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
