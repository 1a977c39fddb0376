"""The five seeds give exactly their expected error/warning rules (seeds.expected.json findings_rules):
once from Records built from the expected values (independent of the parser), once through the real
pipeline (normalize → parse → validate)."""
from __future__ import annotations

import pytest

from services.validate.rules import validate
from shared.record import Finding
from tests.paths import SEEDS
from tests.validate_seed_records import expected_rules, seed_names, seed_record


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings if f.severity in ("error", "warning")}


@pytest.mark.parametrize("name", seed_names())
def test_seed_rules_from_expected_values(name):
    record = seed_record(name)
    assert len(record.sections) == 6  # the helper found all six headings
    assert rules(validate(record)) == expected_rules(name)


@pytest.mark.parametrize("name", seed_names())
def test_seed_rules_through_the_pipeline(name):
    from services.pipeline import process_bytes

    record = process_bytes((SEEDS / name).read_bytes(), filename=name)
    assert rules(record.findings) == expected_rules(name), [
        (f.rule, f.where, f.message) for f in record.findings if f.severity != "info"]
