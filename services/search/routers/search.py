"""GET /api/v1/search: full text, filters, figure ranges, facets, sorting and search_after paging."""
from __future__ import annotations

import base64
import json
from typing import Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, HTTPException, Query

from services.search.deps import get_es
from services.search.query import (MAX_PAGE, QueryError, SearchParams, build_query, facet_aggs,
                                   sort_clause)
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["search"])

_SUMMARY_SOURCE = ["id", "meta", "finding_count", "findings.rule", "findings.severity",
                   "applications.new_received.total", "applications.granted.total", "applications.total.total",
                   "review_litigation.review.total", "superseded"]


def params_dep(
    q: str | None = Query(None, max_length=500, description="检索词：引号表示短语，- 表示排除 / words; \"phrase\"; -exclude"),
    province: list[str] = Query([]), city: list[str] = Query([]), county: list[str] = Query([]),
    level: list[str] = Query([]), year: list[int] = Query([]),
    year_from: int | None = Query(None), year_to: int | None = Query(None),
    template: list[str] = Query([]), agency_type: list[str] = Query([]),
    rule: list[str] = Query([], description="发现问题的规则 / finding rule id"),
    severity: list[str] = Query([]),
    f: list[str] = Query([], description="数值筛选 / figure filter, e.g. applications.new_received.total>=100"),
    include_superseded: bool = False,
) -> SearchParams:
    return SearchParams(q=q, province=province, city=city, county=county, level=level, year=year,
                        year_from=year_from, year_to=year_to, template=template, agency_type=agency_type,
                        rule=rule, severity=severity, figure=f, include_superseded=include_superseded)


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        v = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        assert isinstance(v, list)
        return v
    except Exception:  # noqa: BLE001
        raise HTTPException(422, "翻页游标无效 / invalid paging cursor")


def query_or_422(fn, *a):
    try:
        return fn(*a)
    except QueryError as e:
        raise HTTPException(422, str(e))


@router.get("/search", summary="检索年报 / search reports")
def search(p: SearchParams = Depends(params_dep),
           sort: str | None = Query(None, description="relevance | year | -year | <cell path> | -<cell path>"),
           size: int = Query(20, ge=0, le=MAX_PAGE),
           after: str | None = Query(None, description="上一页返回的 next 游标 / the `next` cursor of the previous page"),
           facets: bool = True,
           es: Elasticsearch = Depends(get_es)) -> dict:
    body: dict[str, Any] = {
        "query": query_or_422(build_query, p),
        "sort": query_or_422(sort_clause, sort),
        "size": size,
        "track_total_hits": True,
        "_source": _SUMMARY_SOURCE,
        "highlight": {"fields": {"meta.title": {"number_of_fragments": 0}, "meta.agency": {"number_of_fragments": 0},
                                 "sections.text": {"fragment_size": 80, "number_of_fragments": 3},
                                 "text": {"fragment_size": 80, "number_of_fragments": 2}},
                      "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"},
    }
    if facets:
        body["aggs"] = facet_aggs()
    if after:
        body["search_after"] = decode_cursor(after)
    res = es.search(index=get_settings().es_alias, **body)
    hits = res["hits"]["hits"]
    results = []
    for h in hits:
        src = h["_source"]
        results.append({"id": h["_id"], "score": h.get("_score"), "meta": src.get("meta"),
                        "finding_count": src.get("finding_count", 0),
                        "finding_rules": sorted({f["rule"] for f in src.get("findings", [])
                                                 if f.get("severity") in ("error", "warning")}),
                        "figures": {"applications.new_received.total": _dig(src, "applications.new_received.total"),
                                    "applications.granted.total": _dig(src, "applications.granted.total"),
                                    "review_litigation.review.total": _dig(src, "review_litigation.review.total")},
                        "highlight": h.get("highlight", {})})
    out: dict[str, Any] = {"total": res["hits"]["total"]["value"], "results": results,
                           "next": encode_cursor(hits[-1]["sort"]) if hits and len(hits) == size else None}
    if facets:
        out["facets"] = {name: [{"value": b["key"], "count": b["doc_count"]} for b in agg["buckets"]]
                         for name, agg in res.get("aggregations", {}).items()}
    return out


def _dig(src: dict, path: str) -> Any:
    node: Any = src
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
