"""The synth's own, independent re-check of a report's values: which error/warning rules a correct
validator must raise. Used to derive `expected_rules` after an injection (one changed cell usually
breaks several equations at once). Equations with a null term are not checkable and raise nothing."""
from __future__ import annotations

from shared.record import APP_COLS, APP_OTHER_SUBROWS, APP_RESULT_ROWS, RL_COLS

Cell = int | float | None
Table = dict[str, dict[str, Cell]]

# Active-disclosure cells that are not counts: money, and the signed 2019 "本年增/减".
_NOT_COUNTS = {"amount_wan_yuan", "change"}


def _eq(lhs: list[Cell], rhs: list[Cell]) -> bool | None:
    """True/False when every term is known, None when a term is null."""
    if any(v is None for v in (*lhs, *rhs)):
        return None
    return abs(sum(lhs) - sum(rhs)) < 1e-9  # type: ignore[arg-type]  # no None left (checked above)


def app_violations(apps: Table) -> dict[str, list[str]]:
    """Rule id → the record paths ("applications.ROW.COL") of the equations it fails on."""
    out: dict[str, list[str]] = {}
    if not apps:
        return out
    parts = APP_COLS[:-1]
    for col in APP_COLS:
        if _eq([apps["new_received"][col], apps["carried_over"][col]],
               [apps["total"][col], apps["carried_forward"][col]]) is False:
            out.setdefault("APP_BALANCE", []).append(f"applications.total.{col}")
        if _eq([apps[r][col] for r in APP_RESULT_ROWS], [apps["total"][col]]) is False:
            out.setdefault("APP_TOTAL_SUM", []).append(f"applications.total.{col}")
    for row, cells in apps.items():
        if _eq([cells[c] for c in parts], [cells["total"]]) is False:
            out.setdefault("APP_ROW_SUM", []).append(f"applications.{row}.total")
    return out


def rl_violations(rl: Table) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for group, cells in rl.items():
        if _eq([cells[c] for c in RL_COLS[:-1]], [cells["total"]]) is False:
            rule = "REVIEW_SUM" if group == "review" else "LITIGATION_SUM"
            out.setdefault(rule, []).append(f"review_litigation.{group}.total")
    return out


def bad_values(tables: dict[str, Table]) -> list[str]:
    """Counts that are negative or fractional (money and 2019 增/减 may be either)."""
    bad = []
    for name, table in tables.items():
        for row, cells in table.items():
            for col, v in cells.items():
                if v is None or (name == "active_disclosure" and col in _NOT_COUNTS):
                    continue
                if v < 0 or v != int(v):
                    bad.append(f"{name}.{row}.{col}")
    return bad


def expected_rules(meta: dict, tables: dict[str, Table], narrative_count: int | None) -> dict[str, list[str]]:
    """Every error/warning rule (with paths) a correct validator raises on these values."""
    out: dict[str, list[str]] = {}
    apps = tables.get("applications", {})
    for part in (app_violations(apps), rl_violations(tables.get("review_litigation", {}))):
        for rule, paths in part.items():
            out.setdefault(rule, []).extend(paths)
    if bad := bad_values(tables):
        out["BAD_VALUE"] = bad
    year, template = meta.get("year"), meta.get("template")
    if year and template and (template == "2021") != (year >= 2021):
        out["TEMPLATE_MISMATCH"] = ["meta.template"]
    regs = tables.get("active_disclosure", {}).get("regulations", {})
    if meta.get("level") == "township" and any((v or 0) > 0 for v in regs.values()):
        out["PLAUSIBILITY"] = [f"active_disclosure.regulations.{c}" for c, v in regs.items() if (v or 0) > 0]
    stated = apps.get("new_received", {}).get("total") if apps else None
    if narrative_count is not None and stated is not None:
        # A received count equal to new + carried over is read as including the carried-over
        # applications (reports do say "收到申请N件(含上年结转M件)"): not a contradiction.
        with_carried = stated + (apps.get("carried_over", {}).get("total") or 0)
        if narrative_count not in (stated, with_carried):
            out["NARRATIVE_MISMATCH"] = ["applications.new_received.total"]
    return out


def derive_other(apps: Table) -> None:
    """2021 template: the "other" row is the sum of its three sub-rows (null if all are null)."""
    if not all(s in apps for s in APP_OTHER_SUBROWS):
        return
    for col in APP_COLS:
        vals = [apps[s][col] for s in APP_OTHER_SUBROWS]
        known = [v for v in vals if v is not None]
        apps["other"][col] = sum(known) if known else None
