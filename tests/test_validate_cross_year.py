"""CROSS_YEAR (cross_year) and agency_key."""
from __future__ import annotations

from services.validate.cross_year import cross_year
from shared.agency_key import agency_key
from shared.record import Meta, Record, Region
from tests.validate_factory import record


def pair(template: str = "2021", years: tuple[int, int] = (2021, 2022)) -> tuple[Record, Record]:
    return record(template, years[0]), record(template, years[1])


def test_consistent_years_give_nothing():
    prev, cur = pair()
    assert cross_year(prev, cur) == []


def test_carried_forward_vs_carried_over_per_column():
    prev, cur = pair()
    prev.applications["carried_forward"].update(natural_person=2, total=2)
    found = {f.where: f for f in cross_year(prev, cur)}
    assert set(found) == {"applications.carried_over.natural_person", "applications.carried_over.total"}
    f = found["applications.carried_over.total"]
    assert (f.rule, f.severity, f.expected, f.actual) == ("CROSS_YEAR", "warning", 2, 1)
    assert "结转下年度" in f.message and "carried" in f.message


def test_null_cells_are_skipped():
    prev, cur = pair()
    prev.applications["carried_forward"]["natural_person"] = None
    cur.applications["carried_over"]["total"] = None
    prev.applications["carried_forward"]["total"] = 9
    assert cross_year(prev, cur) == []


def test_carry_checked_across_the_template_change():
    prev, cur = record("2019", 2020), record("2021", 2021)
    prev.applications["carried_forward"].update(natural_person=0, total=0)
    prev.active_disclosure["licensing"].update(previous_items=5, change=1)  # not comparable: skipped
    assert {f.where for f in cross_year(prev, cur)} == {
        "applications.carried_over.natural_person", "applications.carried_over.total"}


def test_2019_items_previous_plus_change():
    prev, cur = pair("2019", (2019, 2020))
    prev.active_disclosure["licensing"].update(previous_items=6, change=-1)
    cur.active_disclosure["licensing"].update(previous_items=5)
    prev.active_disclosure["fees"].update(previous_items=4, change=-3)
    cur.active_disclosure["fees"].update(previous_items=4)
    (f,) = cross_year(prev, cur)
    assert (f.where, f.expected, f.actual) == ("active_disclosure.fees.previous_items", 1, 4)


def test_2021_in_force_chain():
    prev, cur = pair()
    prev.active_disclosure["normative_documents"]["in_force"] = 8
    cur.active_disclosure["normative_documents"].update(issued=2, repealed=1, in_force=9)
    assert cross_year(prev, cur) == []
    cur.active_disclosure["normative_documents"]["in_force"] = 12
    (f,) = cross_year(prev, cur)
    assert (f.where, f.expected, f.actual) == ("active_disclosure.normative_documents.in_force", 9, 12)
    cur.active_disclosure["normative_documents"]["repealed"] = None
    assert cross_year(prev, cur) == []


def test_non_consecutive_years_are_not_compared():
    prev, cur = pair(years=(2020, 2022))
    prev.applications["carried_forward"]["total"] = 5
    assert cross_year(prev, cur) == []


def key(agency: str, **region: str) -> str:
    return agency_key(Record(id="x", meta=Meta(agency=agency, region=Region(**region))))


def test_agency_key_matches_variants_of_the_same_body():
    assert key("烟台市芝罘区发展和改革局") == key("芝罘区发展和改革局", province="山东省", city="烟台市") \
        == key("芝罘区发改局")
    assert key("聊城市城市管理局") == key("聊城市城管局") == key("聊城市城市管理局", province="山东省")
    assert key("上海市人民政府办公厅") == key("上海市政府办公厅") == key("上海市人民政府办公厅 ")
    assert key("沭阳县人民政府办公室") == key("县人民政府办公室", province="江苏省", city="宿迁市", county="沭阳县")
    assert key("漳浒寨街道办事处") == key("漳滸寨街道辦事處")  # traditional characters


def test_agency_key_keeps_different_bodies_apart():
    assert key("烟台市发展和改革委员会") != key("烟台市芝罘区发展和改革局")  # city vs district
    assert key("东昌府区城市管理局") != key("聊城市城市管理局")
    assert key("洪泽区人民政府") != key("洪泽区人民政府办公室")
    assert key("芝罘区发展和改革局") != key("芝罘区财政局")


def test_a_report_without_a_body_has_no_key():
    # two reports of one place whose body was not found are not one body (nor supersede each other)
    assert key("", province="福建省", city="三明市") == "" == key("  ", province="福建省", city="三明市")
    assert key("三明市人民政府", province="福建省", city="三明市") != ""
