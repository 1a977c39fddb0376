"""The tables' own arithmetic, declared once as data.

Each identity is a linear equation over cell paths (sum of coef × cell = 0). The parser uses them to
place numbers whose column the layout does not fix (services/parse/parser/placement.py); the
validation rules check the same identities (services/validate/rules/) and skip an identity that
holds a cell the parser could not place. The ids are the rule ids of the spec.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from shared.record import APP_COLS, APP_OTHER_SUBROWS, APP_RESULT_ROWS, APP_ROWS_2019, APP_ROWS_2021, RL_COLS, RL_GROUPS

APP_PART_COLS: tuple[str, ...] = APP_COLS[:6]   # natural_person + the five organisation columns
RL_PARTS: tuple[str, ...] = RL_COLS[:4]         # upheld, corrected, other, pending


@dataclass(frozen=True)
class Identity:
    id: str                              # the rule id that checks it: APP_ROW_SUM, APP_BALANCE, …
    where: str                           # the cell a finding points at (the identity's total)
    terms: tuple[tuple[str, int], ...]   # (cell path, coefficient); the sum of coef × value is 0

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.terms)


def _app(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def app_rows(two_level_other: bool) -> tuple[str, ...]:
    """The rows of the applications table: 2021 splits (六) into three sub-rows, 2019 does not."""
    return APP_ROWS_2021 if two_level_other else APP_ROWS_2019


@cache
def app_identities(two_level_other: bool) -> tuple[Identity, ...]:
    """APP_ROW_SUM per row, APP_TOTAL_SUM and APP_BALANCE per column. With the 2021 sub-rows the
    sum of results counts the sub-rows (the record's `other` row is their sum, derived, never printed)."""
    out: list[Identity] = []
    rows = app_rows(two_level_other)
    for row in rows:
        if two_level_other and row == "other":
            continue
        out.append(Identity("APP_ROW_SUM", _app(row, "total"),
                            (*((_app(row, c), 1) for c in APP_PART_COLS), (_app(row, "total"), -1))))
    results = [r for r in APP_RESULT_ROWS if r != "other"]
    results += list(APP_OTHER_SUBROWS) if two_level_other else ["other"]
    for col in APP_COLS:
        out.append(Identity("APP_TOTAL_SUM", _app("total", col),
                            (*((_app(r, col), 1) for r in results), (_app("total", col), -1))))
        out.append(Identity("APP_BALANCE", _app("total", col),
                            ((_app("new_received", col), 1), (_app("carried_over", col), 1),
                             (_app("total", col), -1), (_app("carried_forward", col), -1))))
    return tuple(out)


@cache
def rl_identities() -> tuple[Identity, ...]:
    """Per group of the review/litigation table: upheld + corrected + other + pending = total."""
    out = []
    for g in RL_GROUPS:
        rule = "REVIEW_SUM" if g == "review" else "LITIGATION_SUM"
        out.append(Identity(rule, f"review_litigation.{g}.total",
                            (*((f"review_litigation.{g}.{c}", 1) for c in RL_PARTS),
                             (f"review_litigation.{g}.total", -1))))
    return tuple(out)


def identities_of(table: str, two_level_other: bool = False) -> tuple[Identity, ...]:
    if table == "applications":
        return app_identities(two_level_other)
    if table == "review_litigation":
        return rl_identities()
    return ()  # 主动公开: no identity holds across its cells
