"""Inject contradictions into a consistent `Truth`, and say which rules a correct validator must raise.

The expected rules come from re-checking the modified values with the independent oracle, never from
the kind of injection: one changed cell usually breaks several equations."""
from __future__ import annotations

import random
from dataclasses import dataclass

from shared.record import APP_COLS, APP_OTHER_SUBROWS, APP_RESULT_ROWS, RL_COLS
from tests.synth import oracle
from tests.synth.values import Truth, make_active_disclosure, make_applications

KINDS: tuple[str, ...] = (
    "APP_BALANCE", "APP_ROW_SUM", "APP_TOTAL_SUM", "APP_CELL", "REVIEW_SUM", "LITIGATION_SUM",
    "NARRATIVE_MISMATCH", "TEMPLATE_MISMATCH", "PLAUSIBILITY", "BAD_VALUE",
)


@dataclass
class Injection:
    kind: str
    cells: list[str]                 # record paths of the changed cells
    rules: dict[str, list[str]]      # rule id → paths, from the oracle on the modified values


def _delta(rng: random.Random, current: int) -> int:
    """A non-zero change that keeps the cell non-negative."""
    while True:
        d = rng.choice((-3, -2, -1, 1, 1, 2, 3, 5, 10))
        if current + d >= 0:
            return d


def _bump(table: dict, row: str, col: str, d: int) -> None:
    table[row][col] = table[row][col] + d


def _result_rows(apps: dict) -> list[str]:
    """Rows that hold their own result values (2021: the "other" sub-rows, not their derived sum)."""
    if all(s in apps for s in APP_OTHER_SUBROWS):
        return [r for r in APP_RESULT_ROWS if r != "other"] + list(APP_OTHER_SUBROWS)
    return list(APP_RESULT_ROWS)


def _inject_apps(rng: random.Random, kind: str, apps: dict) -> list[str]:
    parts = list(APP_COLS[:-1])
    col = rng.choice(parts)
    if kind == "APP_BALANCE":  # same delta on a cell and its row total: only the column balance breaks
        row = rng.choice(("new_received", "carried_over", "carried_forward"))
        d = _delta(rng, apps[row][col])
        _bump(apps, row, col, d)
        _bump(apps, row, "total", d)
        return [f"applications.{row}.{col}", f"applications.{row}.total"]
    if kind == "APP_ROW_SUM":  # keep every column equation, break only row sums
        filled = [(r, c) for r in _result_rows(apps) for c in parts if apps[r][c] > 0]
        if filled:  # move units of one column from one result row to another
            r1, col = rng.choice(filled)
            r2 = rng.choice([r for r in _result_rows(apps) if r != r1])
            d = rng.randint(1, apps[r1][col])
            _bump(apps, r1, col, -d)
            _bump(apps, r2, col, d)
            return [f"applications.{r1}.{col}", f"applications.{r2}.{col}"]
        d = rng.randint(1, 5)  # nothing to move: raise new_received and carried_forward alike
        _bump(apps, "new_received", col, d)
        _bump(apps, "carried_forward", col, d)
        return [f"applications.new_received.{col}", f"applications.carried_forward.{col}"]
    if kind == "APP_TOTAL_SUM":  # same delta on a result cell and its row total
        row = rng.choice(_result_rows(apps))
        d = _delta(rng, apps[row][col])
        _bump(apps, row, col, d)
        _bump(apps, row, "total", d)
        return [f"applications.{row}.{col}", f"applications.{row}.total"]
    # APP_CELL: any one cell
    rows = [r for r in apps if r != "other" or "other.other" not in apps]
    row, col = rng.choice(rows), rng.choice(APP_COLS)
    _bump(apps, row, col, _delta(rng, apps[row][col]))
    return [f"applications.{row}.{col}"]


def inject(rng: random.Random, truth: Truth, kind: str) -> Injection:
    """Modify `truth` in place with one contradiction of the given kind."""
    apps, rl, ad = truth.applications, truth.review_litigation, truth.active_disclosure
    if kind.startswith("APP_"):
        cells = _inject_apps(rng, kind, apps)
    elif kind in ("REVIEW_SUM", "LITIGATION_SUM"):
        group = "review" if kind == "REVIEW_SUM" else rng.choice(("litigation_direct", "litigation_after_review"))
        col = rng.choice(RL_COLS)
        _bump(rl, group, col, _delta(rng, rl[group][col]))
        cells = [f"review_litigation.{group}.{col}"]
    elif kind == "NARRATIVE_MISMATCH":
        # unambiguous: the stated count is neither the new applications nor new + carried over
        new = apps["new_received"]["total"]
        with_carried = new + (apps["carried_over"]["total"] or 0)
        while truth.narrative_count in (new, with_carried):
            truth.narrative_count = new + _delta(rng, new)
        cells = ["applications.new_received.total"]
    elif kind == "TEMPLATE_MISMATCH":
        wrong = "2021" if truth.meta["template"] == "2019" else "2019"
        truth.meta["template"] = wrong
        truth.applications = make_applications(rng, wrong, truth.agency.level)
        truth.active_disclosure = make_active_disclosure(rng, wrong, truth.agency)
        truth.narrative_count = int(truth.applications["new_received"]["total"] or 0)
        cells = ["meta.template"]
    elif kind == "PLAUSIBILITY":
        if truth.meta["level"] != "township":
            raise ValueError("PLAUSIBILITY injection needs a township report")
        regs = ad["regulations"]
        n = rng.randint(1, 3)
        if "issued" in regs:
            regs.update(issued=n, in_force=regs["in_force"] + n)
        else:
            regs.update(new_made=n, new_published=n, total_published=regs["total_published"] + n)
        cells = [f"active_disclosure.regulations.{c}" for c in regs]
    elif kind == "BAD_VALUE":
        cells = [_inject_bad_value(rng, truth)]
    else:
        raise ValueError(f"unknown injection kind {kind}")
    if "other.other" in truth.applications:
        oracle.derive_other(truth.applications)
    rules = oracle.expected_rules(truth.meta, truth.tables(), truth.narrative_count)
    return Injection(kind, cells, rules)


def _inject_bad_value(rng: random.Random, truth: Truth) -> str:
    """A negative or fractional count: mostly in an active-disclosure decisions cell (only BAD_VALUE),
    sometimes a negated applications cell (which also breaks the arithmetic)."""
    ad, apps = truth.active_disclosure, truth.applications
    if rng.random() < 0.3:
        row = rng.choice(_result_rows(apps))
        col = rng.choice(APP_COLS[:-1])
        apps[row][col] = -(apps[row][col] or rng.randint(1, 5))
        return f"applications.{row}.{col}"
    row = rng.choice(("licensing", "punishment", "enforcement"))
    col = "decisions"
    base = ad[row][col] or 0
    ad[row][col] = -rng.randint(1, 9) if rng.random() < 0.6 else base + 0.5
    return f"active_disclosure.{row}.{col}"
