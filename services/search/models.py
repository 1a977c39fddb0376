"""The search API's answers as pydantic models (`response_model=`), so OpenAPI shows what each route
returns. They describe the JSON the routes have always answered, field for field; where a route
builds a large answer itself (/search) the model documents it and the route sends its JSON as is."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.record import Cell, Grade, Meta

Number = int | float


class HitQuality(BaseModel):
    grade: Grade
    cells_unknown: int


class SearchHit(BaseModel):
    id: str
    score: float | None = Field(description="相关度；按其他字段排序时为 null / relevance; null when sorted otherwise")
    meta: Meta | None
    finding_count: int
    finding_rules: list[str] = Field(description="错误与警告的规则 / rules of the errors and warnings")
    superseded: bool
    quality: HitQuality | None = Field(description="读取质量；评定之前索引的年报为 null / read quality; "
                                                   "null for a report indexed before grading")
    figures: dict[str, Cell] = Field(description="关键数据（单元路径 → 值） / key figures by cell path")
    highlight: dict[str, list[str]] = Field(
        description="高亮片段，仅含 <mark> 标记，其余文字已 HTML 转义 / highlighted fragments: HTML-escaped text "
                    "whose only markup is <mark>")


class FacetValue(BaseModel):
    value: str | int
    count: int


class SearchResponse(BaseModel):
    total: int
    total_relation: Literal["eq", "gte"]
    results: list[SearchHit]
    next: str | None = Field(description="下一页的游标；最后一页为 null / cursor of the next page; null on the last")
    facets: dict[str, list[FacetValue]] | None = Field(
        None, description="分面计数（facets=false 时没有此字段） / facet counts (absent with facets=false)")


class ReportRecord(BaseModel):
    """The stored record (shared/record.py, docs/record-extensions.md) plus where it stands in the index."""
    model_config = ConfigDict(extra="allow")

    id: str
    parser_version: str | None = None
    meta: dict[str, Any] = Field(description="标题、机关、年度、地区、模板、来源 / title, body, year, region, template, source")
    sections: list[dict[str, Any]] = []
    active_disclosure: dict[str, dict[str, Cell]] = {}
    applications: dict[str, dict[str, Cell]] = {}
    review_litigation: dict[str, dict[str, Cell]] = {}
    figures: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    raw_cells: dict[str, str] = {}
    provenance: dict[str, dict[str, Any]] = {}
    quality: dict[str, Any] | None = None
    text: str | None = None
    superseded: bool = Field(description="已被同一机关同一年度的新版本取代 / "
                                         "replaced by a newer version of the same body and year")
    indexed_at: str | None
    agency_key: str | None


class StatsRow(BaseModel):
    """One group (its key under the group's name, e.g. `"province": "江苏省"`) or `overall`."""
    model_config = ConfigDict(extra="allow")

    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None
    year: int | None = None
    agency_type: str | None = None
    template: str | None = None
    value: Number | None
    reports: int
    incomplete: int = Field(description="读取质量为部分可读或无法读取的年报数 / reports whose figures are incomplete")
    ungraded: int = Field(description="评定之前索引的年报数 / reports indexed before grading")
    figure_sum: Number | None = None
    figure_count: int | None = None
    per_sum: Number | None = None


class StatsResponse(BaseModel):
    metric: Literal["sum", "avg", "count"]
    figure: str | None
    per: str | None
    group: list[str]
    figure_label: str
    per_label: str | None
    rows: list[StatsRow]
    overall: StatsRow


class TimelineReport(BaseModel):
    year: int
    id: str
    title: str | None
    finding_count: int
    superseded: bool


class TimelineFigure(BaseModel):
    path: str
    label: str
    values: list[Cell] = Field(description="按年度 / one per year")
    change: list[Number | None] = Field(description="与上一个有数的年度之差 / change from the previous stated year")
    change_ratio: list[float | None] = Field(description="相对变化 / relative change")


class Timeline(BaseModel):
    agency: str
    years: list[int]
    reports: list[TimelineReport]
    figures: list[TimelineFigure]
