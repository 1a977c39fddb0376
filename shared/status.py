"""Per-document status in Redis (append-only persistence): what a user looks up at GET /documents/{id}."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Literal

import redis
from pydantic import BaseModel, Field

from shared.settings import get_settings

Status = Literal["queued", "normalized", "parsed", "validated", "indexed", "failed"]
STATUS_ORDER: tuple[str, ...] = ("queued", "normalized", "parsed", "validated", "indexed")

_KEY = "nianbao:doc:"
_ALL = "nianbao:docs"            # sorted set id → received time, for listing and reprocessing
DEAD_LETTER = "nianbao:deadletter"


class DocumentError(BaseModel):
    code: str
    message: str
    stage: str | None = None


class DocumentStatus(BaseModel):
    id: str
    status: Status
    filename: str | None = None
    content_type: str | None = None
    source_url: str | None = None
    size: int | None = None
    received_at: str
    stages: dict[str, str] = Field(default_factory=dict)  # status → ISO time it was reached
    error: DocumentError | None = None
    attempts: int = 0


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class StatusStore:
    def __init__(self, client: redis.Redis | None = None) -> None:
        self.r = client or redis.Redis.from_url(get_settings().redis_url, decode_responses=True)

    def get(self, doc_id: str) -> DocumentStatus | None:
        raw = self.r.get(_KEY + doc_id)
        return DocumentStatus.model_validate_json(raw) if raw else None

    def create(self, doc_id: str, *, filename: str | None, content_type: str | None,
               source_url: str | None, size: int) -> tuple[DocumentStatus, bool]:
        """Register a document as queued. Returns (status, created); an existing one is left as is."""
        ts = now_iso()
        st = DocumentStatus(id=doc_id, status="queued", filename=filename, content_type=content_type,
                            source_url=source_url, size=size, received_at=ts, stages={"queued": ts})
        created = bool(self.r.set(_KEY + doc_id, st.model_dump_json(), nx=True))
        if created:
            self.r.zadd(_ALL, {doc_id: time.time()})
            return st, True
        return self.get(doc_id), False  # type: ignore[return-value]

    def _update(self, doc_id: str, fn) -> DocumentStatus | None:
        # Optimistic transaction: concurrent stages of redelivered tasks must not lose each other's writes.
        with self.r.pipeline() as p:
            while True:
                try:
                    p.watch(_KEY + doc_id)
                    raw = p.get(_KEY + doc_id)
                    if not raw:
                        p.unwatch()
                        return None
                    st = DocumentStatus.model_validate_json(raw)
                    fn(st)
                    p.multi()
                    p.set(_KEY + doc_id, st.model_dump_json())
                    p.execute()
                    return st
                except redis.WatchError:
                    continue

    def advance(self, doc_id: str, status: Status) -> DocumentStatus | None:
        def fn(st: DocumentStatus) -> None:
            st.stages[status] = now_iso()
            # A redelivered earlier stage must not move a document backwards.
            if st.status == "failed" or STATUS_ORDER.index(status) >= STATUS_ORDER.index(
                    st.status if st.status in STATUS_ORDER else "queued"):
                st.status = status
                st.error = None
        return self._update(doc_id, fn)

    def fail(self, doc_id: str, code: str, message: str, stage: str | None) -> DocumentStatus | None:
        def fn(st: DocumentStatus) -> None:
            st.status = "failed"
            st.stages["failed"] = now_iso()
            st.error = DocumentError(code=code, message=message, stage=stage)
        return self._update(doc_id, fn)

    def requeue(self, doc_id: str) -> DocumentStatus | None:
        def fn(st: DocumentStatus) -> None:
            st.status = "queued"
            st.error = None
            st.attempts += 1
            st.stages = {"queued": now_iso()}
        return self._update(doc_id, fn)

    def ids(self, start: int = 0, stop: int = -1) -> list[str]:
        return self.r.zrange(_ALL, start, stop)

    def count(self) -> int:
        return self.r.zcard(_ALL)

    # --- dead letters: tasks that failed after their last retry ------------------------------
    def dead_letter(self, doc_id: str, stage: str, reason: str) -> None:
        self.r.rpush(DEAD_LETTER, json.dumps({"id": doc_id, "stage": stage, "reason": reason,
                                              "at": now_iso()}, ensure_ascii=False))

    def dead_letters(self) -> list[dict]:
        return [json.loads(x) for x in self.r.lrange(DEAD_LETTER, 0, -1)]

    def clear_dead_letter(self, doc_id: str) -> int:
        n = 0
        for raw in self.r.lrange(DEAD_LETTER, 0, -1):
            if json.loads(raw)["id"] == doc_id:
                n += self.r.lrem(DEAD_LETTER, 0, raw)
        return n
