"""Validate stage: the record-local rules. CROSS_YEAR lives in services/validate/cross_year.py."""
from __future__ import annotations

from shared.record import Finding, Record


def validate(record: Record) -> list[Finding]:
    raise NotImplementedError
