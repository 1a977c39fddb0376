"""Placement of a table's numbers where the layout does not fix their columns — by the table's own
identities, never by guess.

A row whose printed numbers could stand in more than one set of columns (empty cells dropped by the
web page, digits run together or broken across lines) comes with its *options*: every reading of its
numbers into the row's cells, `BLANK` where no number is printed. Each option is a hypothesis; the
table's identities (shared/schema.py) must hold with every cell a non-negative integer, blank cells
being unknown. That is a small constraint problem, solved with OR-Tools' CP-SAT: a cell is kept only
when every placement that satisfies the identities gives it the same value. It is `read` when every
option prints that value there, `inferred` (by the identities that hold it) otherwise, and `unknown`
(null) when the placements disagree.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from shared.schema import Identity

from .cells import Value


class _Blank:
    """An unprinted cell of an option (the page dropped it): its value is not known."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()
Option = Sequence["Value | _Blank"]

_UB = 10_000_000          # larger than any count in these tables
# Budgets in CP-SAT's deterministic time (about seconds of work, but the same on a loaded machine as on
# an idle one: a record must not depend on how busy the worker was). A question not answered within its
# budget leaves its cells unknown. The wall-clock cap only guards against a pathological table.
_SOLVE_SECONDS = 1.5      # the first placement
_ROUND_SECONDS = 0.25     # per round of the search for cells that vary (its best placement is used)
_TABLE_SECONDS = 2.0      # per table for telling fixed cells from varying ones
_WALL_CAP_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Placed:
    value: Value
    source: str                  # read | inferred | unknown
    by: tuple[str, ...] = ()     # identity ids, for inferred cells


def place(rows: Mapping[str, tuple[Sequence[str], Sequence[Option]]],
          identities: Sequence[Identity]) -> dict[str, Placed]:
    """The cells of the rows that have more than one option or a blank, placed where certain.

    `rows`: row key → (its cell paths, its options). A row with one option and no blank is fixed
    (read as printed) and only constrains the others. Returns a Placed for every cell of the other rows.
    """
    const: dict[str, int | None] = {}
    open_rows: dict[str, tuple[Sequence[str], list[Option]]] = {}
    for key, (paths, opts) in rows.items():
        if len(opts) == 1 and not any(v is BLANK for v in opts[0]):
            const.update(zip(paths, map(_as_int, opts[0]), strict=True))
        elif opts:
            open_rows[key] = (paths, list(opts))
    if not open_rows:
        return {}
    fractions = any(_as_int(v) is None for _, opts in open_rows.values() for o in opts for v in o
                    if v is not BLANK)
    if identities and not fractions:
        if _rows_apart(open_rows, identities):  # the review/litigation table: one row, disjoint groups
            return _each_row(open_rows, identities)
        # All identities; if the report's own arithmetic breaks them, those within a row alone.
        for level in (identities, [i for i in identities if _row_local(i)]):
            solved = _solve(open_rows, const, level)
            if solved is not None:
                return solved
    return _agree(open_rows)


def _rows_apart(open_rows: dict[str, tuple[Sequence[str], list[Option]]], identities: Sequence[Identity]) -> bool:
    """Whether every identity lies within one open row and no cell is in two of them: then each
    option of each row can be judged on its own, without a solver."""
    open_paths = {p for paths, _ in open_rows.values() for p in paths}
    seen: set[str] = set()
    for ident in identities:
        ps = set(ident.paths)
        if ps & open_paths:
            if not _row_local(ident) or not ps <= open_paths or ps & seen:
                return False
            seen |= ps
    return True


_VARIES = object()


def _each_row(open_rows: dict[str, tuple[Sequence[str], list[Option]]],
              identities: Sequence[Identity]) -> dict[str, Placed]:
    """Rows whose identities hold within them, on disjoint cells: per option, an identity with one
    blank cell fixes it, one whose blanks must add up to 0 fixes them all at 0, one broken by the
    printed numbers rules the option out; the cell is kept when all remaining options agree."""
    out: dict[str, Placed] = {}
    for paths, opts in open_rows.values():
        index = {p: i for i, p in enumerate(paths)}
        mine = [i for i in identities if i.paths[0] in index]
        readings: list[list[object]] = []
        for opt in opts:
            vals: list[object] = list(opt)
            if all(_fill(vals, [(index[p], c) for p, c in ident.terms]) for ident in mine):
                readings.append(vals)
        by = {p: tuple(sorted({i.id for i in mine if p in i.paths})) for p in paths}
        for i, p in enumerate(paths):
            seen = {key(r[i]) for r in readings}
            if len(seen) != 1 or _VARIES in seen or BLANK in seen:
                out[p] = Placed(None, "unknown")
            elif all(o[i] is not BLANK for o in opts) and len({key(o[i]) for o in opts}) == 1:
                out[p] = Placed(opts[0][i], "read")  # type: ignore[arg-type]  # no BLANK in this cell (checked)
            else:
                out[p] = Placed(readings[0][i], "inferred", by[p])  # type: ignore[arg-type]  # no BLANK in this cell (checked)
    return out


def _fill(vals: list[object], terms: list[tuple[int, int]]) -> bool:
    """Apply one identity (sum of coef × cell = 0) to an option's cells in place: the blank cells it
    fixes get their value, the ones it leaves free become _VARIES. False when no non-negative
    integer filling satisfies it."""
    printed = sum(c * (_as_int(vals[i]) or 0) for i, c in terms if vals[i] is not BLANK)
    blanks = [(i, c) for i, c in terms if vals[i] is BLANK]
    if not blanks:
        return printed == 0
    signs = {c > 0 for _, c in blanks}
    if len(signs) > 1:  # blanks on both sides: they can always balance, nothing is fixed
        for i, _ in blanks:
            vals[i] = _VARIES
        return True
    c0 = blanks[0][1]
    need = -printed / c0  # what the blanks add up to (their coefficients are all ±1, one sign)
    if need < 0 or need != int(need):
        return False
    if len(blanks) == 1:
        vals[blanks[0][0]] = int(need)
    elif need == 0:
        for i, _ in blanks:
            vals[i] = 0
    else:
        for i, _ in blanks:
            vals[i] = _VARIES
    return True


def _agree(open_rows: dict[str, tuple[Sequence[str], list[Option]]]) -> dict[str, Placed]:
    """With no identity to decide: a cell is read where every reading prints the same value there."""
    out: dict[str, Placed] = {}
    for paths, opts in open_rows.values():
        for i, p in enumerate(paths):
            printed = {key(o[i]) for o in opts}
            if len(printed) == 1 and BLANK not in printed:
                out[p] = Placed(opts[0][i], "read")  # type: ignore[arg-type]  # no BLANK in this cell (checked)
            else:
                out[p] = Placed(None, "unknown")
    return out


def _row_local(identity: Identity) -> bool:
    """An identity within one row (APP_ROW_SUM, REVIEW_SUM …): it holds whatever other rows say."""
    prefixes = {p.rsplit(".", 1)[0] for p in identity.paths}
    return len(prefixes) == 1


def _as_int(v: object) -> int | None:
    """A fixed cell's value in the arithmetic (null markers count 0, as in the rules); None for a
    value that no integer identity can hold (a fraction)."""
    if v is None:
        return 0
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    return v  # type: ignore[return-value]  # an int: the cells hold int, float or None


def _solve(open_rows: dict[str, tuple[Sequence[str], list[Option]]], const: dict[str, int | None],
           identities: Sequence[Identity]) -> dict[str, Placed] | None:
    """The placement under these identities; None when no option fits them (the report's own
    arithmetic is broken somewhere, so they cannot decide)."""
    m = cp_model.CpModel()
    var: dict[str, cp_model.IntVar] = {}

    def cell(p: str):
        if p in const:
            return const[p]
        if p not in var:
            var[p] = m.new_int_var(0, _UB, p)
        return var[p]

    open_paths = [p for paths, _ in open_rows.values() for p in paths]
    for p in open_paths:
        cell(p)
    for paths, opts in open_rows.values():
        lits = []
        for opt in opts:
            ints = [v if v is BLANK else _as_int(v) for v in opt]
            if any(v is None for v in ints):
                continue  # a fraction: no integer placement holds it
            lit = m.new_bool_var("")
            lits.append(lit)
            for p, v in zip(paths, ints, strict=True):
                if v is not BLANK:
                    m.add(var[p] == v).only_enforce_if(lit)
        if not lits:
            return None
        m.add_exactly_one(lits)
    by_path: dict[str, set[str]] = {}
    for ident in identities:
        terms = [(cell(p), c) for p, c in ident.terms]
        if any(t is None for t, _ in terms):
            continue  # a fractional fixed cell: not an integer identity
        m.add(sum(c * t for t, c in terms) == 0)
        for p in ident.paths:
            by_path.setdefault(p, set()).add(ident.id)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1            # a worker process, not a machine of its own
    solver.parameters.max_deterministic_time = _SOLVE_SECONDS
    solver.parameters.max_time_in_seconds = _WALL_CAP_SECONDS
    status = solver.solve(m)
    if status == cp_model.INFEASIBLE:
        return None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {p: Placed(None, "unknown") for p in open_paths}
    base = {p: solver.value(var[p]) for p in open_paths}
    varies = _varying(m, solver, var, base)
    out: dict[str, Placed] = {}
    for paths, opts in open_rows.values():
        for i, p in enumerate(paths):
            if p in varies:
                out[p] = Placed(None, "unknown")
                continue
            printed = {key(o[i]) for o in opts}
            if len(printed) == 1 and BLANK not in printed:
                # every reading prints this value here: read (null markers keep their null)
                out[p] = Placed(opts[0][i], "read")  # type: ignore[arg-type]  # no BLANK in this cell (checked)
            else:
                out[p] = Placed(base[p], "inferred", tuple(sorted(by_path.get(p, ()))))
    return out


def _varying(m: cp_model.CpModel, solver: cp_model.CpSolver, var: dict[str, cp_model.IntVar],
             base: dict[str, int]) -> set[str]:
    """The cells that some other placement gives another value (the rest is the problem's backbone).
    Each round asks for a placement that changes at least one cell not yet seen to change; a
    placement found retires every cell it changed, and "none" proves all the others fixed. A round
    that runs out of time leaves its cells unknown: a value kept is a value proved."""
    maybe = set(base)
    varies: set[str] = set()
    deadline = _TABLE_SECONDS
    while maybe:
        change = []
        for p in maybe:
            b = m.new_bool_var("")
            m.add(var[p] != base[p]).only_enforce_if(b)
            change.append(b)
        ask = m.new_bool_var("")
        m.add_bool_or(change).only_enforce_if(ask)
        m.clear_assumptions()
        m.add_assumptions([ask])
        # Prefer a placement that changes many cells at once: fewer rounds. A placement found before
        # the round's time is up serves as well as the best one.
        m.clear_objective()
        m.maximize(sum(change))
        solver.parameters.max_deterministic_time = max(0.05, min(_ROUND_SECONDS, deadline))
        st = solver.solve(m)
        deadline -= solver.response_proto.deterministic_time
        if st == cp_model.INFEASIBLE:
            break
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or deadline <= 0:
            varies |= maybe
            break
        moved = {p for p in maybe if solver.value(var[p]) != base[p]}
        varies |= moved
        maybe -= moved
    return varies


def key(v: object) -> object:
    return BLANK if v is BLANK else v
