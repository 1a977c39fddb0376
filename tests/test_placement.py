"""Placement of numbers whose column the layout does not fix: by the table's identities only
(services/parse/parser/placement.py), and the record's provenance and quality built from it."""
from __future__ import annotations

from services.parse.parser.cells import tokens
from services.parse.parser.placement import BLANK, place
from services.parse.parser.split import gap_options, resolve
from services.validate.rules import validate
from shared.record import APP_COLS, APP_ROWS_2019, CellProvenance, Record
from shared.schema import app_identities, rl_identities

ROW_SUMS = ((tuple(range(6)), 6),)
RL_SUMS = tuple((tuple(range(g, g + 4)), g + 4) for g in range(0, 15, 5))


def _row_check(v):
    return None in v or sum(v[:6]) == v[6]


def _paths(row: str) -> list[str]:
    return [f"applications.{row}.{c}" for c in APP_COLS]


def _table(printed: dict[str, list[int]]) -> dict:
    """An applications table as a page that drops empty cells shows it: row → the numbers it prints
    (7 numbers: a full row, fixed; fewer: every placement of them the row's sum allows)."""
    rows = {}
    for row in APP_ROWS_2019:
        values = printed.get(row, [])
        opts = [values] if len(values) == 7 else gap_options(values, 7, ROW_SUMS) or [[BLANK] * 7]
        rows[row] = (_paths(row), opts)
    return rows


def test_a_lone_number_has_no_column():
    placed = place(_table({row: [0] for row in APP_ROWS_2019}), app_identities(False))
    assert placed and all(p.value is None and p.source == "unknown" for p in placed.values())


def test_sparse_row_without_full_rows_beside_it_stays_unknown():
    # "2 | 0 | 2" under seven columns: natural_person 2 and total 2, or commercial 2 and total 2, or
    # 2 and 2 in two applicant columns with the total blank — the table cannot tell.
    printed = {row: [0] for row in APP_ROWS_2019}
    printed.update({"new_received": [2, 0, 2], "unable.not_held": [2, 0, 2], "total": [2, 0, 2]})
    placed = place(_table(printed), app_identities(False))
    assert all(placed[p].value is None for p in _paths("new_received"))
    assert placed["applications.new_received.total"].source == "unknown"


def test_full_rows_force_the_columns_of_sparse_ones():
    # 一 and 三(七) print all seven numbers; 三(一) prints "8 8" and every other row nothing. The
    # column sums leave one placement: 8 natural persons, total 8, the organisations 0.
    printed = {"new_received": [8, 0, 0, 0, 0, 0, 8], "total": [8, 0, 0, 0, 0, 0, 8],
               "carried_over": [0, 0, 0, 0, 0, 0, 0], "carried_forward": [0, 0, 0, 0, 0, 0, 0],
               "granted": [8, 8]}
    placed = place(_table(printed), app_identities(False))
    granted = {c: placed[f"applications.granted.{c}"] for c in APP_COLS}
    assert granted["natural_person"].value == 8 and granted["total"].value == 8
    assert all(granted[c].value == 0 for c in APP_COLS[1:6])
    assert granted["natural_person"].source == "inferred"
    assert "APP_TOTAL_SUM" in granted["natural_person"].by
    # a row with nothing printed gets its zeros from the same sums
    assert placed["applications.partially_granted.total"].value == 0


def test_a_broken_report_does_not_let_its_identities_choose():
    # The printed full rows contradict each other (一 + 二 ≠ 七 + 四): the column identities cannot be
    # trusted, only the row's own sum is used, and the sparse row stays unknown where it is not fixed.
    printed = {"new_received": [8, 0, 0, 0, 0, 0, 8], "total": [9, 0, 0, 0, 0, 0, 9],
               "carried_over": [0, 0, 0, 0, 0, 0, 0], "carried_forward": [0, 0, 0, 0, 0, 0, 0],
               "granted": [8, 8]}
    placed = place(_table(printed), app_identities(False))
    assert placed["applications.granted.natural_person"].source == "unknown"


def test_numbers_broken_across_lines_are_joined_when_the_row_sum_says_so():
    res = resolve(tokens("\n1\n60\n0\n0\n2\n0\n0\n1\n62\n"), 7, _row_check)
    assert res.values == [160, 0, 0, 2, 0, 0, 162] and not res.options
    # the usual row with a stray number after it keeps its first seven cells
    res = resolve(tokens("\n1\n0\n0\n0\n0\n0\n1\n3\n"), 7, _row_check)
    assert res.values == [1, 0, 0, 0, 0, 0, 1]


def test_a_row_that_breaks_its_sum_in_every_reading_is_not_read():
    res = resolve(tokens("\n140\n5\n0\n1\n0\n146\n"), 7, _row_check, ROW_SUMS)
    assert res.options and all(BLANK in o for o in res.options)  # placements with one cell dropped
    assert res.values == [None] * 7


def test_review_litigation_lone_zero_is_unknown_and_groups_force_zeros():
    paths = [f"review_litigation.{g}.{c}" for g in ("review", "litigation_direct", "litigation_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    lone = place({"rl": (paths, gap_options([0], 15, RL_SUMS))}, rl_identities())
    assert all(p.source == "unknown" for p in lone.values())
    # 13 numbers for 15 cells (莆田市 2019): only the review group's sum makes 3 8 0 1 12 whole; the
    # litigation groups' two dropped cells can sit in more than one place
    opts = gap_options([3, 8, 0, 1, 12, 0, 1, 0, 1, 2, 1, 0, 1], 15, RL_SUMS)
    placed = place({"rl": (paths, opts)}, rl_identities())
    assert [placed[p].value for p in paths[:5]] == [3, 8, 0, 1, 12]
    assert placed[paths[5]].value == 0
    assert any(placed[p].source == "unknown" for p in paths[6:])
    # and three short numbers that fit more than one way decide nothing
    short = place({"rl": (paths, gap_options([3, 8, 0, 1, 12, 0, 0], 15, RL_SUMS))}, rl_identities())
    assert short[paths[0]].source == "unknown"


def test_arithmetic_rules_skip_cells_that_were_not_placed():
    rec = Record(id="x")
    rec.applications = {row: dict.fromkeys(APP_COLS, 0) for row in APP_ROWS_2019}
    rec.applications["new_received"] = {**dict.fromkeys(APP_COLS, 0), "natural_person": 3, "total": 3}
    rec.applications["total"] = {**dict.fromkeys(APP_COLS, 0), "natural_person": 3, "total": 3}
    rec.applications["granted"] = {**dict.fromkeys(APP_COLS, 0), "natural_person": 3, "total": 3}
    rec.applications["carried_over"]["natural_person"] = None
    assert not [f for f in validate(rec) if f.rule == "APP_BALANCE"]
    rec.applications["carried_over"]["natural_person"] = 2  # a printed 2 breaks the balance …
    assert [f for f in validate(rec) if f.rule == "APP_BALANCE"]
    rec.applications["carried_over"]["natural_person"] = None
    rec.applications["carried_forward"]["natural_person"] = 5  # … and so does one beside an unknown cell
    assert [f for f in validate(rec) if f.rule == "APP_BALANCE"]
    rec.provenance["applications.carried_over.natural_person"] = CellProvenance(source="unknown")
    assert not [f for f in validate(rec) if f.rule == "APP_BALANCE"]  # unknown ≠ blank: no finding


def test_a_table_flattened_one_cell_per_line_never_splits_numbers():
    from services.parse.parser.cells import cells_on_own_lines
    assert cells_on_own_lines("规章\n0\n规范性文件\n7\n14\n行政许可\n40\n0\n53")
    assert not cells_on_own_lines("规章000\n规范性文件9921\n行政许可20180")
    assert not cells_on_own_lines("规章\n000\n规范性文件\n9921")  # "000" is cells run together


def test_quality_grades_and_reasons():
    from tests.parse_support import record_of
    from tests.paths import SHARED
    wild = SHARED / "corpus" / "wild-dev"
    whole = record_of(wild / "2021_sanming_city.txt").quality
    assert whole.grade == "complete" and whole.tables_found == 3
    assert whole.cells_unknown == whole.cells_blank == 0 and not whole.reasons
    sparse = record_of(wild / "2022_putian_kjj.txt")
    q = sparse.quality
    assert q.grade == "partial" and q.cells_unknown > 100 and q.tables_found == 3
    assert any("无法确定" in r and "could not be placed" in r for r in q.reasons)
    incomplete = [f for f in sparse.findings if f.rule == "INCOMPLETE_TABLE"]
    assert {f.where for f in incomplete} >= {"applications", "review_litigation"}
    assert all(f.severity == "warning" and " / " in f.message for f in incomplete)
    unknown = {p for p, c in sparse.provenance.items() if c.source == "unknown"}
    assert unknown == {p for f in incomplete for p in f.actual}
