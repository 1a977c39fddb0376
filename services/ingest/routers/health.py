"""GET /api/v1/health: Redis, Elasticsearch, workers, and the backlog of each stage queue."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.ingest.deps import get_status_store
from shared.celery_app import STAGE_QUEUES
from shared.celery_app import app as celery_app
from shared.clients import es_client

router = APIRouter(prefix="/api/v1", tags=["health"])


class Component(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: bool
    status: str | None = Field(None, description="Elasticsearch: green / yellow / red")
    error: str | None = None


class Health(BaseModel):
    ok: bool = Field(description="全部正常：Redis、Elasticsearch、每个阶段都有 worker / "
                                 "all up: Redis, Elasticsearch, a worker per stage")
    redis: Component
    elasticsearch: Component
    queues: dict[str, int] = Field(description="每个阶段队列的积压（ocr 队列按页计）/ backlog per stage queue "
                                               "(the ocr queue in pages of scans)")
    workers: dict[str, list[str]] = Field(description="队列 → 消费它的 worker / queue → workers consuming it")
    workers_error: str | None = None


@router.get("/health", response_model=Health,
            responses={503: {"model": Health, "description": "有组件不可用（同样的内容）/ a component is down (same body)"}},
            summary="系统健康状况 / health of Redis, Elasticsearch and workers")
def health() -> JSONResponse:
    out: dict = {"redis": {"ok": False}, "elasticsearch": {"ok": False}, "queues": {}, "workers": {}}
    r = get_status_store().r
    try:
        r.ping()
        out["redis"] = {"ok": True}
        out["queues"] = {q: r.llen(q) for q in STAGE_QUEUES}
    except Exception as e:  # noqa: BLE001 — Redis down is reported, not raised
        out["redis"] = {"ok": False, "error": str(e)}
    try:
        h = es_client(request_timeout=3).cluster.health()
        out["elasticsearch"] = {"ok": h["status"] in ("green", "yellow"), "status": h["status"]}
    except Exception as e:  # noqa: BLE001 — Elasticsearch down is reported, not raised
        out["elasticsearch"] = {"ok": False, "error": str(e)}
    try:
        replies = celery_app.control.inspect(timeout=1.0).active_queues() or {}
        for worker, queues in replies.items():
            for q in queues:
                out["workers"].setdefault(q["name"], []).append(worker)
    except Exception as e:  # noqa: BLE001 — a failed broadcast is reported, not raised
        out["workers_error"] = str(e)
    out["ok"] = out["redis"]["ok"] and out["elasticsearch"]["ok"] and all(q in out["workers"] for q in STAGE_QUEUES)
    return JSONResponse(out, status_code=200 if out["ok"] else 503)
