"""GET /api/v1/search: full text, filters, figure ranges, facets, sorting and search_after paging."""
from __future__ import annotations

import base64
import json
from typing import Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, HTTPException, Query

from services.search.deps import get_es
from services.search.query import (FACETS, MAX_PAGE, SearchParams, base_query, facet_aggs, facet_filters,
                                   sort_clause)
from services.search.routers.common import dig, params_dep, query_or_422
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["search"])

# Figures shown with every hit (the result list's "key figures").
KEY_FIGURES = ("applications.new_received.total", "applications.granted.total", "applications.total.total",
               "review_litigation.review.total", "review_litigation.litigation_direct.total")
_SUMMARY_SOURCE = ["id", "meta", "finding_count", "findings.rule", "findings.severity", "superseded",
                   *KEY_FIGURES]
_HIGHLIGHT = {
    "fields": {"meta.title": {"number_of_fragments": 0}, "meta.agency": {"number_of_fragments": 0},
               "sections.text": {"fragment_size": 80, "number_of_fragments": 3},
               "text": {"fragment_size": 80, "number_of_fragments": 2}},
    # encoder html: ES escapes the document text, so <mark> is the only markup in a fragment.
    "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
}


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        v = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:  # noqa: BLE001
        v = None
    if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) or x is None for x in v):
        raise HTTPException(422, "翻页游标无效 / invalid paging cursor")
    return v


@router.get("/search", summary="检索年报 / search reports")
def search(p: SearchParams = Depends(params_dep),
           sort: str | None = Query(None, description="relevance | year | -year | published | -published | "
                                                      "<cell path> | -<cell path> (- = descending)"),
           size: int = Query(20, ge=0, le=MAX_PAGE, description=f"每页条数 / page size, at most {MAX_PAGE}"),
           after: str | None = Query(None, description="上一页返回的 next 游标 / the `next` cursor of the previous page"),
           facets: bool = Query(True, description="返回分面计数 / return facet counts"),
           es: Elasticsearch = Depends(get_es)) -> dict:
    """Hits with highlights, key figures and finding rules; `facets` counts every filter field over the
    same query (each facet ignoring its own selection, so the sidebar can offer alternatives);
    `next` is the cursor for the following page (null on the last page)."""
    chosen = query_or_422(facet_filters, p)
    body: dict[str, Any] = {
        "query": query_or_422(base_query, p),
        "sort": query_or_422(sort_clause, sort),
        "size": size,
        "track_total_hits": True,
        "_source": _SUMMARY_SOURCE,
        "highlight": _HIGHLIGHT,
    }
    if chosen:
        body["post_filter"] = {"bool": {"filter": list(chosen.values())}}
    if facets:
        body["aggs"] = facet_aggs(p)
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
                        "superseded": src.get("superseded", False),
                        "figures": {k: dig(src, k) for k in KEY_FIGURES},
                        "highlight": {k: [_merge_marks(x) for x in v] for k, v in h.get("highlight", {}).items()}})
    out: dict[str, Any] = {"total": res["hits"]["total"]["value"], "results": results,
                           "next": encode_cursor(hits[-1]["sort"]) if hits and len(hits) == size else None}
    if facets:
        aggs = res.get("aggregations", {})
        out["facets"] = {name: [{"value": b["key"], "count": b["doc_count"]} for b in aggs[name]["v"]["buckets"]]
                         for name in FACETS}
    return out


def _merge_marks(fragment: str) -> str:
    # Bigram analysis marks 行政|处|罚 as separate adjacent hits; show them as one marked phrase.
    return fragment.replace("</mark><mark>", "")
