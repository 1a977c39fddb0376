"""MISSING_SECTION (warning): one of the six sections (一 … 六) required by the national outline is
not in record.sections."""
from __future__ import annotations

from shared.record import Finding, Record
from shared.schema import SECTIONS

from ._common import finding

NUMERALS = "一二三四五六"


def check_missing_section(record: Record) -> list[Finding]:
    present = {s.no for s in record.sections}
    return [
        finding(
            "MISSING_SECTION", "warning",
            f"报告缺少第{NUMERALS[sec.no - 1]}部分“{sec.zh}”",
            f"Section {sec.no} \"{sec.en}\" is missing from the report",
            where=f"sections.{sec.no}", expected=sec.zh, actual=None)
        for sec in SECTIONS if sec.no not in present
    ]
