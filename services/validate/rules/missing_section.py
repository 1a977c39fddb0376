"""MISSING_SECTION (warning): one of the six sections (一 … 六) required by the national outline is
not in record.sections."""
from __future__ import annotations

from shared.record import SECTION_TITLES, Finding, Record

from ._common import finding

SECTION_EN: dict[int, str] = {
    1: "General situation",
    2: "Proactive disclosure",
    3: "Applications received and handled",
    4: "Administrative review and litigation",
    5: "Main problems and improvements",
    6: "Other matters",
}
NUMERALS = "一二三四五六"


def check_missing_section(record: Record) -> list[Finding]:
    present = {s.no for s in record.sections}
    return [
        finding(
            "MISSING_SECTION", "warning",
            f"报告缺少第{NUMERALS[no - 1]}部分“{title}”",
            f"Section {no} \"{SECTION_EN[no]}\" is missing from the report",
            where=f"sections.{no}", expected=title, actual=None)
        for no, title in SECTION_TITLES.items() if no not in present
    ]
