"""One page image → blocks in reading order: the lines of text outside tables (rows by y, words by x) and
each ruled table as a grid whose cells were read one by one (cell crops recognised line by line)."""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

import cv2
import numpy as np

from shared.document import Table

from . import engine
from .cells import UNREADABLE, cell_text
from .grid import Box, GridTable, find_tables, rule_mask
from .images import level

_NUMERIC = re.compile(r"[+-]?[\d.,]+")
SECOND_LOOK_FLOOR = 0.6  # below this a reading is not worth a second look
_PAD = 4  # px of white around a text-line crop: the recogniser wants a margin


@dataclass
class PageRead:
    blocks: list[str | Table]
    angle: float = 0.0
    seconds: float = 0.0
    confidences: list[float] = field(default_factory=list)   # every table cell read
    unreadable: int = 0


def read_page(gray: np.ndarray, page: int, min_confidence: float) -> PageRead:
    t0 = time.monotonic()
    gray, angle = level(gray)
    rules = rule_mask(gray)
    tables = find_tables(gray, rules)
    items: list[tuple[float, str | Table]] = []
    confidences: list[float] = []
    unreadable = 0
    for t in tables:
        table, confs = _read_table(gray, t, page, min_confidence)
        items.append((t.box[1], table))
        confidences += [c for row in confs for c in row if c is not None]
        unreadable += sum(1 for row in table.rows for c in row if c == UNREADABLE)
    items += _text_lines(gray, [t.box for t in tables])
    items.sort(key=lambda it: it[0])
    return PageRead([b for _, b in items], angle, time.monotonic() - t0, confidences, unreadable)


INK_LEVEL = 200  # grey below this is ink: a thin "1" at 150 dpi is no darker than ~170, paper is ~240+


def _ink(gray: np.ndarray) -> np.ndarray:
    return cv2.threshold(gray, INK_LEVEL, 255, cv2.THRESH_BINARY_INV)[1] if gray.size else gray


def _read_table(gray: np.ndarray, t: GridTable, page: int, min_confidence: float) -> tuple[Table, list[list[float | None]]]:
    clean = gray.copy()
    # Rules wiped, with their grey fringe: a crop holds the cell's text only (a rule's stub read as "." turns 10
    # into 1.0)
    clean[cv2.dilate(t.rules, np.ones((3, 3), np.uint8)) > 0] = 255
    crops: list[np.ndarray] = []
    owner: list[int] = []
    dots: list[int] = []
    for i, (x0, y0, x1, y1) in enumerate(t.cells):
        for line, d in _lines_with_dots(clean[y0:y1, x0:x1]):
            crops.append(line)
            owner.append(i)
            dots.append(d)
    # A "line" far taller than the table's usual line is a column of characters run together (a merged row
    # header printed vertically), never a number.
    usual = float(np.median([c.shape[0] for c in crops])) if crops else 0.0
    tall = [False] * len(t.cells)
    for i, c in zip(owner, crops, strict=True):
        tall[i] = tall[i] or c.shape[0] > 1.8 * usual
    read = _second_look(crops, engine.recognise(crops), min_confidence)
    texts: list[list[str]] = [[] for _ in t.cells]
    confs: list[list[float]] = [[] for _ in t.cells]
    for i, (text, conf), d in zip(owner, read, dots, strict=True):
        if _NUMERIC.fullmatch(text.strip()) and d != text.count("."):
            text, conf = UNREADABLE, 0.0  # the ink shows a decimal point the reading lacks, or the reverse
        if text.strip():
            texts[i].append(text.strip())
            confs[i].append(conf)
    n_rows, n_cols = t.shape
    rows = [[""] * n_cols for _ in range(n_rows)]
    grid_conf: list[list[float | None]] = [[None] * n_cols for _ in range(n_rows)]
    inked = set(owner)
    lines = Counter(owner)
    for i, cell in enumerate(t.cells):
        if i not in inked:
            continue  # no ink: an empty cell
        if texts[i]:
            conf = min(confs[i])
            text = cell_text("".join(texts[i]), conf, min_confidence)
            if text == UNREADABLE and tall[i]:
                continue  # a label printed one character per line (a merged row header), not a figure
        elif lines[i] == 1 and not tall[i]:  # one line of ink the recogniser made nothing of: never empty
            conf, text = 0.0, UNREADABLE
        else:  # a block of several lines (a label printed vertically): no figure, nothing to flag
            continue
        r0, r1, c0, c1 = t.span(cell)
        for r in range(r0, min(r1, n_rows)):
            for col in range(c0, min(c1, n_cols)):
                rows[r][col] = text
                grid_conf[r][col] = round(conf, 4)
    return Table(rows=rows, ocr_confidence=grid_conf, page=page), grid_conf


def _second_look(crops: list[np.ndarray], read: list[tuple[str, float]], min_confidence: float) -> list[tuple[str, float]]:
    """A number read with some doubt (below the threshold, above SECOND_LOOK_FLOOR) is read again from the crop
    enlarged and from the crop with a wider margin; when all three readings agree it stands, at the threshold's
    confidence. Any disagreement leaves the doubt (the cell becomes UNREADABLE)."""
    doubtful = [i for i, (text, conf) in enumerate(read)
                if SECOND_LOOK_FLOOR <= conf < min_confidence and _NUMERIC.fullmatch(text.strip())]
    if not doubtful:
        return read
    variants = [cv2.resize(crops[i], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for i in doubtful]
    variants += [cv2.copyMakeBorder(crops[i], 8, 8, 12, 12, cv2.BORDER_CONSTANT, value=255) for i in doubtful]
    again = engine.recognise(variants)
    out = list(read)
    k = len(doubtful)
    for j, i in enumerate(doubtful):
        if again[j][0].strip() == again[k + j][0].strip() == read[i][0].strip():
            out[i] = (read[i][0], min_confidence)
    return out


def _line_crops(cell: np.ndarray) -> list[np.ndarray]:
    """The text lines of a cell (bands of rows with ink, split at blank rows), each cut tight with a margin."""
    return [crop for crop, _ in _lines_with_dots(cell)]


def _lines_with_dots(cell: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """_line_crops with, for each line, how many dots sit on its baseline between glyphs (decimal points):
    a number read without the point its ink shows is 100 times off, so the two must agree."""
    if cell.shape[0] < 6 or cell.shape[1] < 6:
        return []
    inner = cell[1:-1, 1:-1].copy()  # the rules are wiped already; small type in a tight row fills its cell
    if inner.min() >= INK_LEVEL:
        return []  # empty: nothing darker than the paper's grain
    ink = _ink(inner)
    _drop_edge_specks(inner, ink)
    if int(np.count_nonzero(ink)) < 8:
        return []  # empty (a speck of the scan at most)
    rows = np.count_nonzero(ink, axis=1) > 0
    bands: list[tuple[int, int]] = []
    start = None
    for y, on in enumerate(rows):
        if on and start is None:
            start = y
        elif not on and start is not None:
            bands.append((start, y))
            start = None
    if start is not None:
        bands.append((start, len(rows)))
    bands = _merge_close(bands)
    out = []
    for y0, y1 in bands:
        if y1 - y0 < 4:
            continue  # a speck, not a line of text
        cols = np.nonzero(np.count_nonzero(ink[y0:y1], axis=0))[0]
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        crop = inner[y0:y1, x0:x1]
        # a lone "1" is a bar a few pixels wide: give it the width of a glyph, or the recogniser guesses
        side = max(0, (y1 - y0) - (x1 - x0)) // 2
        out.append((cv2.copyMakeBorder(crop, _PAD, _PAD, _PAD + side, _PAD + side, cv2.BORDER_CONSTANT, value=255),
                    _dots(ink[y0:y1, x0:x1])))
    return out


def _dots(ink: np.ndarray) -> int:
    """Blobs much smaller than the line's glyphs, low on the line and with glyphs on both sides."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 4:
        return 0
    areas = sorted(int(stats[i][4]) for i in range(1, n))
    big = areas[len(areas) // 2]
    h, w = ink.shape
    count = 0
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area <= max(2, big // 5) and bh <= h // 3 and y >= h * 0.55 and 0 < x and x + bw < w:
            count += 1
    return count


def _drop_edge_specks(img: np.ndarray, ink: np.ndarray) -> None:
    """Small ink blobs touching the crop's edge are what is left of a rule (a stub where rules meet), not
    text: whitened in both the image and its ink mask."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = ink.shape
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        at_edge = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
        if at_edge and area <= 10 and max(bw, bh) <= 6:
            img[labels == i] = 255
            ink[labels == i] = 0


def _merge_close(bands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Bands a pixel or two apart are one line (the dot of a glyph, a broken stroke)."""
    out: list[tuple[int, int]] = []
    for b in bands:
        if out and b[0] - out[-1][1] <= 2:
            out[-1] = (out[-1][0], b[1])
        else:
            out.append(b)
    return out


def _text_lines(gray: np.ndarray, table_boxes: list[Box]) -> list[tuple[float, str | Table]]:
    """Lines of text outside the tables: detected boxes grouped into lines by their vertical overlap."""
    page = gray.copy()
    for x0, y0, x1, y1 in table_boxes:
        page[y0:y1, x0:x1] = 255
    words = sorted(engine.read_lines(page), key=lambda w: w.cy)
    lines: list[list[engine.Word]] = []
    for w in words:
        if lines:
            last = lines[-1]
            top = min(x.y0 for x in last)
            bottom = max(x.y1 for x in last)
            if w.cy < bottom and w.cy > top and min(w.y1, bottom) - max(w.y0, top) > 0.5 * (w.y1 - w.y0):
                last.append(w)
                continue
        lines.append([w])
    out: list[tuple[float, str | Table]] = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        out.append((min(w.y0 for w in line), "  ".join(w.text for w in line)))
    return out
