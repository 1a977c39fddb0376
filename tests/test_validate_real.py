"""The real reports with hand-read values (tests/fixtures/real_expected): validate() on Records built
from those values + the report's text gives the hand-labelled findings_rules, and cross_year() finds
exactly the cross-year inconsistencies the labeller's notes describe."""
from __future__ import annotations

import pytest

from services.validate.cross_year import cross_year
from services.validate.rules import validate
from shared.agency_key import agency_key
from tests.validate_seed_records import real_expected, real_names, real_record

PARSER_RULES = {"AMBIGUOUS_CELLS"}  # the parser's, not validate's


@pytest.mark.parametrize("stem", real_names())
def test_real_report_rules(stem):
    record = real_record(stem)
    got = {f.rule for f in validate(record) if f.severity != "info"}
    assert got == set(real_expected(stem)["findings_rules"]) - PARSER_RULES


def test_report_without_section_six():
    # 2021_pingtan_czj ends after 五、存在的主要问题及改进情况: the only missing section is 六.
    found = [f for f in validate(real_record("2021_pingtan_czj")) if f.rule == "MISSING_SECTION"]
    assert [f.where for f in found] == ["sections.6"]


@pytest.mark.parametrize("previous,current,expected", [
    ("2019_pingtan_jjf", "2020_pingtan_jjf", {("active_disclosure.licensing.previous_items", 17, 0),
                                              ("active_disclosure.punishment.previous_items", 12, 0)}),
    ("2021_pingtan_czj", "2022_pingtan_czj", {("active_disclosure.normative_documents.in_force", 11, 8)}),
    ("2022_pingtan_czj", "2023_pingtan_czj", set()),
    ("2023_pingtan_czj", "2024_pingtan_czj", {("active_disclosure.normative_documents.in_force", 6, 1)}),
    ("2021_pingtan_gyz", "2022_pingtan_gyz", {("active_disclosure.regulations.in_force", 1, 0),
                                              ("active_disclosure.normative_documents.in_force", 3, 23)}),
    ("2021_pingtan_jtj", "2022_pingtan_jtj", set()),          # 12 + 4 − 0 = 16
    ("2023_hongze_district", "2024_hongze_district", set()),  # 5 + 3 − 0 = 8
])
def test_real_cross_year(previous, current, expected):
    prev, cur = real_record(previous), real_record(current)
    assert agency_key(prev) == agency_key(cur)  # 洪泽区人民政府 = 淮安市洪泽区人民政府
    found = cross_year(prev, cur)
    assert all(f.rule == "CROSS_YEAR" and f.severity == "warning" for f in found)
    assert {(f.where, f.expected, f.actual) for f in found} == expected


def test_real_bodies_have_distinct_keys():
    latest = {}
    for stem in real_names():
        latest[stem.split("_", 1)[1]] = agency_key(real_record(stem))
    # one key per body (file stem without the year), and no two bodies share one
    assert len(set(latest.values())) == len(latest)
