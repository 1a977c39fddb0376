"""POST /api/v1/documents (multipart file or raw body) and GET /api/v1/documents/{id}."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from services.ingest.accept import Accepted, EnqueueError, accept_bytes
from services.ingest.auth import ApiKey, require_scope
from services.ingest.limits import check_type, problem, read_body, too_large
from services.ingest.deps import get_enqueue, get_status_store, get_storage
from shared.settings import get_settings
from shared.status import DocumentStatus, StatusStore
from shared.storage import Storage

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
_ID = re.compile(r"^[0-9a-f]{64}$")


@router.post("", status_code=202, response_model=Accepted,
             summary="提交一份年报 / submit a report (multipart `file`, or the raw bytes as the body)")
async def submit(request: Request,
                 filename: str | None = Query(None, max_length=512),
                 source_url: str | None = Query(None, max_length=2048),
                 storage: Storage = Depends(get_storage),
                 statuses: StatusStore = Depends(get_status_store),
                 send=Depends(get_enqueue),
                 _key: ApiKey | None = Depends(require_scope("ingest"))):
    limit = get_settings().max_upload_bytes
    check_type(filename, request.headers.get("content-type"))
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        body = await read_body(request, limit + 64 * 1024)
        form_req = Request(request.scope, _replay(body))
        try:
            form = await form_req.form(max_files=1, max_fields=10)
        except Exception:  # noqa: BLE001
            raise problem(422, "无法解析 multipart 请求", "malformed multipart body")
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise problem(422, "缺少文件字段 `file`", "missing multipart field `file`")
        data = await upload.read()
        filename = filename or upload.filename
        ctype = upload.content_type or None
        source_url = source_url or (form.get("source_url") if isinstance(form.get("source_url"), str) else None)
    else:
        data = await read_body(request, limit)
        ctype = ctype or None
    check_type(filename, ctype)
    if not data:
        raise problem(422, "文档为空", "empty document")
    if len(data) > limit:
        raise too_large(limit)
    try:
        # In the thread pool: the fsync and the Redis calls block, and would hold up every other
        # upload on this event loop while they wait.
        acc = await run_in_threadpool(accept_bytes, data, filename=filename, content_type=ctype,
                                      source_url=source_url, storage=storage, statuses=statuses, send=send)
    except EnqueueError:
        raise problem(503, "处理队列暂不可用，文件已保存，请稍后重新提交",
                      "queue unavailable; the file is stored, please resend later")
    return JSONResponse(acc.model_dump(), status_code=202)


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}
    return receive


@router.get("/{doc_id}", response_model=DocumentStatus, summary="处理状态 / processing status")
def get_status(doc_id: str, statuses: StatusStore = Depends(get_status_store)) -> DocumentStatus:
    if not _ID.match(doc_id):
        raise problem(404, "文档编号格式不正确", "not a document id")
    st = statuses.get(doc_id)
    if st is None:
        raise problem(404, "未找到该文档", "document not found")
    return st
