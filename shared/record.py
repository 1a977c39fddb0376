"""The report record of ../shared/spec/report-record.md as pydantic models, plus the table keys.

Every stage produces or consumes a `Record`. Table cells are `int | float | None`; `None` means the
document gives no value (empty, `/`, `—`, `无`, `不适用`), never 0. Application rows use the spec's flat
dotted keys ("denied.state_secret").
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PARSER_VERSION = "1.1.0"  # 1.1.0: cells placed only where certain, provenance and quality; 1.0.1: HTML <title>

Cell = int | float | None

# --- applications (三、收到和处理政府信息公开申请情况) -------------------------------------------
APP_COLS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total",
)
APP_ORG_COLS: tuple[str, ...] = APP_COLS[1:6]

APP_ROW_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "三(一)予以公开",
    "partially_granted": "三(二)部分公开",
    "denied.state_secret": "三(三)1 属于国家秘密",
    "denied.prohibited_by_law": "三(三)2 其他法律行政法规禁止公开",
    "denied.security_stability": "三(三)3 危及“三安全一稳定”",
    "denied.third_party_rights": "三(三)4 保护第三方合法权益",
    "denied.internal_affairs": "三(三)5 属于三类内部事务信息",
    "denied.process_information": "三(三)6 属于四类过程性信息",
    "denied.enforcement_files": "三(三)7 属于行政执法案卷",
    "denied.administrative_query": "三(三)8 属于行政查询事项",
    "unable.not_held": "三(四)1 本机关不掌握相关政府信息",
    "unable.needs_creation": "三(四)2 没有现成信息需要另行制作",
    "unable.unclear": "三(四)3 补正后申请内容仍不明确",
    "not_processed.petition": "三(五)1 信访举报投诉类申请",
    "not_processed.duplicate": "三(五)2 重复申请",
    "not_processed.publication": "三(五)3 要求提供公开出版物",
    "not_processed.excessive": "三(五)4 无正当理由大量反复申请",
    "not_processed.confirmation": "三(五)5 要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "三(六)1 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.unpaid_fee": "三(六)2 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "三(六)3 其他",
    "other": "三(六)其他处理",
    "total": "三(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
APP_OTHER_SUBROWS: tuple[str, ...] = ("other.no_correction", "other.unpaid_fee", "other.other")
# Rows present in each template, in table order ("other" in 2021 = sum of its three sub-rows).
APP_ROWS_2019: tuple[str, ...] = tuple(k for k in APP_ROW_LABELS if k not in APP_OTHER_SUBROWS)
APP_ROWS_2021: tuple[str, ...] = tuple(APP_ROW_LABELS)
# The result rows whose sum is 三(七)总计 (APP_TOTAL_SUM): granted … other.
APP_RESULT_ROWS: tuple[str, ...] = tuple(
    k for k in APP_ROWS_2019 if k not in ("new_received", "carried_over", "total", "carried_forward")
)

# --- review_litigation (四、行政复议、行政诉讼) -------------------------------------------------
RL_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
RL_COLS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

# --- active_disclosure (二、主动公开政府信息情况, 第二十条) ----------------------------------------
AD_2021: dict[str, tuple[str, ...]] = {
    "regulations": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "enforcement": ("decisions",),
    "fees": ("amount_wan_yuan",),
}
AD_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_documents": ("new_made", "new_published", "total_published"),
    "licensing": ("previous_items", "change", "decisions"),
    "other_services": ("previous_items", "change", "decisions"),
    "punishment": ("previous_items", "change", "decisions"),
    "enforcement": ("previous_items", "change", "decisions"),
    "fees": ("previous_items", "change"),
    "procurement": ("items", "amount_wan_yuan"),
}
AD_KEYS: dict[str, dict[str, tuple[str, ...]]] = {"2019": AD_2019, "2021": AD_2021}

SECTION_TITLES: dict[int, str] = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}

Level = Literal["province", "city", "county", "township"]
Template = Literal["2019", "2021"]
Severity = Literal["error", "warning", "info"]


class Region(BaseModel):
    province: str | None = None
    city: str | None = None
    county: str | None = None


class Source(BaseModel):
    format: Literal["text", "html", "docx", "pdf"] = "text"
    encoding: str | None = None
    traditional: bool = False
    filename: str | None = None
    source_url: str | None = None


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


CellSource = Literal["read", "inferred", "unknown"]
Grade = Literal["complete", "partial", "unreadable"]


class CellProvenance(BaseModel):
    """Where a cell's value came from, for every cell that was not simply read where it is printed
    (extension, docs/record-extensions.md). `inferred`: the position or the value follows from the
    table's identities (`by`: their ids, shared/schema.py); `unknown`: the document does not fix it
    (the value is null)."""
    source: CellSource
    by: list[str] = Field(default_factory=list)


class Quality(BaseModel):
    """How completely the figures were read (extension, docs/record-extensions.md).
    complete: all three tables found, every cell read (a number or a null marker) or inferred, and the
    body, year and province found; unreadable: no table cell read; partial: anything between (cells
    unknown or blank, a table or a meta field not found). `reasons`: one "中文 / English" line each."""
    grade: Grade = "complete"
    cells_read: int = 0
    cells_inferred: int = 0
    cells_unknown: int = 0
    cells_blank: int = 0
    tables_found: int = 0
    reasons: list[str] = Field(default_factory=list)


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
    quality: Quality | None = None
    # Extension (docs/record-extensions.md): the normalized full text, for search and display.
    text: str | None = None


def cell_paths(record: Record) -> list[tuple[str, Cell]]:
    """Every table cell as (record path, value), e.g. ("applications.total.total", 7)."""
    out: list[tuple[str, Cell]] = []
    for table in ("active_disclosure", "applications", "review_litigation"):
        for row, cols in getattr(record, table).items():
            for col, value in cols.items():
                out.append((f"{table}.{row}.{col}", value))
    return out
