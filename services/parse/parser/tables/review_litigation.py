"""四、政府信息公开行政复议、行政诉讼情况: one row of 15 cells (3 groups × 5), or three markdown
tables of 5 — either way the 15 numbers come in group order after the headers."""
from __future__ import annotations

from shared.record import RL_COLS, RL_GROUPS

from ..cells import Value, glued_tail_tokens, pipe_cells, tokens
from ..split import resolve
from .base import Ambiguity, TableResult

TABLE = "review_litigation"
N = len(RL_GROUPS) * len(RL_COLS)


def _group_sums(v: list[Value]) -> bool:
    for g in range(0, N, 5):
        part = v[g:g + 5]
        if None not in part and sum(part[:4]) != part[4]:  # type: ignore[arg-type]
            return False
    return True


def _pipe_row(region: str):
    """The 15-cell " | " row of an HTML/DOCX table (empty cells are null cells)."""
    for line in reversed(region.split("\n")):
        if line.count("|") >= N - 1 and any(ch.isdigit() for ch in line):
            cells = pipe_cells("|" + line, N)
            if cells is not None:
                return cells
    return None


def parse(text: str, start: int, end: int) -> TableResult:
    region = text[start:end]
    toks = _pipe_row(region) or glued_tail_tokens(region) or tokens(region, stop_at_prose=False, glued=True)
    result = TableResult({g: {c: None for c in RL_COLS} for g in RL_GROUPS})
    if not toks:
        return result
    res = resolve(toks[-N:], N, _group_sums)  # stray numbers come before the cells, not after
    for i, g in enumerate(RL_GROUPS):
        for j, c in enumerate(RL_COLS):
            v, raw = res.values[i * 5 + j], res.raw[i * 5 + j]
            result.values[g][c] = v
            if raw is not None:
                result.raw[f"{TABLE}.{g}.{c}"] = raw
    if res.candidates:
        result.ambiguities.append(Ambiguity(TABLE, list(res.values), res.candidates))
    result.rows_found = 1 if any(v is not None for v in res.values) or res.raw else 0
    return result
