"""Ruled tables on a page image: the rules found by morphology, each closed white region between them a cell,
the cells' edges snapped into grid lines. A merged cell covers several grid slots, as in the PDF extractor.
Only ruled tables are found: a table printed without rules stays text lines (rows by y) for the parser's
text readers, which place a number only where its column is certain."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (pixels, x1/y1 exclusive)


@dataclass
class GridTable:
    box: Box                 # the table's frame on the page
    xs: list[float]          # grid lines, left to right
    ys: list[float]          # grid lines, top to bottom
    cells: list[Box]         # the closed regions (cells) inside the frame
    rules: np.ndarray        # the rule mask of the page (255 = rule), to wipe rules out of cell crops

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def span(self, cell: Box) -> tuple[int, int, int, int]:
        """Grid rows r0..r1 and columns c0..c1 (exclusive) that a cell covers."""
        c0, c1 = _nearest(self.xs, cell[0]), _nearest(self.xs, cell[2])
        r0, r1 = _nearest(self.ys, cell[1]), _nearest(self.ys, cell[3])
        return r0, max(r1, r0 + 1), c0, max(c1, c0 + 1)


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Long horizontal and vertical strokes (255) — table rules, not text."""
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 35, 25), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 80, 18))))
    rules = cv2.bitwise_or(horiz, vert)
    # close the small breaks a scan leaves in a rule, and where rules meet
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)), iterations=1)
    # A stroke standing alone and short is a glyph (the bar of a "1", the stem of 十), not a rule: a rule
    # joins the table's frame or is long by itself.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    short = max(h // 25, 40)
    for i in range(1, n):
        if max(int(stats[i][2]), int(stats[i][3])) < short:
            rules[labels == i] = 0
    return rules


def find_tables(gray: np.ndarray, rules: np.ndarray | None = None) -> list[GridTable]:
    rules = rule_mask(gray) if rules is None else rules
    h, w = rules.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables: list[GridTable] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w // 5 or bh < 30:
            continue  # a lone rule (a header line, an underline), not a table frame
        table = _cells_of(rules, (int(x), int(y), int(x + bw), int(y + bh)))
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables


def _cells_of(rules: np.ndarray, box: Box) -> GridTable | None:
    x0, y0, x1, y1 = box
    inside = cv2.bitwise_not(rules[y0:y1, x0:x1])
    n, labels, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
    cells: list[Box] = []
    for i in range(1, n):
        cx, cy, cw, ch, area = (int(v) for v in stats[i])
        touches = cx == 0 or cy == 0 or cx + cw >= x1 - x0 or cy + ch >= y1 - y0
        if touches or cw < 6 or ch < 6 or area < 0.5 * cw * ch:
            continue  # outside the frame, a speck between doubled rules, or not a box
        cells.append((x0 + cx, y0 + cy, x0 + cx + cw, y0 + cy + ch))
    if len(cells) < 4:
        return None
    # Grid lines: the middle of the rule between neighbouring cells. A cell's edge sits half a rule from it.
    xs = _snap([c[0] for c in cells] + [c[2] for c in cells])
    ys = _snap([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 3:
        return None
    return GridTable(box=box, xs=xs, ys=ys, cells=cells, rules=rules)


def _snap(values: list[int], tol: float = 9.0) -> list[float]:
    """Cluster edge positions: a left edge and the right edge across the rule are one grid line."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.mean(g)) for g in out]


def _nearest(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))
