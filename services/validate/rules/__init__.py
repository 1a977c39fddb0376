"""Validate stage: the record-local rules. CROSS_YEAR lives in services/validate/cross_year.py.

Each rule is a pure function Record -> list[Finding] in its own module; docs/validation.md lists them."""
from __future__ import annotations

from collections.abc import Callable

from shared.record import Finding, Record

from .app_balance import check_app_balance
from .app_row_sum import check_app_row_sum
from .app_total_sum import check_app_total_sum
from .bad_value import check_bad_value
from .empty_cells import check_empty_cells
from .late_publication import check_late_publication
from .missing_section import check_missing_section
from .missing_table import check_missing_table
from .narrative import check_narrative
from .plausibility import check_plausibility
from .rl_sum import check_rl_sum
from .template_mismatch import check_template_mismatch

Rule = Callable[[Record], list[Finding]]

# Order = order of the findings: structure first, then arithmetic, then the softer checks.
RULES: tuple[Rule, ...] = (
    check_missing_section,
    check_missing_table,
    check_template_mismatch,
    check_late_publication,
    check_bad_value,
    check_app_balance,
    check_app_row_sum,
    check_app_total_sum,
    check_rl_sum,
    check_narrative,
    check_plausibility,
    check_empty_cells,
)


def validate(record: Record) -> list[Finding]:
    """All record-local findings for one record (the parser's own findings are not repeated)."""
    return [f for rule in RULES for f in rule(record)]
