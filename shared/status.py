"""Per-document status in Redis (append-only persistence): what a user looks up at GET /documents/{id}."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Literal, cast

import redis
from pydantic import BaseModel, Field, field_validator

from shared.settings import get_settings

Status = Literal["queued", "normalized", "parsed", "validated", "indexed", "failed"]
STATUS_ORDER: tuple[str, ...] = ("queued", "normalized", "parsed", "validated", "indexed")

_RANK = {s: i for i, s in enumerate((*STATUS_ORDER, "failed"))}
_KEY = "nianbao:doc:"
_ALL = "nianbao:docs"            # sorted set id → received time, for listing and reprocessing
DEAD_LETTER = "nianbao:deadletter"


class DocumentError(BaseModel):
    code: str
    message: str
    stage: str | None = None


class StageProgress(BaseModel):
    """How far a long step inside a status has come — OCR of a scan's pages, page by page, while the
    document is still `queued` (services/parse/tasks.py)."""
    stage: str = Field(description="正在进行的步骤 / the step under way, e.g. ocr")
    done: int = Field(description="已完成 / units done (pages)")
    total: int = Field(description="总数 / units in all")
    note: str = Field(description="进度说明 / progress, e.g. 「OCR 3/8 页 / pages」")
    at: str = Field(description="最近一步的时间 / time of the latest step (ISO)")


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
    progress: StageProgress | None = None

    @field_validator("stages")
    @classmethod
    def _in_time_order(cls, v: dict[str, str]) -> dict[str, str]:
        # Redis' Lua JSON (the advance script) does not keep key order; readers get the stages in the
        # order they were reached.
        return dict(sorted(v.items(), key=lambda kv: (kv[1], _RANK.get(kv[0], 9))))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# A stage finishing is the commonest write (four per document): one round trip, atomic inside Redis,
# instead of WATCH/GET/MULTI/SET/EXEC and a pydantic round trip in Python. Same rule as `_update`
# would apply: the stage's time is recorded; the status moves forward only (a redelivered earlier
# stage must not move a document backwards), or out of `failed` when the stage now succeeded.
_ADVANCE_LUA = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local st = cjson.decode(raw)
local order = {queued = 1, normalized = 2, parsed = 3, validated = 4, indexed = 5}
st.stages[ARGV[1]] = ARGV[2]
if st.status == 'failed' or order[ARGV[1]] >= (order[st.status] or 1) then
  st.status = ARGV[1]
  st.error = cjson.null
end
redis.call('SET', KEYS[1], cjson.encode(st))
return 1
"""


# Progress of a step inside `queued` (OCR pages): written only while the document is still queued, and never
# back to fewer units done of the same plan — OCR workers finishing pages concurrently may report out of order.
_PROGRESS_LUA = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local st = cjson.decode(raw)
if st.status ~= 'queued' then return 0 end
local done, total = tonumber(ARGV[2]), tonumber(ARGV[3])
local p = st.progress
if type(p) == 'table' and p.stage == ARGV[1] and tonumber(p.total) == total and tonumber(p.done) > done then
  return 0
end
st.progress = {stage = ARGV[1], done = done, total = total, note = ARGV[4], at = ARGV[5]}
redis.call('SET', KEYS[1], cjson.encode(st))
return 1
"""


class StatusStore:
    def __init__(self, client: redis.Redis | None = None) -> None:
        self.r = client or redis.Redis.from_url(get_settings().redis_url, decode_responses=True)
        self._advance = self.r.register_script(_ADVANCE_LUA)
        self._progress = self.r.register_script(_PROGRESS_LUA)

    def get(self, doc_id: str) -> DocumentStatus | None:
        raw = self.r.get(_KEY + doc_id)
        return DocumentStatus.model_validate_json(raw) if raw else None

    def get_many(self, doc_ids: list[str]) -> dict[str, DocumentStatus]:
        """The statuses of many documents in one round trip (unknown ids are left out)."""
        if not doc_ids:
            return {}
        raws = self.r.mget([_KEY + d for d in doc_ids])
        return {d: DocumentStatus.model_validate_json(raw) for d, raw in zip(doc_ids, raws, strict=True) if raw}

    def create(self, doc_id: str, *, filename: str | None, content_type: str | None,
               source_url: str | None, size: int) -> tuple[DocumentStatus, bool]:
        """Register a document as queued. Returns (status, created); an existing one is left as is."""
        ts = now_iso()
        st = DocumentStatus(id=doc_id, status="queued", filename=filename, content_type=content_type,
                            source_url=source_url, size=size, received_at=ts, stages={"queued": ts})
        # One round trip: SET NX decides; ZADD NX keeps the first received time of a re-sent document.
        with self.r.pipeline() as p:
            p.set(_KEY + doc_id, st.model_dump_json(), nx=True)
            p.zadd(_ALL, {doc_id: time.time()}, nx=True)
            created = bool(p.execute()[0])
        if created:
            return st, True
        return self.get(doc_id), False  # type: ignore[return-value]  # not created: it exists (SET NX refused)

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

    def advance(self, doc_id: str, status: Status) -> bool:
        """Record that `doc_id` reached `status` (see _ADVANCE_LUA). False if the document is unknown."""
        if status not in STATUS_ORDER:
            raise ValueError(f"not a stage status: {status!r}")
        return bool(self._advance(keys=[_KEY + doc_id], args=[status, now_iso()]))

    def advance_many(self, done: list[tuple[str, Status]]) -> None:
        """`advance` for a batch of documents in one round trip (a pipeline of the same script)."""
        for _, status in done:
            if status not in STATUS_ORDER:
                raise ValueError(f"not a stage status: {status!r}")
        with self.r.pipeline(transaction=False) as p:
            ts = now_iso()
            for doc_id, status in done:
                self._advance(keys=[_KEY + doc_id], args=[status, ts], client=p)
            p.execute()

    def progress(self, doc_id: str, stage: str, done: int, total: int, note: str) -> bool:
        """Record how far `stage` has come for a queued document (see _PROGRESS_LUA); False if not written."""
        return bool(self._progress(keys=[_KEY + doc_id], args=[stage, done, total, note, now_iso()]))

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
            st.progress = None
        return self._update(doc_id, fn)

    def ids(self, start: int = 0, stop: int = -1) -> list[str]:
        return cast("list[str]", self.r.zrange(_ALL, start, stop))  # decode_responses: str

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
        for raw in cast("list[str]", self.r.lrange(DEAD_LETTER, 0, -1)):
            if json.loads(raw)["id"] == doc_id:
                n += self.r.lrem(DEAD_LETTER, 0, raw)
        return n
