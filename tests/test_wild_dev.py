"""Parse of the wild-dev reports (shared/corpus/wild-dev) against hand-read values that record only
what the document makes certain (tests/fixtures/wild_expected).

Each fixture lists the certain cells in its tables and every other cell of the template under
"uncertain" (the page dropped empty cells, ran digits together, …, so the cell's value or column is
not fixed). A certain cell must be read with its value, or left null with a warning/error finding
that points at it; an uncertain cell must stay null — a number there would be a guess — unless the
parser marks it as inferred (then it is printed for a reviewer)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from services.validate.rules import validate
from shared.record import Finding, Record
from tests.parse_support import expected_cells, record_of, same
from tests.paths import FIXTURES, SHARED

WILD = SHARED / "corpus" / "wild-dev"
CASES = {p.stem: json.loads(p.read_text(encoding="utf-8"))
         for p in sorted((FIXTURES / "wild_expected").glob("*.json"))}
TABLES = ("active_disclosure", "applications", "review_litigation")


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[Record, list[Finding]]]:
    out = {}
    for name, case in CASES.items():
        record = record_of(WILD / case["file"])
        # as the validate stage does: the parser's findings, then the record-local rules
        out[name] = (record, [*record.findings, *validate(record)])
    return out


def _value(record: Record, path: str) -> Any:
    table, rest = path.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return (getattr(record, table).get(row) or {}).get(col)


def _covers(finding: Finding, path: str) -> bool:
    """A warning/error finding that names the cell, its row or its table, or lists the cell."""
    if finding.severity not in ("warning", "error"):
        return False
    where = finding.where or ""
    if where and (path == where or path.startswith(where + ".")):
        return True
    return any(isinstance(v, list) and path in v for v in (finding.actual, finding.expected))


def _provenance_source(record: Record, path: str) -> str | None:
    entry = (getattr(record, "provenance", None) or {}).get(path)
    if entry is None:
        return None
    return entry.get("source") if isinstance(entry, dict) else getattr(entry, "source", None)


def test_fixtures_list_every_cell_once():
    """Sanity of the fixtures themselves: certain + uncertain = every cell of the template."""
    from shared.record import AD_KEYS, APP_COLS, APP_ROWS_2019, APP_ROWS_2021, RL_COLS, RL_GROUPS
    for name, case in CASES.items():
        template = case["meta"]["template"]
        cells = [f"active_disclosure.{r}.{c}" for r, cols in AD_KEYS[template].items() for c in cols]
        rows = APP_ROWS_2021 if template == "2021" else APP_ROWS_2019
        cells += [f"applications.{r}.{c}" for r in rows for c in APP_COLS]
        cells += [f"review_litigation.{g}.{c}" for g in RL_GROUPS for c in RL_COLS]
        certain = [f"{t}.{r}.{c}" for t, r, c, _ in expected_cells(case)]
        assert sorted(certain + case["uncertain"]) == sorted(cells), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_wild_meta(parsed, name):
    record, _ = parsed[name]
    want = CASES[name]["meta"]
    got = {"agency": record.meta.agency, "year": record.meta.year, "template": record.meta.template,
           "province": record.meta.region.province, "city": record.meta.region.city}
    expected = {"agency": want["agency"], "year": want["year"], "template": want["template"],
                "province": want["region"]["province"], "city": want["region"]["city"]}
    assert got == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_wild_certain_cells(parsed, name):
    """Every cell the document makes certain is read, or is null and flagged by a finding."""
    record, findings = parsed[name]
    wrong = []
    for table, row, col, want in expected_cells(CASES[name]):
        path = f"{table}.{row}.{col}"
        got = _value(record, path)
        if same(got, want):
            continue
        if got is None and any(_covers(f, path) for f in findings):
            continue
        wrong.append(f"{path}: want {want!r} got {got!r}"
                     + (" (null, no finding names it)" if got is None else ""))
    assert not wrong, f"{len(wrong)} certain cells wrong:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(CASES))
def test_wild_uncertain_cells(parsed, name):
    """A cell whose value or column the document leaves open stays null (unless inferred)."""
    record, _ = parsed[name]
    guessed, inferred = [], []
    for path in CASES[name]["uncertain"]:
        got = _value(record, path)
        if got is None:
            continue
        if _provenance_source(record, path) == "inferred":
            inferred.append(f"{path}: {got!r} (inferred)")
        else:
            guessed.append(f"{path}: {got!r}")
    if inferred:
        print(f"{name}: uncertain cells the parser inferred:\n  " + "\n  ".join(inferred))
    assert not guessed, f"{len(guessed)} uncertain cells hold a number:\n" + "\n".join(guessed)
