"""TEMPLATE_MISMATCH (warning): the 2021 national table template applies from the 2021 reports on
(covering year 2021); earlier years used the 2019 template."""
from __future__ import annotations

from shared.record import Finding, Record

from ._common import finding

FIRST_2021_YEAR = 2021


def check_template_mismatch(record: Record) -> list[Finding]:
    year, template = record.meta.year, record.meta.template
    if year is None or template is None:
        return []
    expected = "2021" if year >= FIRST_2021_YEAR else "2019"
    if template == expected:
        return []
    return [finding(
        "TEMPLATE_MISMATCH", "warning",
        f"{year} 年度报告应使用 {expected} 版统计表格式，但报告使用的是 {template} 版",
        f"A report for {year} should use the {expected} table template, but this one uses the {template} template",
        where="meta.template", expected=expected, actual=template)]
