"""TEMPLATE_MISMATCH, MISSING_SECTION, MISSING_TABLE."""
from __future__ import annotations

import pytest

from services.validate.rules import validate
from services.validate.rules.missing_section import check_missing_section
from services.validate.rules.missing_table import check_missing_table
from services.validate.rules.template_mismatch import check_template_mismatch
from shared.record import Finding
from tests.validate_factory import record


@pytest.mark.parametrize("template,year,bad", [
    ("2021", 2021, False), ("2019", 2020, False), ("2019", 2019, False),
    ("2019", 2021, True), ("2019", 2024, True), ("2021", 2020, True),
])
def test_template_mismatch(template, year, bad):
    r = record(template, year)
    found = check_template_mismatch(r)
    assert bool(found) is bad
    if bad:
        (f,) = found
        assert (f.severity, f.where, f.actual) == ("warning", "meta.template", template)


def test_template_unknown_is_not_judged():
    r = record()
    r.meta.template = None
    assert check_template_mismatch(r) == []
    r = record()
    r.meta.year = None
    assert check_template_mismatch(r) == []


def test_missing_section_one_finding_per_section():
    r = record()
    assert check_missing_section(r) == []
    r.sections = [s for s in r.sections if s.no not in (4, 6)]
    found = check_missing_section(r)
    assert [f.where for f in found] == ["sections.4", "sections.6"]
    assert all(f.rule == "MISSING_SECTION" and f.severity == "warning" for f in found)
    assert "行政复议" in found[0].message


def test_missing_table_empty_or_all_null():
    r = record()
    assert check_missing_table(r) == []
    r.review_litigation = {}
    r.active_disclosure = {row: {c: None for c in cells} for row, cells in r.active_disclosure.items()}
    found = check_missing_table(r)
    assert {f.where for f in found} == {"review_litigation", "active_disclosure"}
    assert all(f.severity == "warning" for f in found)


def test_missing_table_not_repeated_after_parser():
    r = record()
    r.applications = {}
    r.findings = [Finding(rule="MISSING_TABLE", severity="warning", message="x / x", where="applications")]
    assert check_missing_table(r) == []
    assert "MISSING_TABLE" not in {f.rule for f in validate(r)}
    r.findings = [Finding(rule="AMBIGUOUS_CELLS", severity="info", message="x / x", where="applications")]
    assert [f.where for f in check_missing_table(r)] == ["applications"]
