"""GET /api/v1/health: Redis, Elasticsearch, workers, and the backlog of each stage queue."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.ingest.deps import get_status_store
from shared.celery_app import STAGE_QUEUES
from shared.celery_app import app as celery_app
from shared.es_index import client

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health", summary="系统健康状况 / health of Redis, Elasticsearch and workers")
def health():
    out: dict = {"redis": {"ok": False}, "elasticsearch": {"ok": False}, "queues": {}, "workers": {}}
    r = get_status_store().r
    try:
        r.ping()
        out["redis"] = {"ok": True}
        out["queues"] = {q: r.llen(q) for q in STAGE_QUEUES}
    except Exception as e:  # noqa: BLE001
        out["redis"] = {"ok": False, "error": str(e)}
    try:
        h = client(request_timeout=3).cluster.health()
        out["elasticsearch"] = {"ok": h["status"] in ("green", "yellow"), "status": h["status"]}
    except Exception as e:  # noqa: BLE001
        out["elasticsearch"] = {"ok": False, "error": str(e)}
    try:
        replies = celery_app.control.inspect(timeout=1.0).active_queues() or {}
        for worker, queues in replies.items():
            for q in queues:
                out["workers"].setdefault(q["name"], []).append(worker)
    except Exception as e:  # noqa: BLE001
        out["workers_error"] = str(e)
    out["ok"] = out["redis"]["ok"] and out["elasticsearch"]["ok"] and all(q in out["workers"] for q in STAGE_QUEUES)
    return JSONResponse(out, status_code=200 if out["ok"] else 503)
