"""What the search, stats and export endpoints share: the filter parameters and error mapping."""
from __future__ import annotations

from typing import Any, Callable, Literal, TypeVar

from fastapi import HTTPException, Query

from services.search.query import QueryError, SearchParams
from shared.es_index import dig  # noqa: F401 — re-exported: the routers and tests read documents with it

T = TypeVar("T")


def params_dep(
    q: str | None = Query(None, max_length=500,
                          description="检索词：引号表示短语，- 表示排除 / plain words; \"a phrase\"; -excluded"),
    province: list[str] = Query([], description="省 / province (repeatable)"),
    city: list[str] = Query([], description="市 / city (repeatable)"),
    county: list[str] = Query([], description="县区 / county (repeatable)"),
    level: list[str] = Query([], description="层级 / level: province | city | county | township"),
    # Bounded: Elasticsearch's integer field rejects out-of-range numbers with a 400 we must not pass on.
    year: list[int] = Query([], description="年度 / report year (repeatable)"),
    year_from: int | None = Query(None, ge=1900, le=2999, description="起始年度（含） / first year, inclusive"),
    year_to: int | None = Query(None, ge=1900, le=2999, description="截止年度（含） / last year, inclusive"),
    template: list[str] = Query([], description="表格模板 / table template: 2019 | 2021"),
    agency_type: list[str] = Query([], description="机关类型 / agency type"),
    rule: list[str] = Query([], description="发现问题的规则 / finding rule id, e.g. APP_BALANCE"),
    severity: list[str] = Query([], description="问题级别 / finding severity: error | warning | info"),
    # A fixed set: a misspelt grade is a 422, not an empty result that looks like "no such reports".
    quality: list[Literal["complete", "partial", "unreadable"]] = Query(
        [], description="表格读取质量（可重复）：complete 完整 | partial 部分可读 | unreadable 无法读取；"
                        "未评定的旧记录不匹配任何值 / read-quality grade (repeatable); records indexed before "
                        "grading match none"),
    f: list[str] = Query([], description="数值筛选（可重复） / figure filter (repeatable), "
                                         "e.g. applications.new_received.total>=100"),
    include_superseded: bool = Query(False, description="包括已被新版本取代的年报 / include superseded reports"),
) -> SearchParams:
    return SearchParams(q=q, province=province, city=city, county=county, level=level, year=year,
                        year_from=year_from, year_to=year_to, template=template, agency_type=agency_type,
                        rule=rule, severity=severity, quality=list(quality), figure=f, include_superseded=include_superseded)


def query_or_422(fn: Callable[..., T], *a: Any) -> T:
    try:
        return fn(*a)
    except QueryError as e:
        raise HTTPException(422, str(e))
