"""POST /api/v1/webhooks/{source}: a signed delivery (Standard Webhooks) carrying one document."""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.ingest.accept import EnqueueError, accept_bytes
from services.ingest.deps import get_status_store, get_storage
from services.ingest.fetch import FetchError, fetch
from services.ingest.limits import check_rate, check_type, problem, read_body, too_large
from services.ingest.openapi import responses
from services.ingest.webhooks.idempotency import Seen
from services.ingest.webhooks.payload import Delivery, DocumentPayload, WebhookAccepted
from services.ingest.webhooks.signature import SignatureError, verify
from services.ingest.webhooks.sources import SOURCE_NAME, WebhookSource, load_sources
from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])

_RESPONSES = {
    200: {"model": WebhookAccepted, "description": "重复投递：第一次的回答 / a redelivery: the first answer, `duplicate` true"},
    **responses(401, 404, 409, 413, 415, 422, 429, 502, 503, 504,
                s401="签名无效、缺少签名头或时间戳过期 / bad signature, missing headers or stale timestamp",
                s404="未配置的来源 / unknown source",
                s422="载荷格式错误或 URL 不允许 / malformed payload or URL refused",
                s503="来源配置无法读取或队列暂不可用 / sources configuration unreadable or queue unavailable")}


def _source(name: str) -> WebhookSource:
    s = get_settings()
    try:
        sources = load_sources(s.webhook_sources_file, s.webhook_sources)
    except Exception:  # a broken config file is our fault, not the sender's
        log.exception("webhook sources configuration unreadable")
        raise problem(503, "Webhook 来源配置无法读取", "webhook sources configuration unreadable") from None
    src = sources.get(name)
    if src is None:
        raise problem(404, f"未配置的 webhook 来源 {name}", f"unknown webhook source {name}")
    return src


# The body is read raw (the signature covers the exact bytes), so its schema is declared for the docs only.
_OPENAPI = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["data"],
        "properties": {"type": {"type": "string", "default": "report.published"}, "timestamp": {"type": "string"},
                       "data": DocumentPayload.model_json_schema()}}}}},
    # Required: without them the delivery is refused (401) before anything else is read.
    "parameters": [{"name": h, "in": "header", "required": True, "schema": {"type": "string"}, "description": d}
                   for h, d in (("webhook-id", "投递编号 / delivery id (idempotency key)"),
                                ("webhook-timestamp", "Unix 秒 / Unix seconds"),
                                ("webhook-signature", "v1,<base64 HMAC-SHA256>（可多个，空格分隔 / space-separated）"))],
}


@router.post("/{source}", status_code=202, response_model=WebhookAccepted, responses=_RESPONSES,
             openapi_extra=_OPENAPI,
             summary="Webhook 投递一份年报 / a signed webhook delivery of one report (Standard Webhooks)")
async def receive(request: Request, source: str = Path(..., pattern=SOURCE_NAME, description="来源名 / source name"),
                  storage: Storage = Depends(get_storage),
                  statuses: StatusStore = Depends(get_status_store)):
    s = get_settings()
    src = _source(source)
    limit = s.max_upload_bytes
    body = await read_body(request, limit * 4 // 3 + 64 * 1024)  # base64 in JSON: 4/3 of the file, plus the envelope
    try:
        verify(src.secrets, dict(request.headers), body, s.webhook_tolerance_seconds)
    except SignatureError as e:
        raise problem(401, e.zh, e.en) from None
    check_rate(f"webhook:{source}", src.rate_limit)
    msg_id = request.headers["webhook-id"]
    body_sha = hashlib.sha256(body).hexdigest()
    seen = Seen(statuses.r, max(s.webhook_id_ttl_seconds, 2 * s.webhook_tolerance_seconds + 60))
    prior = seen.claim(source, msg_id, body_sha)
    if prior is not None:
        if prior.get("body_sha") != body_sha:
            raise problem(409, "该 webhook-id 已用于不同的内容", "webhook-id already used for a different payload")
        if prior["state"] == "done":
            return JSONResponse({**prior["result"], "duplicate": True}, status_code=200)
        raise problem(409, "该投递正在处理，请稍后重试", "this delivery is being processed; retry later",
                      {"Retry-After": "5"})
    try:
        result = await _accept(source, msg_id, body, src, storage, statuses)
    except BaseException:
        seen.release(source, msg_id)
        raise
    seen.done(source, msg_id, body_sha, result.model_dump())
    return JSONResponse(result.model_dump(), status_code=202)


async def _accept(source: str, msg_id: str, body: bytes, src: WebhookSource,
                  storage: Storage, statuses: StatusStore) -> WebhookAccepted:
    s = get_settings()
    try:
        doc = Delivery.model_validate_json(body).data
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise problem(422, f"载荷格式错误：{where} {first.get('msg', '')}".strip(),
                      f"malformed payload: {where} {first.get('msg', '')}".strip()) from None
    filename, ctype, source_url = doc.filename, doc.content_type, doc.source_url
    check_type(filename, ctype)
    if doc.text is not None:
        data = doc.text.encode("utf-8")
        ctype = ctype or "text/plain; charset=utf-8"
    elif doc.content_base64 is not None:
        try:
            data = base64.b64decode(doc.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise problem(422, "content_base64 不是有效的 base64", "content_base64 is not valid base64") from None
    else:
        try:
            got = await fetch(doc.url or "", allow_hosts=src.allow_hosts, allow_private=src.allow_private,
                              max_bytes=s.max_upload_bytes, timeout=s.fetch_timeout_seconds,
                              max_redirects=s.fetch_max_redirects)
        except FetchError as e:
            raise problem(e.status, e.zh, e.en) from None
        data, source_url = got.data, source_url or got.url
        filename, ctype = filename or got.filename, ctype or got.content_type
        check_type(filename, ctype)
    if not data:
        raise problem(422, "文档为空", "empty document")
    if len(data) > s.max_upload_bytes:
        raise too_large(s.max_upload_bytes)
    try:
        acc = accept_bytes(data, filename=filename, content_type=ctype, source_url=source_url,
                           storage=storage, statuses=statuses)
    except EnqueueError:
        raise problem(503, "处理队列暂不可用，文件已保存，请稍后重新投递",
                      "queue unavailable; the file is stored, please redeliver later") from None
    return WebhookAccepted(webhook_id=msg_id, source=source, **acc.model_dump())
