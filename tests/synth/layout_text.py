"""Plain-text layouts, modelled on the seed reports:

* pipe  — one table row per line, origin cells joined by " | " plus padding pipes (seeds 000/002/003)
* lines — one cell per line with blank lines between, some labels broken in two (seed 001)
* tabs  — one cell per line prefixed by a tab, rowspan continuations as empty cells, a blank line
          between rows, short labels wrapped inside the cell (seed 004, a Word export)
"""
from __future__ import annotations

import random

from tests.synth.doc import Block
from tests.synth.tables import TCell, TRows, grid, width

_BREAK_AFTER = ("、", "，", ",", "确认")


def _wrap_short(rng: random.Random, text: str, sep: str, p: float, seed_style: str) -> str:
    """Break a column header the way the seeds do: 001 "本年新\\n\\n制作数量", "本年增/\\n\\n减";
    004 "商业\\n企业", "结果\\n纠正"."""
    if rng.random() >= p:
        return text
    if seed_style == "lines":
        if text.startswith("本年新") and len(text) > 5:
            return text[:3] + sep + text[3:]
        if text.endswith("增/减"):
            return text[:-1] + sep + text[-1:]
        return text
    return text[:2] + sep + text[2:] if len(text) == 4 else text


def _wrap_long(rng: random.Random, text: str, sep: str, p: float) -> str:
    """Break a long row label after a comma or 、 (seed 001: "…确认\\n\\n或重新出具已获取信息")."""
    if len(text) < 16 or rng.random() >= p:
        return text
    cuts = [i + len(t) for t in _BREAK_AFTER for i in [text.find(t, 6)] if 0 < i < len(text) - len(t) - 3]
    if not cuts:
        return text
    k = rng.choice(cuts)
    return text[:k] + sep + text[k:]


def _is_label_row(row: list[TCell]) -> bool:
    return all(c.header for c in row)


# --- pipe -------------------------------------------------------------------------------------
def _pipe_table(rows: TRows) -> list[str]:
    w = width(rows)
    lines = []
    for row in rows:
        cells = [c.text for c in row]
        line = " | ".join(cells)
        missing = w - len(cells)
        if missing == 1:
            line += " |"
        elif missing > 1:
            line += " | " + "|" * missing
        lines.append(line)
    return lines


def render_pipe(rng: random.Random, blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind == "table":
            out += _pipe_table(b.rows or [])
        else:
            out.append(b.text)
            if b.kind == "title" and rng.random() < 0.3:
                out += ["字号:", "大 中 小", "", ""]
    return "\n".join(out)


# --- lines ------------------------------------------------------------------------------------
def render_lines(rng: random.Random, blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind != "table":
            if b.kind == "heading" and rng.random() < 0.3:
                out += ["\u00a0", ""]
            out += [(" " + b.text) if b.kind == "para" and rng.random() < 0.2 else b.text, ""]
            continue
        for row in b.rows or []:
            header_row = _is_label_row(row)
            for c in row:
                text = c.text
                if header_row:
                    text = _wrap_short(rng, text, "\n\n", 0.6, "lines")
                elif c.header:
                    text = _wrap_long(rng, text, "\n\n", 0.3)
                out += [text, ""]
            if _is_label_row(row) and rng.random() < 0.15:
                out += ["\u00a0", ""]
        out += ["\u00a0", "", "\u00a0", ""]
    return "\n".join(out)


# --- tabs -------------------------------------------------------------------------------------
def _tab_cells(rows: TRows) -> list[list[TCell | None]]:
    """Per row: origin cells and rowspan continuations (None) in column order, like a Word export."""
    placed = grid(rows)
    starts: dict[int, list[tuple[int, TCell | None]]] = {r: [] for r in range(len(rows))}
    for r, c, cell in placed:
        starts[r].append((c, cell))
        for dr in range(1, cell.rowspan):
            starts[r + dr].append((c, None))
    return [[cell for _, cell in sorted(starts[r], key=lambda x: x[0])] for r in range(len(rows))]


def _pad_value(rng: random.Random, text: str) -> str:
    k = rng.random()
    return f" {text}" if k < 0.2 else f"{text} " if k < 0.4 else text


def render_tabs(rng: random.Random, blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind != "table":
            out.append(b.text)
            if b.kind == "title":
                out.append("")
            continue
        for orig, row in zip(b.rows or [], _tab_cells(b.rows or []), strict=True):
            header_row = _is_label_row(orig)
            for c in row:
                if c is None:
                    out.append("\t")
                elif c.header:
                    out.append("\t" + (_wrap_short(rng, c.text, "\n", 0.5, "tabs") if header_row else c.text))
                else:
                    out.append("\t" + _pad_value(rng, c.text))
            out.append("")
        out += ["", ""]
    return "\n".join(out)


# --- long-tail web layouts (not in the default mix: their tables cannot always be read whole) ---
def _one_cell_per_line(blocks: list[Block], value_lines) -> str:
    """Text and table labels a line each; each value cell as the lines `value_lines` makes of it."""
    out: list[str] = []
    for b in blocks:
        if b.kind != "table":
            out.append(b.text)
            continue
        for row in b.rows or []:
            for c in row:
                out += [c.text] if c.header else value_lines(c.text)
    return "\n".join(out)


def render_sparse(rng: random.Random, blocks: list[Block]) -> str:
    """A web page that drops a table's empty cells (the Putian site): one cell per line, and the zeros
    the author left blank are not there at all, so a row shows only some of its numbers."""
    blank_rate = rng.choice((0.5, 0.8, 1.0))  # how many of the zeros this author left blank
    return _one_cell_per_line(blocks, lambda t: [] if t == "0" and rng.random() < blank_rate else [t])


def render_broken(rng: random.Random, blocks: list[Block]) -> str:
    """A web page that breaks words and numbers across lines (the Sanming site): one cell per line,
    and now and then a number of two or more digits split over two lines ("1" / "60")."""
    def lines(t: str) -> list[str]:
        if t.isdigit() and len(t) > 1 and rng.random() < 0.3:
            k = rng.randrange(1, len(t))
            return [t[:k], t[k:]]
        return [t]
    return _one_cell_per_line(blocks, lines)
