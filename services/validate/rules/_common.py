"""Shared helpers for the rules: cell access, number formatting, bilingual labels, finding factory."""
from __future__ import annotations

from collections.abc import Iterable

from shared.record import Cell, Finding, Record, Severity
from shared.schema import APPLICATIONS, REVIEW_LITIGATION, cap, identities_of

# Labels of the tables' columns and rows (中文, English), from the catalogue (shared/schema.py).
# Column and group names open an English sentence, so they are capitalised; row names sit inside one.
APP_COL_NAMES: dict[str, tuple[str, str]] = {c.key: (c.zh, cap(c.en)) for c in APPLICATIONS.columns}
APP_ROW_EN: dict[str, str] = {r.key: r.en for r in APPLICATIONS.rows["2021"]}
_APP_ROW_ZH: dict[str, str] = {r.key: r.zh for r in APPLICATIONS.rows["2021"]}
RL_GROUP_NAMES: dict[str, tuple[str, str]] = {r.key: (r.zh, cap(r.en)) for r in REVIEW_LITIGATION.rows["2021"]}


def row_zh(row: str) -> str:
    """Chinese label of an applications row without its outline number, e.g. "予以公开"."""
    return _APP_ROW_ZH.get(row, row)


def v(cell: Cell) -> int | float:
    """A cell's value for arithmetic: blank (None) counts as 0, as the national template intends."""
    return 0 if cell is None else cell


def fmt(x: int | float | None) -> str:
    """Number for a message: integral floats without ".0", None as 空/blank."""
    if x is None:
        return "空"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def total_of(cells: Iterable[Cell]) -> int | float:
    s = sum([0 if c is None else c for c in cells])  # = sum(v(c) …), without a call per cell
    return int(s) if isinstance(s, float) and s.is_integer() else s


def all_null(cells: Iterable[Cell]) -> bool:
    for c in cells:  # a plain loop: all() over a generator costs a frame switch per cell
        if c is not None:
            return False
    return True


def finding(rule: str, severity: Severity, zh: str, en: str, where: str | None = None,
            expected: object = None, actual: object = None) -> Finding:
    return Finding(rule=rule, severity=severity, message=f"{zh} / {en}", where=where,
                   expected=expected, actual=actual)


def app(record: Record, row: str, col: str) -> Cell:
    return record.applications.get(row, {}).get(col)


def unplaced(record: Record, rule: str, where: str) -> bool:
    """Whether the identity `rule` checks at `where` (shared/schema.py) holds a cell the parser could
    not place (provenance unknown): then the identity says nothing about the report — a blank there is
    not a 0 — and the rule stays silent (INCOMPLETE_TABLE already names the cell)."""
    prov = record.provenance
    if not prov:  # the usual record: every cell read
        return False
    table = where.split(".", 1)[0]
    for ident in identities_of(table, "other.other" in record.applications):
        if ident.id == rule and ident.where == where:
            paths = ident.paths
            break
    else:  # no declared identity (the 2021 `other` row, derived from its sub-rows): the row's cells
        row = where.rsplit(".", 1)[0]
        paths = tuple(p for p in prov if p.startswith(row + "."))
    return any(p in prov and prov[p].source == "unknown" for p in paths)
