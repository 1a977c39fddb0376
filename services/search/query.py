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

TEXT_FIELDS = ["meta.title^4", "meta.agency^4", "sections.text", "text"]
# `figures` is a nested field: its labels are searched through a nested query (see _text_clause).
FIGURE_TEXT_FIELDS = ["figures.label^2", "figures.context"]
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
# Fields the stats endpoint can group by (a subset of the facets: the ones that make sense as axes).
GROUPS: dict[str, str] = {k: FACETS[k] for k in ("province", "city", "county", "level", "year", "agency_type",
                                                  "template")}
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


_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def chinese_phrases(q: str) -> str:
    """Make each bare Chinese word a phrase: 行政复议 → "行政复议".

    The `cjk` analyzer indexes unigrams and bigrams; a bare word would become a conjunction of loose
    characters (公安 matching any text with 公 … 安 anywhere). As a phrase it must appear contiguously,
    which is what a reader typing a Chinese word means. Quotes, `-`, `|`, `+` and parentheses keep their
    simple_query_string meaning."""
    out = []
    for tok in _TOKEN.findall(q):
        neg = "-" if tok.startswith("-") and len(tok) > 1 else ""
        body = tok[len(neg):]
        lead = body[:len(body) - len(body.lstrip("("))]
        trail = body[len(body.rstrip(")")):] if not body.startswith('"') else ""
        core = body[len(lead):len(body) - len(trail)] if trail or lead else body
        if core.startswith('"'):
            core = core if core.endswith('"') and len(core) > 1 else core + '"'
        elif _CJK.search(core):
            core = '"' + core + '"'
        out.append(f"{neg}{lead}{core}{trail}")
    return " ".join(out)


def _text_clause(q: str) -> tuple[dict, list[dict]]:
    """The full-text `must` clause and its phrase-boosting `should` clauses."""
    q = to_simplified(q.strip())  # traditional queries find simplified-indexed text
    plain = q.replace('"', " ").strip()
    q = chinese_phrases(q)
    sqs = {"query": q, "default_operator": "and", "flags": "AND|OR|NOT|PHRASE|WHITESPACE|PRECEDENCE",
           "analyze_wildcard": False, "lenient": True}
    main = {"simple_query_string": {**sqs, "fields": TEXT_FIELDS}}
    should: list[dict] = []
    if plain and not plain.startswith("-") and " -" not in plain:
        should.append({"multi_match": {"query": plain, "type": "phrase", "boost": 3,
                                       "fields": ["meta.title", "meta.agency", "sections.text"]}})
    # A report also matches when one of its figures' labels matches — unless the query excludes
    # words: "-x" inside a nested query would match any figure lacking x, i.e. nearly every report.
    if " -" in f" {q}" or "|" in q:
        return main, should
    nested = {"nested": {"path": "figures", "score_mode": "max",
                         "query": {"simple_query_string": {**sqs, "fields": FIGURE_TEXT_FIELDS}}}}
    return {"bool": {"should": [main, nested], "minimum_should_match": 1}}, should


def facet_filters(p: SearchParams) -> dict[str, dict]:
    """One filter clause per facet the user narrowed, keyed by facet name."""
    out: dict[str, dict] = {}
    for name, values in (("province", p.province), ("city", p.city), ("county", p.county),
                         ("level", p.level), ("year", p.year), ("template", p.template),
                         ("agency_type", p.agency_type), ("rule", p.rule), ("severity", p.severity)):
        if values:
            out[name] = {"terms": {FACETS[name]: values}}
    return out


def base_query(p: SearchParams) -> dict[str, Any]:
    """Everything but the facet filters: text, year range, figure filters, superseded."""
    must: list[dict] = []
    should: list[dict] = []
    if p.q and p.q.strip():
        clause, should = _text_clause(p.q)
        must.append(clause)
    if any(not 1900 <= y <= 2999 for y in p.year):
        raise QueryError("年度应在 1900–2999 之间 / year must be between 1900 and 2999")
    filters: list[dict] = []
    if p.year_from is not None or p.year_to is not None:
        rng = {k: v for k, v in (("gte", p.year_from), ("lte", p.year_to)) if v is not None}
        filters.append({"range": {"meta.year": rng}})
    for expr in p.figure:
        filters.append(parse_figure_filter(expr))
    must_not = [] if p.include_superseded else [{"term": {"superseded": True}}]
    return {"bool": {"must": must or [{"match_all": {}}], "should": should, "filter": filters,
                     "must_not": must_not}}


def build_query(p: SearchParams) -> dict[str, Any]:
    """The whole query: base plus every facet filter (used by stats, export and timeline)."""
    q = base_query(p)
    q["bool"]["filter"] = [*q["bool"]["filter"], *facet_filters(p).values()]
    return q


def facet_aggs(p: SearchParams, size: int = 100) -> dict[str, Any]:
    """Facet counts for every filter field. Disjunctive faceting: each facet counts the hits under
    all *other* facet filters, so picking 江苏省 still shows how many reports 浙江省 would add
    (the search sends the facet filters as `post_filter`, which aggregations do not see)."""
    chosen = facet_filters(p)
    aggs: dict[str, Any] = {}
    for name, fld in FACETS.items():
        terms: dict[str, Any] = {"field": fld, "size": size}
        if name == "year":
            terms["order"] = {"_key": "desc"}
        others = [c for n, c in chosen.items() if n != name]
        aggs[name] = {"filter": {"bool": {"filter": others}}, "aggs": {"v": {"terms": terms}}}
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


_AD_LABELS: dict[str, str] = {
    "regulations": "规章", "normative_documents": "行政规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "punishment": "行政处罚", "enforcement": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
_COL_LABELS: dict[str, str] = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构", "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构", "other_org": "其他", "total": "总计",
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数", "decisions": "处理决定数量",
    "amount_wan_yuan": "金额（万元）", "new_made": "本年新制作数量", "new_published": "本年新公开数量",
    "total_published": "对外公开总数量", "previous_items": "上一年项目数量", "change": "本年增/减",
    "items": "采购项目数量",
}
_RL_LABELS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}


def cell_label(path: str) -> str:
    """Chinese label of a table cell path: "applications.granted.total" → "三(一)予以公开 · 总计"."""
    table, rest = path.split(".", 1)
    row, col = rest.rsplit(".", 1)
    if table == "applications":
        r = APP_ROW_LABELS.get(row, row)
    elif table == "review_litigation":
        r = _RL_LABELS.get(row, row)
    else:
        r = _AD_LABELS.get(row, row)
    return f"{r} · {_COL_LABELS.get(col, col)}"


def ordered_cell_paths() -> list[str]:
    """Every known cell path in table order (applications, review/litigation, active disclosure)."""
    out = [f"applications.{r}.{c}" for r in APP_ROW_LABELS for c in APP_COLS]
    out += [f"review_litigation.{g}.{c}" for g in RL_GROUPS for c in RL_COLS]
    seen: set[str] = set()
    for t in (AD_2021, AD_2019):
        for r, cols in t.items():
            for c in cols:
                path = f"active_disclosure.{r}.{c}"
                if path not in seen:
                    seen.add(path)
                    out.append(path)
    return out


def check_cell_path(path: str, what: str = "figure") -> str:
    if path not in cell_paths():
        raise QueryError(f"未知的表格单元路径：{path} / unknown table cell path ({what})")
    return path
