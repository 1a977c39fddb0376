"""POST /api/v1/documents (multipart file or raw body) and GET /api/v1/documents/{id}."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from services.ingest.accept import Accepted, EnqueueError, accept_bytes
from services.ingest.auth import ApiKey, require_scope
from services.ingest.deps import get_enqueue, get_status_store, get_storage
from services.ingest.limits import check_type, problem, read_body, too_large
from services.ingest.openapi import responses
from shared.settings import get_settings
from shared.status import DocumentStatus, StatusStore
from shared.storage import Storage

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
ID_PATTERN = r"^[0-9a-f]{64}$"  # a document id is the SHA-256 of its bytes
_MAX_URL = 2048
_FORM_FIELDS = frozenset({"file", "source_url"})
_require_ingest = require_scope("ingest")  # the dependency, made once

# The body is read raw (streamed, capped, sniffed), so its shapes are declared for the docs and the
# contract tests only: a multipart `file`, or the document's bytes as the whole body.
_UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "additionalProperties": False,
        # OpenAPI 3.1's spelling of a binary part. Which formats we read (TXT, HTML, PDF, DOCX) is beyond
        # JSON Schema: a declared type or extension we cannot read (images, archives, .doc …) is a 415.
        "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream", "minLength": 1,
                                "description": "年报文件（TXT、HTML、PDF、DOCX；图片、压缩包等为 415）/ "
                                               "the report file (TXT, HTML, PDF, DOCX; images, archives … are 415)"},
                       "source_url": {"type": "string", "maxLength": _MAX_URL,
                                      "description": "发布地址 / where the report is published"}}}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary", "minLength": 1}},
    "text/plain": {"schema": {"type": "string", "minLength": 1}},
}}}


@router.post("", status_code=202, response_model=Accepted, openapi_extra=_UPLOAD_BODY,
             responses=responses(401, 403, 413, 415, 422, 429, 503),
             summary="提交一份年报 / submit a report (multipart `file`, or the raw bytes as the body)")
async def submit(request: Request,
                 filename: str | None = Query(None, max_length=512, description="文件名 / file name"),
                 source_url: str | None = Query(None, max_length=_MAX_URL, description="发布地址 / where it is published"),
                 storage: Storage = Depends(get_storage),
                 statuses: StatusStore = Depends(get_status_store),
                 send=Depends(get_enqueue),
                 _key: ApiKey | None = Depends(_require_ingest)):
    limit = get_settings().max_upload_bytes
    check_type(filename, request.headers.get("content-type"))
    declared = request.headers.get("content-type", "")
    ctype: str | None = declared
    if declared.startswith("multipart/form-data"):
        body = await read_body(request, limit + 64 * 1024)
        form_req = Request(request.scope, _replay(body))
        try:
            form = await form_req.form(max_files=1, max_fields=10)
        except Exception:  # noqa: BLE001 — whatever the parser trips on, the body is malformed
            raise problem(422, "无法解析 multipart 请求", "malformed multipart body") from None
        unknown = sorted({k for k, _ in form.multi_items()} - _FORM_FIELDS)
        if unknown:  # declared `additionalProperties: false`: a misspelt field is said, not silently dropped
            raise problem(422, f"未知的 multipart 字段 {unknown[0]!r}（只接受 file、source_url）",
                          f"unknown multipart field {unknown[0]!r} (only file, source_url)")
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise problem(422, "缺少文件字段 `file`", "missing multipart field `file`")
        data = await upload.read()
        filename = filename or upload.filename
        ctype = upload.content_type or None
        form_url = form.get("source_url")
        if isinstance(form_url, str) and len(form_url) > _MAX_URL:  # the same limit as the query parameter
            raise problem(422, f"source_url 超过 {_MAX_URL} 个字符", f"source_url longer than {_MAX_URL} characters")
        source_url = source_url or (form_url if isinstance(form_url, str) else None)
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
                      "queue unavailable; the file is stored, please resend later") from None
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


@router.get("/{doc_id}", response_model=DocumentStatus, responses=responses(404, 422, 503),
            summary="处理状态 / processing status")
def get_status(doc_id: str = Path(..., pattern=ID_PATTERN, description="文档编号（SHA-256）/ document id (SHA-256)"),
               statuses: StatusStore = Depends(get_status_store)) -> DocumentStatus:
    st = statuses.get(doc_id)
    if st is None:
        raise problem(404, "未找到该文档", "document not found")
    return st
