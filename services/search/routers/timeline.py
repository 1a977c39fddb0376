"""GET /api/v1/agencies/{name}/timeline: one body's figures across years, side by side, with changes."""
from __future__ import annotations

from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, HTTPException, Query

from services.search.deps import get_es
from services.search.errors import R404, R422, R502, R503
from services.search.models import Timeline
from services.search.params import TimelineQuery
from services.search.query import cell_label, ordered_cell_paths
from services.search.routers.common import dig
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["agencies"])


@router.get("/agencies/{name}/timeline", summary="同一机关历年数据对比 / one body's figures across years",
            response_model=Timeline, responses={**R404, **R422, **R502, **R503})
def timeline(name: str, params: Annotated[TimelineQuery, Query()], es: Elasticsearch = Depends(get_es)) -> dict:
    """Matches the body by its exact name (`meta.agency`) or its `agency_key`. One column per year (the
    newest version when a year has several and superseded ones are excluded); per figure the values by
    year and the change from the previous stated year (absolute and relative)."""
    paths = list(params.figure) or ordered_cell_paths()
    filters: list[dict] = [{"bool": {"should": [{"term": {"meta.agency.kw": name}}, {"term": {"agency_key": name}}],
                                     "minimum_should_match": 1}},
                           {"exists": {"field": "meta.year"}}]
    must_not = [] if params.include_superseded else [{"term": {"superseded": True}}]
    res = es.search(index=get_settings().es_alias, size=200,
                    query={"bool": {"filter": filters, "must_not": must_not}},
                    sort=[{"meta.year": "asc"}, {"indexed_at": {"order": "desc", "unmapped_type": "date"}}],
                    source=["id", "meta.year", "meta.title", "meta.agency", "finding_count", "superseded",
                            "applications", "review_litigation", "active_disclosure"])  # type: ignore[arg-type]  # a field list; the stub says bool | Mapping
    hits = [h["_source"] for h in res["hits"]["hits"]]
    if not hits:
        raise HTTPException(404, "未找到该机关的年报 / no reports of this body")
    by_year: dict[int, dict] = {}
    for h in hits:  # sorted newest-indexed first within a year: keep the first
        by_year.setdefault(h["meta"]["year"], h)
    years = sorted(by_year)
    figures: list[dict[str, Any]] = []
    for path in paths:
        values = [dig(by_year[y], path) for y in years]
        if all(v is None for v in values):
            continue
        changes: list[Any] = [None]
        ratios: list[Any] = [None]
        prev = values[0]
        for v in values[1:]:
            changes.append(v - prev if v is not None and prev is not None else None)
            ratios.append(round((v - prev) / prev, 4) if v is not None and prev not in (None, 0) else None)
            prev = v if v is not None else prev
        figures.append({"path": path, "label": cell_label(path), "values": values, "change": changes,
                        "change_ratio": ratios})
    return {"agency": hits[0]["meta"].get("agency") or name, "years": years,
            "reports": [{"year": y, "id": by_year[y]["id"], "title": by_year[y]["meta"].get("title"),
                         "finding_count": by_year[y].get("finding_count", 0),
                         "superseded": by_year[y].get("superseded", False)} for y in years],
            "figures": figures}
