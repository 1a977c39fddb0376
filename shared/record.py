"""The report record of ../shared/spec/report-record.md as pydantic models.

Every stage produces or consumes a `Record`. Table cells are `int | float | None`; `None` means the
document gives no value (empty, `/`, `—`, `无`, `不适用`), never 0. Application rows use the spec's flat
dotted keys ("denied.state_secret"). The tables' rows, columns and labels are declared in the catalogue,
shared/schema.py; the key tuples are re-exported here.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.document import OcrSummary

# The table keys and section titles, re-exported: declared once, with their labels, in the catalogue.
from shared.schema import (  # noqa: F401 — re-exported (see above)
    AD_2019,
    AD_2021,
    AD_KEYS,
    APP_COLS,
    APP_ORG_COLS,
    APP_OTHER_SUBROWS,
    APP_RESULT_ROWS,
    APP_ROW_LABELS,
    APP_ROWS_2019,
    APP_ROWS_2021,
    RL_COLS,
    RL_GROUPS,
    SECTION_TITLES,
    TABLES,
    Template,
)

# 1.3.0: scans read by OCR (meta.source.ocr, ocr_confidence, OCR_UNREADABLE); 1.2.0: what is not an annual
# report is refused (not_a_report); 1.1.0: cells placed only where certain,
# provenance and quality; 1.0.1: HTML <title>
PARSER_VERSION = "1.3.0"

Cell = int | float | None

Level = Literal["province", "city", "county", "township"]
Severity = Literal["error", "warning", "info"]


class Region(BaseModel):
    province: str | None = None
    city: str | None = None
    county: str | None = None


class Source(BaseModel):
    format: Literal["text", "html", "docx", "pdf", "image", "doc", "wps", "xls", "xlsx"] = "text"
    encoding: str | None = None
    traditional: bool = False
    filename: str | None = None
    source_url: str | None = None
    ocr: OcrSummary | None = None   # pages read by OCR, engine, confidence (docs/record-extensions.md)


class Meta(BaseModel):
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date
    region: Region = Field(default_factory=Region)
    level: Level | None = None
    agency_type: str | None = None
    template: Template | None = None
    source: Source = Field(default_factory=Source)


class Section(BaseModel):
    no: int
    title: str
    text: str


class Figure(BaseModel):
    label: str
    value: int | float
    unit: str | None = None
    section: int | None = None
    context: str


class Finding(BaseModel):
    rule: str
    severity: Severity
    message: str  # "中文说明 / English"
    where: str | None = None  # record path of the cell, e.g. "applications.total.natural_person"
    expected: int | float | str | list | None = None
    actual: int | float | str | list | None = None


CellSource = Literal["read", "inferred", "unknown", "corrected"]
Grade = Literal["complete", "partial", "unreadable"]


class CellProvenance(BaseModel):
    """Where a cell's value came from, for every cell that was not simply read where it is printed
    (extension, docs/record-extensions.md). `inferred`: the position or the value follows from the
    table's identities (`by`: their ids, shared/schema.py); `unknown`: the document does not fix it
    (the value is null); `corrected`: set by a user's correction (`by`: the correction's id,
    shared/corrections.py)."""
    source: CellSource
    by: list[str] = Field(default_factory=list)


class Quality(BaseModel):
    """How completely the figures were read (extension, docs/record-extensions.md).
    complete: all three tables found, every cell a number read or inferred, and the body, year and
    province found; unreadable: no table cell read; partial: anything between (cells unknown, or blank:
    empty or a null marker such as / — 无; a table or a meta field not found). `reasons`: one "中文 / English" line each."""
    grade: Grade = "complete"
    cells_read: int = 0
    cells_inferred: int = 0
    cells_unknown: int = 0
    cells_blank: int = 0
    tables_found: int = 0
    reasons: list[str] = Field(default_factory=list)


CorrectionValue = int | float | str | None


class CorrectionEvent(BaseModel):
    """One audited change of a report by a user (extension, docs/record-extensions.md, shared/corrections.py):
    `set` a cell or meta field to `new` (it was `old`), or `revert` the set `reverts` names."""
    id: str
    report_id: str
    action: Literal["set", "revert"]
    path: str = Field(description="单元格路径或 meta 字段 / a cell path (shared/schema.py) or meta field (meta.agency)")
    old: CorrectionValue = None
    new: CorrectionValue = None
    reason: str
    by: str = Field(description="密钥名称（编号）/ the key's name (id)")
    key_id: str | None = None
    at: str
    reverts: str | None = None
    reverted_by: str | None = None
    applied: bool | None = Field(None, description="在当前记录中生效 / in effect in the current record "
                                                   "(false: reverted, replaced, or its cell is not in this record)")


class Record(BaseModel):
    id: str
    parser_version: str = PARSER_VERSION
    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=list)
    active_disclosure: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    applications: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    review_litigation: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    figures: list[Figure] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    # Raw text of cells that were not a plain number (null markers, units, signs), keyed by record
    # path ("applications.denied.state_secret.total"), so a reader can see why a value is null.
    raw_cells: dict[str, str] = Field(default_factory=dict)
    # Extensions (docs/record-extensions.md): provenance of each cell that was not read where printed,
    # keyed like raw_cells (absent = read); and the read-quality grade of the whole record.
    provenance: dict[str, CellProvenance] = Field(default_factory=dict)
    # OCR'd tables: the engine's confidence (0–1) for each cell it read, keyed like raw_cells.
    ocr_confidence: dict[str, float] = Field(default_factory=dict)
    quality: Quality | None = None
    # Extension (docs/record-extensions.md): the normalized full text, for search and display.
    text: str | None = None
    # Extension (docs/record-extensions.md): the report's corrections, oldest first (shared/corrections.py).
    corrections: list[CorrectionEvent] = Field(default_factory=list)


def cell_paths(record: Record) -> list[tuple[str, Cell]]:
    """Every table cell as (record path, value), e.g. ("applications.total.total", 7)."""
    out: list[tuple[str, Cell]] = []
    for table in (t.key for t in TABLES):
        for row, cols in getattr(record, table).items():
            for col, value in cols.items():
                out.append((f"{table}.{row}.{col}", value))
    return out
