"""Shared helpers for the rules: cell access, number formatting, bilingual labels, finding factory."""
from __future__ import annotations

from collections.abc import Iterable

from shared.record import APP_ROW_LABELS, Cell, Finding, Record, Severity
from shared.schema import identities_of

# Applicant columns as a reader of the table sees them (中文 / English).
APP_COL_NAMES: dict[str, tuple[str, str]] = {
    "natural_person": ("自然人", "Natural persons"),
    "commercial": ("商业企业", "Commercial enterprises"),
    "research": ("科研机构", "Research institutions"),
    "social_welfare": ("社会公益组织", "Public-interest organisations"),
    "legal_services": ("法律服务机构", "Legal service agencies"),
    "other_org": ("其他组织", "Other organisations"),
    "total": ("总计", "Total"),
}

APP_ROW_EN: dict[str, str] = {
    "new_received": "new applications received",
    "carried_over": "carried over from last year",
    "granted": "granted",
    "partially_granted": "partially granted",
    "denied.state_secret": "denied: state secret",
    "denied.prohibited_by_law": "denied: prohibited by law",
    "denied.security_stability": "denied: security and stability",
    "denied.third_party_rights": "denied: third-party rights",
    "denied.internal_affairs": "denied: internal affairs",
    "denied.process_information": "denied: process information",
    "denied.enforcement_files": "denied: enforcement files",
    "denied.administrative_query": "denied: administrative query",
    "unable.not_held": "unable: not held",
    "unable.needs_creation": "unable: would need creating",
    "unable.unclear": "unable: still unclear",
    "not_processed.petition": "not processed: petition",
    "not_processed.duplicate": "not processed: duplicate",
    "not_processed.publication": "not processed: publication",
    "not_processed.excessive": "not processed: excessive",
    "not_processed.confirmation": "not processed: confirmation",
    "other.no_correction": "other: no correction",
    "other.unpaid_fee": "other: fee unpaid",
    "other.other": "other: other",
    "other": "other handling",
    "total": "total",
    "carried_forward": "carried forward to next year",
}

RL_GROUP_NAMES: dict[str, tuple[str, str]] = {
    "review": ("行政复议", "Administrative review"),
    "litigation_direct": ("行政诉讼（未经复议直接起诉）", "Litigation without prior review"),
    "litigation_after_review": ("行政诉讼（复议后起诉）", "Litigation after review"),
}
RL_COL_NAMES: dict[str, tuple[str, str]] = {
    "upheld": ("结果维持", "upheld"),
    "corrected": ("结果纠正", "corrected"),
    "other": ("其他结果", "other result"),
    "pending": ("尚未审结", "pending"),
    "total": ("总计", "total"),
}


def row_zh(row: str) -> str:
    """Chinese label of an applications row without its outline number, e.g. "予以公开"."""
    label = APP_ROW_LABELS.get(row, row)
    return label.split(" ", 1)[-1] if " " in label else label.split("、", 1)[-1].split(")", 1)[-1]


def v(cell: Cell) -> int | float:
    """A cell's value for arithmetic: blank (None) counts as 0, as the national template intends."""
    return 0 if cell is None else cell


def fmt(x: int | float | None) -> str:
    """Number for a message: integral floats without ".0", None as 空/blank."""
    if x is None:
        return "空"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def total_of(cells: Iterable[Cell]) -> int | float:
    s = sum([0 if c is None else c for c in cells])  # = sum(v(c) …), without a call per cell
    return int(s) if isinstance(s, float) and s.is_integer() else s


def all_null(cells: Iterable[Cell]) -> bool:
    for c in cells:  # a plain loop: all() over a generator costs a frame switch per cell
        if c is not None:
            return False
    return True


def finding(rule: str, severity: Severity, zh: str, en: str, where: str | None = None,
            expected: object = None, actual: object = None) -> Finding:
    return Finding(rule=rule, severity=severity, message=f"{zh} / {en}", where=where,
                   expected=expected, actual=actual)


def app(record: Record, row: str, col: str) -> Cell:
    return record.applications.get(row, {}).get(col)


def unplaced(record: Record, rule: str, where: str) -> bool:
    """Whether the identity `rule` checks at `where` (shared/schema.py) holds a cell the parser could
    not place (provenance unknown): then the identity says nothing about the report — a blank there is
    not a 0 — and the rule stays silent (INCOMPLETE_TABLE already names the cell)."""
    prov = record.provenance
    if not prov:  # the usual record: every cell read
        return False
    table = where.split(".", 1)[0]
    for ident in identities_of(table, "other.other" in record.applications):
        if ident.id == rule and ident.where == where:
            paths = ident.paths
            break
    else:  # no declared identity (the 2021 `other` row, derived from its sub-rows): the row's cells
        row = where.rsplit(".", 1)[0]
        paths = tuple(p for p in prov if p.startswith(row + "."))
    return any(p in prov and prov[p].source == "unknown" for p in paths)
