"""Admin: the dead-letter list and re-queueing."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from services.ingest.accept import EnqueueError, enqueue
from services.ingest.auth import require_scope
from services.ingest.deps import get_status_store
from services.ingest.limits import problem
from services.ingest.openapi import responses
from services.ingest.routers.documents import ID_PATTERN
from shared.status import StatusStore

# Every admin endpoint wants a key with the `admin` scope (see services/ingest/auth.py).
router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[Depends(require_scope("admin"))],
                   responses=responses(401, 403, 429, 503, s403="需要 admin 权限 / admin scope required"))


class Requeued(BaseModel):
    id: str
    status: Literal["queued"]


@router.get("/deadletters", response_model=list[dict[str, Any]],
            summary="死信列表 / documents that failed after their last retry")
def dead_letters(statuses: StatusStore = Depends(get_status_store)) -> list[dict[str, Any]]:
    return statuses.dead_letters()


@router.post("/deadletters/{doc_id}/requeue", status_code=202, response_model=Requeued,
             responses=responses(404, 422), summary="重新排队 / requeue a dead letter")
def requeue(doc_id: str = Path(..., pattern=ID_PATTERN, description="文档编号 / document id"),
            statuses: StatusStore = Depends(get_status_store)) -> Requeued:
    if statuses.get(doc_id) is None:
        raise problem(404, "未找到该文档", "document not found")
    statuses.clear_dead_letter(doc_id)
    statuses.requeue(doc_id)
    try:
        enqueue(doc_id)
    except EnqueueError:  # the broker is down: a clear, retryable answer (the orphan sweep also sends it on)
        raise problem(503, "处理队列暂不可用，请稍后重试", "queue unavailable, please retry shortly",
                      {"Retry-After": "5"}) from None
    return Requeued(id=doc_id, status="queued")
