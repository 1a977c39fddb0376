"""GET /api/v1/search: full text, filters, figure ranges, facets, sorting and paging.

One multi-search, two requests that Elasticsearch runs side by side:
- the hits: the query with every filter, the top hits re-ranked (`rescore`), highlights, and each hit's
  `summary` (a stored field: `_source`, which holds the whole record, is never loaded);
- the facets (when asked for): `size` 0, the query without the facet filters, the facet aggregations,
  and the exact total (the facet filters as `post_filter`).
Elasticsearch's shard request cache keeps both until the index changes: facet requests by default, hits
requests because we ask for it (`search_request_cache`; the fetch phase, highlights included, still runs).
Without facets the total is exact up to TOTAL_HITS_CAP ("10000+" beyond: `total_relation` "gte").
"""
from __future__ import annotations

import base64
import json
import logging
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from services.search.deps import get_es
from services.search.errors import R422, R502, R503, SearchUnavailable, invalid
from services.search.models import SearchResponse
from services.search.params import SearchQuery
from services.search.query import (
    SNIPPET_CANDIDATES,
    base_query,
    build_query,
    facet_aggs,
    facet_counts,
    facet_filters,
    highlight_query,
    prose_first,
    rescore,
    sort_clause,
)
from services.search.routers.common import query_or_422
from shared.es_index import SUMMARY_FIGURES
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["search"])
log = logging.getLogger(__name__)

# Figures shown with every hit (the result list's "key figures").
KEY_FIGURES = SUMMARY_FIGURES
TOTAL_HITS_CAP = 10_000   # = index.max_result_window: relevance pages end there too
_HIGHLIGHT: dict[str, Any] = {
    "fields": {"meta.title": {"number_of_fragments": 0}, "meta.agency": {"number_of_fragments": 0},
               # more than are shown: prose_first keeps the prose ones (the tables are in `text` too)
               "text": {"fragment_size": 80, "number_of_fragments": SNIPPET_CANDIDATES}},
    # encoder html: ES escapes the document text, so <mark> is the only markup in a fragment.
    "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
}


BAD_CURSOR = "翻页游标无效 / invalid paging cursor"


def encode_cursor(value: list[Any] | dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def decode_cursor(cursor: str) -> list[Any] | dict[str, int]:
    """A search_after list (explicit sorts), or {"from": n} (relevance with a text query: re-ranked
    hits page by position)."""
    try:
        v = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:  # noqa: BLE001 — any undecodable cursor is simply not a cursor (422 below)
        v = None
    if isinstance(v, dict) and set(v) == {"from"} and isinstance(v["from"], int) \
            and 0 < v["from"] < TOTAL_HITS_CAP:
        return v
    if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) or x is None for x in v):
        raise invalid(BAD_CURSOR, "query", "after", value=cursor)
    return v


@router.get("/search", summary="检索年报 / search reports", response_model=SearchResponse,
            responses={**R422, **R502, **R503})
def search(query: Annotated[SearchQuery, Query()], es: Elasticsearch = Depends(get_es)) -> Any:
    """Hits with highlights, key figures, finding rules and read quality (`{grade, cells_unknown}`, null
    for a report indexed before grading); `facets` counts every filter field over the
    same query (each facet ignoring its own selection, so the sidebar can offer alternatives);
    `next` is the cursor for the following page (null on the last page), valid only with the same query
    and sort (a cursor of another sort is a 422). `total` is exact when facets are returned; otherwise
    exact up to 10,000 (`total_relation` "gte" above)."""
    p = query.search_params()
    sort, size, after, facets = query.sort, query.size, query.after, query.facets
    chosen = query_or_422(facet_filters, p)
    order = query_or_422(sort_clause, sort, loc=("query", "sort"))
    rescored = rescore(p.q) if not sort or sort == "relevance" else None
    cursor = decode_cursor(after) if after else None
    if isinstance(cursor, dict) != bool(rescored) and cursor is not None:
        raise invalid(BAD_CURSOR, "query", "after", value=after)
    index = get_settings().es_alias
    searches: list[dict[str, Any]] = []
    hits_body: dict[str, Any] | None = None
    if size or not facets:
        hits_body = {"query": query_or_422(build_query, p), "size": size,
                     # facets give the exact total; without them, count up to the cap (size 0: all)
                     "track_total_hits": False if facets else (TOTAL_HITS_CAP if size else True),
                     "_source": False, "stored_fields": ["summary"], "docvalue_fields": ["superseded"]}
        if size:
            hits_body["highlight"] = _highlight(p.q)
        if rescored:
            start = cursor["from"] if isinstance(cursor, dict) else 0
            hits_body.update(rescore=rescored, **({"from": start} if start else {}))
            hits_body["size"] = max(0, min(size, TOTAL_HITS_CAP - start))
        else:
            hits_body["sort"] = order
            if cursor is not None:
                hits_body["search_after"] = cursor
        header: dict[str, Any] = {"index": index}
        if get_settings().search_request_cache:
            header["request_cache"] = True  # size > 0 is cached only on request
        searches += [header, hits_body]
    if facets:
        facet_body: dict[str, Any] = {"query": query_or_422(base_query, p), "size": 0, "track_total_hits": True,
                                      "aggs": facet_aggs(p)}
        if chosen:
            facet_body["post_filter"] = {"bool": {"filter": list(chosen.values())}}
        searches += [{"index": index}, facet_body]
    responses = es.msearch(searches=searches)["responses"]
    for r in responses:
        if "error" in r:  # parameters are checked before: an Elasticsearch error is ours, not the user's
            if r.get("status") in (429, 503):  # shards recovering / node overloaded: retryable
                raise SearchUnavailable(json.dumps(r["error"], ensure_ascii=False)[:500])
            log.error("search failed: %s", json.dumps(r["error"], ensure_ascii=False)[:2000])
            return JSONResponse({"detail": "检索失败 / search failed"}, status_code=502)
    res = responses[0] if hits_body is not None else None
    fac = responses[-1] if facets else None
    hits = res["hits"]["hits"] if res else []
    results = []
    for h in hits:
        fields = h.get("fields", {})
        summary = json.loads(fields["summary"][0]) if fields.get("summary") else {}
        results.append({"id": h["_id"], "score": h.get("_score"), "meta": summary.get("meta"),
                        "finding_count": summary.get("finding_count", 0),
                        "finding_rules": summary.get("finding_rules", []),
                        "superseded": (fields.get("superseded") or [False])[0],
                        "quality": summary.get("quality"),
                        "figures": {k: (summary.get("figures") or {}).get(k) for k in KEY_FIGURES},
                        "highlight": _hit_highlight(h.get("highlight", {}))})
    total = (fac or res)["hits"]["total"]  # type: ignore[index]  # one of the two searches always ran
    nxt = None
    if hits and len(hits) == size:
        if rescored:
            start = (cursor["from"] if isinstance(cursor, dict) else 0) + len(hits)
            nxt = encode_cursor({"from": start}) if start < min(TOTAL_HITS_CAP, total["value"]) else None
        else:
            nxt = encode_cursor(hits[-1]["sort"])
    out: dict[str, Any] = {"total": total["value"], "total_relation": total["relation"], "results": results,
                           "next": nxt}
    if fac is not None:
        out["facets"] = facet_counts(fac.get("aggregations", {}))
    # Plain JSON types only: serialized as they are (FastAPI's generic encoder costs more than the search).
    return JSONResponse(out)


def _highlight(q: str | None) -> dict[str, Any]:
    if not q or not q.strip():
        return _HIGHLIGHT
    return {**_HIGHLIGHT, "fields": {f: {**opts, "highlight_query": highlight_query(q, f)}
                                     for f, opts in _HIGHLIGHT["fields"].items()}}


def _hit_highlight(hl: dict[str, list[str]]) -> dict[str, list[str]]:
    out = {k: [_merge_marks(x) for x in v] for k, v in hl.items()}
    if "text" in out:
        out["text"] = prose_first(out["text"])
    return out


def _merge_marks(fragment: str) -> str:
    # Bigram analysis marks 行政|处|罚 as separate adjacent hits; show them as one marked phrase.
    return fragment.replace("</mark><mark>", "")
