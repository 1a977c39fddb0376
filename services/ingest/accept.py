"""Accepting a document: store the bytes durably, register its status, enqueue its id.

Shared by the upload endpoint, webhooks and `nianbao reprocess`, so every way in behaves the same.
"""
from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from shared.messages import send_next
from shared.status import DocumentStatus, StatusStore
from shared.storage import Storage


class Accepted(BaseModel):
    id: str
    status: str
    status_url: str
    duplicate: bool


class EnqueueError(Exception):
    pass


def enqueue(doc_id: str) -> None:
    try:
        send_next("normalize", [doc_id])
    except Exception as e:  # broker down: the caller answers 503, the bytes stay stored
        raise EnqueueError(str(e)) from e


def accept_bytes(data: bytes, *, filename: str | None, content_type: str | None, source_url: str | None,
                 storage: Storage, statuses: StatusStore,
                 send: Callable[[str], None] = enqueue) -> Accepted:
    doc_id = storage.put_raw(data)  # fsynced before we answer: an accepted document is a kept document
    st, created = statuses.create(doc_id, filename=filename, content_type=content_type,
                                  source_url=source_url, size=len(data))
    fresh = created
    if not created and st.status == "failed" and (st.error and st.error.code in ("enqueue", "internal")):
        statuses.requeue(doc_id)  # a retry of something that failed for our reasons, not the document's
        created = True
    if created:
        try:
            send(doc_id)
        except EnqueueError:
            statuses.fail(doc_id, "enqueue", "暂时无法加入处理队列，请稍后重新提交 / could not enqueue, please resend later",
                          "ingest")
            raise
    if not fresh:
        st = statuses.get(doc_id) or st  # a re-sent document: tell where it is now
    return Accepted(id=doc_id, status=st.status, status_url=f"/api/v1/documents/{doc_id}", duplicate=not created)


def status_of(doc_id: str, statuses: StatusStore) -> DocumentStatus | None:
    return statuses.get(doc_id)
