"""What a table parser hands back, and the row-reading loop the three tables share."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..cells import Token, Value, cells_on_own_lines, pipe_cells, pipe_values, plain_values, tokens
from ..placement import BLANK, Option, Placed
from ..rows import Label, locate, segments
from ..split import Resolved, Sums, resolve


@dataclass
class Ambiguity:
    where: str                       # record path of the row, e.g. "applications.new_received"
    chosen: list[Value]
    candidates: Sequence[list[Value]]


@dataclass
class TableResult:
    values: dict[str, dict[str, Value]]
    raw: dict[str, str] = field(default_factory=dict)         # record path → printed text
    ambiguities: list[Ambiguity] = field(default_factory=list)
    rows_found: int = 0                                        # rows whose label and cells were read
    # record path → how a cell not simply read got its value (inferred) or why it has none (unknown)
    provenance: dict[str, Placed] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        return self.rows_found > 0 or any(p.source == "unknown" for p in self.provenance.values())


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: Label
    cols: tuple[str, ...]
    money: bool = False                                        # last column is an amount in 万元
    check: Callable[[list[Value]], bool] | None = None         # arithmetic a split must satisfy
    sums: Sums | None = None                                   # the row's own sums (placing sparse rows)


def read_rows(text: str, specs: Sequence[RowSpec], start: int, end: int,
              header: re.Pattern[str] | None = None) -> tuple[list[Resolved | None], list[str | None]]:
    """Locate each row label in text[start:end] and read its cells. `header` finds the column
    header line of " | " tables whose merged header cells were repeated per column."""
    spans = locate(text, [s.label for s in specs], start, end)
    segs = segments(text, spans, end)
    whole = cells_on_own_lines(text[start:end])
    out: list[Resolved | None] = []
    for spec, seg, span in zip(specs, segs, spans, strict=True):
        if seg is None or span is None:
            out.append(None)
            continue
        n = len(spec.cols)
        nl = seg.find("\n")
        first_line = seg if nl < 0 else seg[:nl]
        toks = None
        if "|" in first_line:
            if header is not None and first_line.count("|") > n:
                first_line = _merge_spanned(text, start, span[0], first_line, n, header)
            values = pipe_values(first_line, n)
            if values is not None:  # the usual row: n plain numbers (no Token objects)
                out.append(Resolved(values, [None] * n, plain=True))
                continue
            toks = pipe_cells(first_line, n, spec.money, spec.check)
        if not toks:
            plain = plain_values(seg, n)
            # the usual row in the other layouts (a row with more numbers than cells whose first n
            # break its arithmetic may hold a number broken across lines: resolve reads it)
            # (more numbers than cells: the first n only when the row's arithmetic holds for them, or
            # in a table without it when the numbers are glued to the label — run-together web text)
            if plain is not None and (not plain[1] or (not _more_lines_than(seg, n) and (
                    spec.sums is not None or seg[:1] not in (" ", "\n"))
                    and (spec.check is None or spec.check(plain[0])))):
                values = plain[0]
                out.append(Resolved(values, [None] * n, plain=True))
                continue
            toks = tokens(seg, money=spec.money)
            own_lines = whole or (len(toks) > 1 and _on_own_lines(seg, toks))
            if own_lines:
                # A line break is a cell border: numbers each on a line of their own are whole cells
                # (a row showing fewer of them than it has cells dropped the rest, see split.resolve).
                toks = [t._replace(splittable=False) for t in toks]
            # A table without identities (主动公开) whose numbers stand apart from their label: nothing
            # tells a split from a dropped cell, so both are readings.
            delimited = spec.sums is None and seg[:1] in (" ", "\n")
            out.append(resolve(toks, n, spec.check, spec.sums, own_lines, delimited) if toks else None)
            continue
        out.append(resolve(toks, n, spec.check, spec.sums) if toks else None)
    return out, segs


def _more_lines_than(seg: str, n: int) -> bool:
    """More than n lines hold numbers: a row of n cells one per line with a number broken in two."""
    return sum(1 for line in seg.split("\n") if any(ch.isdigit() for ch in line)) > n


def _on_own_lines(seg: str, toks: Sequence[Token]) -> bool:
    """Whether each of the row's numbers stands on a line of its own (one cell per line layouts)."""
    numbers = sum(1 for t in toks if t.value is not None)
    return numbers > 1 and sum(1 for line in seg.split("\n") if any(ch.isdigit() for ch in line)) == numbers


def store(result: TableResult, table: str, key: str, cols: Sequence[str], res: Resolved | None) -> None:
    """Put one row's cells into the result (nulls where the row was not read)."""
    if res is not None and res.plain and len(res.values) == len(cols):  # the usual row: n numbers
        result.values[key] = dict(zip(cols, res.values, strict=True))
        result.rows_found += 1
        return
    row = dict.fromkeys(cols)
    if res is not None:
        row.update(zip(cols, res.values, strict=False))
        raw_cells = len(res.raw) - res.raw.count(None)  # most rows print plain numbers only
        if raw_cells:
            for c, _, r in zip(cols, res.values, res.raw, strict=False):
                if r is not None:
                    result.raw[f"{table}.{key}.{c}"] = r
        if res.candidates:
            result.ambiguities.append(Ambiguity(f"{table}.{key}", list(res.values), res.candidates))
        if raw_cells or res.values.count(None) < len(res.values):
            result.rows_found += 1
    result.values[key] = row


def _merge_spanned(text: str, start: int, label_at: int, line: str, n: int, header: re.Pattern[str]) -> str:
    """A row of a table whose header repeats a spanned cell ("本年新公开数量 | 本年新公开数量"):
    keep one cell per distinct header column, so the row has its n cells in order."""
    head = None
    for m in header.finditer(text, start, label_at):
        head = m
    if head is None:
        return line
    cols = [c.strip() for c in head.group().split("|")][1:]
    firsts = [i for i, c in enumerate(cols) if i == 0 or c != cols[i - 1]]
    parts = line.split("|")[1:]
    if len(firsts) != n or len(parts) < len(cols):
        return line
    return "|" + "|".join(parts[i] for i in firsts)


def options_of(res: Resolved | None, n: int) -> list[Option]:
    """A row's readings for the placement: its options, or the one reading it has (a row that was
    not found: one reading with every cell blank, for the identities to fill if they can)."""
    if res is None:
        return [[BLANK] * n]
    if res.options:
        return list(res.options)
    return [res.values]


def store_placed(result: TableResult, table: str, key: str, cols: Sequence[str],
                 placed: dict[str, Placed], res: Resolved | None) -> None:
    """Put a placed row's cells into the result, with the provenance of those not simply read."""
    row: dict[str, Value] = {}
    for c in cols:
        path = f"{table}.{key}.{c}"
        p = placed[path]
        row[c] = p.value
        if p.source != "read":
            result.provenance[path] = p
    result.values[key] = row
    if res is not None and any(v is not None for v in row.values()):
        result.rows_found += 1
    if res is not None and res.candidates and all(p.source != "unknown" for p in
                                                  (placed[f"{table}.{key}.{c}"] for c in cols)):
        result.ambiguities.append(Ambiguity(f"{table}.{key}", list(row.values()), list(res.candidates)))
