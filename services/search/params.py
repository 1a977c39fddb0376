"""The search API's query parameters as pydantic models (FastAPI query parameter models:
`Annotated[SearchQuery, Query()]`). Every limit the API enforces is in the schema — year range, page
size, the figure-filter grammar with the known cell paths, the enumerations — so OpenAPI tells a client
exactly which requests are accepted; the few rules that tie two parameters together (a cursor to its
sort, a statistic to its figure) are stated in the operations' descriptions."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from services.search.query import GROUPS, MAX_PAGE, SearchParams, cell_paths
from shared.record import Grade, Level, Severity, Template

YEAR_MIN, YEAR_MAX = 1900, 2999  # Elasticsearch's integer field would refuse far-off numbers with a 400
NUMBER = r"-?[0-9]{1,12}(?:\.[0-9]{1,6})?"
OPERATORS = (">=", "<=", "!=", ">", "<", "=")
_PATHS = sorted(cell_paths())
_PATH_ALTERNATION = "(?:" + "|".join(re.escape(p) for p in sorted(_PATHS, key=len, reverse=True)) + ")"
# A figure filter: a known cell path, an operator, a number; spaces allowed around the operator.
FIGURE_PATTERN = rf"^ *{_PATH_ALTERNATION} *(?:>=|<=|!=|>|<|=) *{NUMBER} *$"
_FIGURE = re.compile(FIGURE_PATTERN)
SORTS = ["relevance", "year", "-year", "published", "-published", *_PATHS, *(f"-{p}" for p in _PATHS)]
_SORTS = frozenset(SORTS)
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+={0,2}$"  # urlsafe base64


def _bad(msg: str) -> PydanticCustomError:
    """A 422 entry whose `msg` is exactly ours (pydantic would prefix a ValueError with "Value error, ")."""
    return PydanticCustomError("value_error", msg)


def _figure_filter(v: str) -> str:
    if not _FIGURE.match(v):
        raise _bad(f"数值筛选应为 已知单元路径、比较符、数字，如 applications.new_received.total>=100：{v!r} / "
                         "a figure filter is a known cell path, an operator and a number")
    return v


def _cell_path(v: str) -> str:
    if v not in cell_paths():
        raise _bad(f"未知的表格单元路径：{v} / unknown table cell path (GET /api/v1/schema lists them)")
    return v


def _sort(v: str) -> str:
    if v not in _SORTS:
        raise _bad(f"无法按 {v} 排序 / cannot sort by {v}")
    return v


# Validated by our own functions (bilingual messages) while the schema carries the same rule: an enum
# of ~450 values or a pattern a client can check before it asks.
FigureFilter = Annotated[str, AfterValidator(_figure_filter),
                         WithJsonSchema({"type": "string", "pattern": FIGURE_PATTERN,
                                         "examples": ["applications.new_received.total>=100"]})]
CellPath = Annotated[str, AfterValidator(_cell_path),
                     WithJsonSchema({"type": "string", "enum": _PATHS})]
SortKey = Annotated[str, AfterValidator(_sort), WithJsonSchema({"type": "string", "enum": SORTS})]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
GroupName = Literal[tuple(GROUPS)]  # type: ignore[valid-type]  # the stats groups, declared in shared/schema.py


class Filters(BaseModel):
    """What selects reports: the same for /search, /stats and /export."""
    # Unknown parameters are ignored (the UI passes its page state along), as before.
    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(None, max_length=500,
                          description="检索词：引号表示短语，- 表示排除 / plain words; \"a phrase\"; -excluded")
    province: list[str] = Field([], description="省 / province (repeatable)")
    city: list[str] = Field([], description="市 / city (repeatable)")
    county: list[str] = Field([], description="县区 / county (repeatable)")
    level: list[Level] = Field([], description="层级 / level (repeatable)")
    year: list[Year] = Field([], description="年度 / report year (repeatable)")
    year_from: Year | None = Field(None, description="起始年度（含） / first year, inclusive")
    year_to: Year | None = Field(None, description="截止年度（含） / last year, inclusive")
    template: list[Template] = Field([], description="表格模板 / table template (repeatable)")
    agency_type: list[str] = Field([], description="机关类型 / agency type (repeatable)")
    rule: list[str] = Field([], description="发现问题的规则 / finding rule id, e.g. APP_BALANCE (repeatable)")
    severity: list[Severity] = Field([], description="问题级别 / finding severity (repeatable)")
    # A fixed set: a misspelt grade is a 422, not an empty result that looks like "no such reports".
    quality: list[Grade] = Field(
        [], description="表格读取质量（可重复）：complete 完整 | partial 部分可读 | unreadable 无法读取；"
                        "未评定的旧记录不匹配任何值 / read-quality grade (repeatable); records indexed before "
                        "grading match none")
    f: list[FigureFilter] = Field([], description="数值筛选（可重复）：单元路径 比较符 数字 / figure filter "
                                                  "(repeatable), e.g. applications.new_received.total>=100")
    include_superseded: bool = Field(False, description="包括已被新版本取代的年报 / include superseded reports")

    def search_params(self) -> SearchParams:
        return SearchParams(q=self.q, province=self.province, city=self.city, county=self.county,
                            level=list(self.level), year=self.year, year_from=self.year_from,
                            year_to=self.year_to, template=list(self.template), agency_type=self.agency_type,
                            rule=self.rule, severity=list(self.severity), quality=list(self.quality),
                            figure=self.f, include_superseded=self.include_superseded)


class SearchQuery(Filters):
    sort: SortKey | None = Field(None, description="relevance | year | -year | published | -published | "
                                                   "<cell path> | -<cell path> (- = descending)")
    size: int = Field(20, ge=0, le=MAX_PAGE, description=f"每页条数 / page size, at most {MAX_PAGE}")
    after: str | None = Field(None, max_length=4096, pattern=CURSOR_PATTERN,
                              description="上一页返回的 next 游标，须与同一检索与排序一起使用 / the `next` cursor "
                                          "of the previous page, valid only with the same query and sort")
    facets: bool = Field(True, description="返回分面计数 / return facet counts")


class StatsQuery(Filters):
    metric: Literal["sum", "avg", "count"] | None = Field(
        None, description="sum | avg | count；默认：有 figure 时 sum，否则 count；sum 与 avg 需要 figure / "
                          "default: sum with a figure, else count; sum and avg need a figure")
    figure: CellPath | None = Field(None, description="表格单元路径 / cell path, e.g. applications.granted.total; "
                                                      "without it, count counts reports")
    per: CellPath | None = Field(None, description="分母单元路径（需要 figure，metric 为 sum）：结果为 "
                                                   "sum(figure)/sum(per) / denominator cell path (needs a figure "
                                                   "and metric sum): the value becomes sum(figure)/sum(per)")
    group: list[GroupName] = Field(["province"], min_length=1, max_length=2,  # type: ignore[valid-type]  # the Literal built at run time (above)
                                   json_schema_extra={"uniqueItems": True},
                                   description="分组字段（一或两个，不重复） / one or two different of: "
                                               + ", ".join(GROUPS))

    @field_validator("group")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise _bad("group 须为两个不同的字段 / the two groups must differ")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> StatsQuery:
        # Rules between parameters, which a schema of independent query parameters cannot state.
        if self.figure is None and (self.metric in ("sum", "avg") or self.per is not None):
            raise _bad("sum/avg/per 需要 figure / sum, avg and per need a figure")
        if self.per is not None and self.metric not in (None, "sum"):
            raise _bad("比例只支持 metric=sum / a ratio needs metric=sum")
        return self

    @property
    def resolved_metric(self) -> Literal["sum", "avg", "count"]:
        return self.metric or ("sum" if self.figure is not None else "count")


class TimelineQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    figure: list[CellPath] = Field([], description="只返回这些单元路径（可重复） / only these cell paths; "
                                                   "default: every cell stated in any year")
    include_superseded: bool = Field(False, description="包括已被新版本取代的年报 / include superseded reports")
