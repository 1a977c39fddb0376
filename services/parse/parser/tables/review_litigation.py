"""四、政府信息公开行政复议、行政诉讼情况: one row of 15 cells (3 groups × 5), or three markdown
tables of 5 — either way the 15 numbers come in group order after the headers."""
from __future__ import annotations

from shared.record import RL_COLS, RL_GROUPS
from shared.schema import identities_of

from ..cells import Value, cells_on_own_lines, glued_tail_tokens, pipe_cells, tokens
from ..placement import place
from ..split import MAX_EXTRA_TOKENS, resolve
from .base import Ambiguity, TableResult

TABLE = "review_litigation"
N = len(RL_GROUPS) * len(RL_COLS)
_PATHS = [f"{TABLE}.{g}.{c}" for g in RL_GROUPS for c in RL_COLS]
_SUMS = tuple((tuple(range(g, g + 4)), g + 4) for g in range(0, N, 5))  # per group: four parts = total


def _group_sums(v: list[Value]) -> bool:
    for g in range(0, N, 5):
        part = v[g:g + 5]
        if part[4] is not None and sum(x or 0 for x in part[:4]) != part[4]:  # null markers count 0
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


def _tail_adds_up(toks) -> bool:
    return _group_sums([t.value for t in toks[-N:]])


def parse(text: str, start: int, end: int) -> TableResult:
    region = text[start:end]
    toks = _pipe_row(region) or glued_tail_tokens(region) or tokens(region, stop_at_prose=False, glued=True)
    own_lines = bool(toks) and cells_on_own_lines(region)
    if own_lines:  # one cell per line: every number is a whole cell
        toks = [t._replace(splittable=False) for t in toks]
    result = TableResult({g: {c: None for c in RL_COLS} for g in RL_GROUPS})
    if not toks:
        return result
    if N < len(toks) <= N + MAX_EXTRA_TOKENS and (own_lines or not _tail_adds_up(toks)):
        # More numbers than cells, one per line or with the last 15 not adding up: a number broken across
        # lines (or by a space on a one-line page) as well as a stray number before the cells — every
        # reading that the groups' sums allow; none, and the table is unknown.
        tail = resolve(toks[-N:], N, _group_sums, _SUMS)
        res = resolve(toks, N, _group_sums, _SUMS, broken_lines=True)
        if not tail.options and _group_sums(tail.values) and tail.values not in (res.options or [res.values]):
            res.options = [tail.values, *(res.options or ([res.values] if _group_sums(res.values) else []))]
            res.raw = [None] * N
    else:
        res = resolve(toks[-N:], N, _group_sums, _SUMS)  # stray numbers come before the cells, not after
    if res.options:  # more than one reading: the groups' sums decide, or the cells stay unknown
        placed = place({TABLE: (_PATHS, res.options)}, identities_of(TABLE))
        res.values = [placed[p].value for p in _PATHS]
        res.raw = [None] * N
        result.provenance.update((p, placed[p]) for p in _PATHS if placed[p].source != "read")
    for i, g in enumerate(RL_GROUPS):
        for j, c in enumerate(RL_COLS):
            v, raw = res.values[i * 5 + j], res.raw[i * 5 + j]
            result.values[g][c] = v
            if raw is not None:
                result.raw[f"{TABLE}.{g}.{c}"] = raw
    if res.candidates and not any(p.source == "unknown" for p in result.provenance.values()):
        result.ambiguities.append(Ambiguity(TABLE, list(res.values), res.candidates))
    result.rows_found = 1 if any(v is not None for v in res.values) or res.raw else 0
    return result
