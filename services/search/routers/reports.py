"""GET /api/v1/reports/{id}: the stored record."""
from __future__ import annotations

from elasticsearch import Elasticsearch, NotFoundError
from fastapi import APIRouter, Depends, HTTPException

from services.search.deps import get_es
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["reports"])


@router.get("/reports/{report_id}", summary="一份年报的完整记录 / one report's record")
def get_report(report_id: str, es: Elasticsearch = Depends(get_es)) -> dict:
    try:
        doc = es.get(index=get_settings().es_alias, id=report_id, source=["record", "superseded", "indexed_at"])
    except NotFoundError:
        raise HTTPException(404, "未找到该年报 / report not found")
    src = doc["_source"]
    return {**src["record"], "superseded": src.get("superseded", False), "indexed_at": src.get("indexed_at")}
