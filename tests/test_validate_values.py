"""BAD_VALUE, PLAUSIBILITY, EMPTY_CELLS."""
from __future__ import annotations

import pytest

from services.validate.rules.bad_value import check_bad_value, is_null_marker
from services.validate.rules.empty_cells import check_empty_cells
from services.validate.rules.plausibility import check_plausibility, is_township
from tests.validate_factory import record

# --- BAD_VALUE -----------------------------------------------------------------------------------

def test_negative_count_is_bad_but_signed_change_is_not():
    r = record("2019", 2020)
    r.active_disclosure["fees"]["change"] = -3  # 本年增/减: may be negative
    assert check_bad_value(r) == []
    r.applications["granted"]["commercial"] = -1
    (f,) = check_bad_value(r)
    assert (f.rule, f.severity, f.where, f.actual) == (
        "BAD_VALUE", "error", "applications.granted.commercial", -1)
    assert "负数" in f.message and "negative" in f.message


def test_fractional_count_is_bad_but_money_is_not():
    r = record()
    r.active_disclosure["fees"]["amount_wan_yuan"] = 1823.3366446
    r.applications["granted"]["total"] = 4.0  # integral float: still a whole number
    assert check_bad_value(r) == []
    r.review_litigation["review"]["upheld"] = 1.5
    (f,) = check_bad_value(r)
    assert (f.where, f.actual) == ("review_litigation.review.upheld", 1.5)


def test_unreadable_cell_vs_null_marker():
    r = record()
    r.applications["denied.state_secret"]["total"] = None
    r.raw_cells["applications.denied.state_secret.total"] = "／"
    r.applications["granted"]["research"] = None
    r.raw_cells["applications.granted.research"] = "l2"
    (f,) = check_bad_value(r)
    assert (f.where, f.actual) == ("applications.granted.research", "l2")
    assert "无法识别" in f.message


def test_raw_text_of_a_parsed_cell_is_fine():
    r = record()
    r.raw_cells["active_disclosure.fees.amount_wan_yuan"] = "0(万元)"  # value 0 was read from it
    assert check_bad_value(r) == []


@pytest.mark.parametrize("raw,marker", [
    ("/", True), ("—", True), ("-", True), ("——", True), (" 无 ", True), ("不适用", True), ("", True),
    ("12a", False), ("?", False), ("三", False),
])
def test_null_markers(raw, marker):
    assert is_null_marker(raw) is marker


# --- PLAUSIBILITY --------------------------------------------------------------------------------

def test_township_with_regulations():
    r = record(agency="漳浒寨街道办事处", level="township")
    r.active_disclosure["regulations"].update(issued=2, in_force=2)
    found = check_plausibility(r)
    assert {f.where for f in found} == {"active_disclosure.regulations.issued",
                                         "active_disclosure.regulations.in_force"}
    assert all(f.rule == "PLAUSIBILITY" and f.severity == "warning" for f in found)
    assert "规章" in found[0].message


def test_township_detected_from_name_when_level_unknown():
    assert is_township(record(agency="某某镇人民政府", level=None))
    assert is_township(record(agency="某某乡", level=None))
    assert is_township(record(agency="东城街道办事处", level=None))
    assert not is_township(record(agency="某县住房和城乡建设局", level="county"))
    assert not is_township(record(agency="某市交通运输局", level="city"))


def test_county_body_with_regulations_2019_template():
    r = record("2019", 2020, agency="某县发展和改革局", level="county")
    r.active_disclosure["regulations"]["new_made"] = 1
    (f,) = check_plausibility(r)
    assert f.where == "active_disclosure.regulations.new_made"


@pytest.mark.parametrize("agency,level", [
    ("某市人民政府", "city"), ("上海市人民政府办公厅", "province"), ("某某局", None)])
def test_regulation_makers_or_unknown_bodies_are_fine(agency, level):
    r = record(agency=agency, level=level)
    r.active_disclosure["regulations"].update(issued=3, in_force=40)
    assert check_plausibility(r) == []


def test_city_department_with_regulations():
    # 2021_pingtan_gyz: a department, not the government, reports 1 规章 issued and in force.
    r = record(agency="平潭综合实验区国有资产管理局", level="city")
    r.active_disclosure["regulations"].update(issued=1, in_force=1)
    found = check_plausibility(r)
    assert len(found) == 2 and "工作部门" in found[0].message


def test_absurd_magnitudes():
    r = record()
    r.active_disclosure["punishment"]["decisions"] = 2_500_000  # a big city's traffic fines: plausible
    assert check_plausibility(r) == []
    r.applications["new_received"]["total"] = 12_000_000
    (f,) = check_plausibility(r)
    assert (f.where, f.actual) == ("applications.new_received.total", 12_000_000)


# --- EMPTY_CELLS ---------------------------------------------------------------------------------

def test_empty_cells_one_info_per_row():
    r = record()
    assert check_empty_cells(r) == []
    r.applications["granted"].update(research=None, social_welfare=None)
    r.review_litigation["review"]["other"] = None
    r.applications["unable.unclear"] = {c: None for c in r.applications["unable.unclear"]}  # no total
    found = check_empty_cells(r)
    assert [(f.rule, f.severity, f.where) for f in found] == [
        ("EMPTY_CELLS", "info", "applications.granted"),
        ("EMPTY_CELLS", "info", "review_litigation.review"),
    ]
    assert found[0].actual == ["research", "social_welfare"]
