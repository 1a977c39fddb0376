"""Admin: the dead-letter list and re-queueing."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from services.ingest.accept import enqueue
from services.ingest.auth import require_scope
from services.ingest.deps import get_status_store
from shared.status import StatusStore

# Every admin endpoint wants a key with the `admin` scope (see services/ingest/auth.py).
router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[Depends(require_scope("admin"))],
                   responses={401: {"description": "需要 API 密钥 / API key required"},
                              403: {"description": "需要 admin 权限 / admin scope required"}})


@router.get("/deadletters", summary="死信列表 / documents that failed after their last retry")
def dead_letters(statuses: StatusStore = Depends(get_status_store)) -> list[dict]:
    return statuses.dead_letters()


@router.post("/deadletters/{doc_id}/requeue", status_code=202, summary="重新排队 / requeue a dead letter")
def requeue(doc_id: str, statuses: StatusStore = Depends(get_status_store)) -> dict:
    if statuses.get(doc_id) is None:
        raise HTTPException(404, "未找到该文档 / document not found")
    statuses.clear_dead_letter(doc_id)
    statuses.requeue(doc_id)
    enqueue(doc_id)
    return {"id": doc_id, "status": "queued"}
