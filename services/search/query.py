"""Turning user search parameters into an Elasticsearch query — safely.

Users write plain words: quotes for phrases, `-` to exclude. We hand that to `simple_query_string`
with only the AND/OR/NOT/PHRASE/WHITESPACE/PRECEDENCE features enabled (no regex, fuzzy, wildcard or
field syntax), and never pass raw query strings or scripts. Figure filters name a table cell by its
record path and are checked against the known cell paths.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from shared.record import AD_2019, AD_2021, APP_COLS, APP_ROW_LABELS, RL_COLS, RL_GROUPS
from shared.textnorm import to_simplified

TEXT_FIELDS = ["meta.title^4", "meta.agency^4", "sections.text", "text", "figures.label"]
FACETS: dict[str, str] = {
    "province": "meta.region.province",
    "city": "meta.region.city",
    "county": "meta.region.county",
    "level": "meta.level",
    "year": "meta.year",
    "template": "meta.template",
    "agency_type": "meta.agency_type",
    "rule": "findings.rule",
    "severity": "findings.severity",
}
MAX_PAGE = 100
_FIGURE = re.compile(r"^\s*([a-z_.]+)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$")


class QueryError(ValueError):
    """A parameter the user can fix; becomes a 422 with this message."""


@lru_cache
def cell_paths() -> frozenset[str]:
    paths = {f"applications.{r}.{c}" for r in APP_ROW_LABELS for c in APP_COLS}
    paths |= {f"review_litigation.{g}.{c}" for g in RL_GROUPS for c in RL_COLS}
    for t in (AD_2019, AD_2021):
        paths |= {f"active_disclosure.{r}.{c}" for r, cols in t.items() for c in cols}
    return frozenset(paths)


def parse_figure_filter(expr: str) -> dict[str, Any]:
    m = _FIGURE.match(expr)
    if not m:
        raise QueryError(f"数值筛选格式应为 路径>=数字：{expr!r} / figure filter must look like path>=number")
    path, op, num = m.groups()
    if path not in cell_paths():
        raise QueryError(f"未知的表格单元路径：{path} / unknown table cell path")
    value = float(num) if "." in num else int(num)
    if op == "=":
        return {"term": {path: value}}
    if op == "!=":
        return {"bool": {"must": [{"exists": {"field": path}}], "must_not": [{"term": {path: value}}]}}
    rng = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}[op]
    return {"range": {path: {rng: value}}}


@dataclass
class SearchParams:
    q: str | None = None
    province: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    county: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    year: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    template: list[str] = field(default_factory=list)
    agency_type: list[str] = field(default_factory=list)
    rule: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    figure: list[str] = field(default_factory=list)
    include_superseded: bool = False


def build_query(p: SearchParams) -> dict[str, Any]:
    must: list[dict] = []
    should: list[dict] = []
    if p.q and p.q.strip():
        q = to_simplified(p.q.strip())  # traditional queries find simplified-indexed text
        must.append({"simple_query_string": {
            "query": q, "fields": TEXT_FIELDS, "default_operator": "and",
            "flags": "AND|OR|NOT|PHRASE|WHITESPACE|PRECEDENCE", "analyze_wildcard": False,
            "lenient": True}})
        plain = q.replace('"', " ").strip()
        if plain and not plain.startswith("-"):
            should.append({"multi_match": {"query": plain, "type": "phrase", "boost": 3,
                                           "fields": ["meta.title", "meta.agency", "sections.text"]}})
    filters: list[dict] = []
    for name, values in (("province", p.province), ("city", p.city), ("county", p.county),
                         ("level", p.level), ("year", p.year), ("template", p.template),
                         ("agency_type", p.agency_type), ("rule", p.rule), ("severity", p.severity)):
        if values:
            filters.append({"terms": {FACETS[name]: values}})
    if p.year_from is not None or p.year_to is not None:
        rng = {k: v for k, v in (("gte", p.year_from), ("lte", p.year_to)) if v is not None}
        filters.append({"range": {"meta.year": rng}})
    for expr in p.figure:
        filters.append(parse_figure_filter(expr))
    must_not = [] if p.include_superseded else [{"term": {"superseded": True}}]
    return {"bool": {"must": must or [{"match_all": {}}], "should": should, "filter": filters,
                     "must_not": must_not}}


def facet_aggs(size: int = 50) -> dict[str, Any]:
    aggs = {name: {"terms": {"field": f, "size": size}} for name, f in FACETS.items()}
    aggs["year"]["terms"]["order"] = {"_key": "asc"}
    return aggs


def sort_clause(sort: str | None) -> list[Any]:
    """`relevance` (default), `year`, `-year`, or a cell path with optional leading `-` for descending.
    A unique tiebreaker (id) keeps search_after paging free of duplicates and gaps."""
    tiebreak = {"id": "asc"}
    if not sort or sort == "relevance":
        return [{"_score": "desc"}, {"meta.year": "desc"}, tiebreak]
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "year":
        key = "meta.year"
    elif key == "published":
        key = "meta.published"
    elif key not in cell_paths():
        raise QueryError(f"无法按 {key} 排序 / cannot sort by {key}")
    return [{key: {"order": "desc" if desc else "asc", "missing": "_last"}}, tiebreak]
