"""What the ingest API answers when it refuses, declared once so the OpenAPI document says the truth:
every error body is `Problem` (a Chinese / English `detail` string; request validation adds `errors`),
and each route lists exactly the statuses it can answer (`responses(401, 403, …)`)."""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="where: body / query / path / header, then the name")
    msg: str
    type: str


class Problem(BaseModel):
    detail: str = Field(description="中文说明 / English explanation", examples=["文档为空 / empty document"])
    errors: list[FieldError] | None = Field(None, description="request validation (422) only: each invalid field")


_RETRY_AFTER = {"Retry-After": {"description": "秒 / seconds", "schema": {"type": "string", "pattern": "^[0-9]+$"}}}

_DESCRIPTIONS: dict[int, str] = {
    401: "缺少、无效或已吊销的 API 密钥 / API key missing, invalid or revoked",
    403: "该密钥无此权限 / the key lacks the scope",
    404: "未找到 / not found",
    409: "同一 webhook-id 对应不同内容，或正在处理 / webhook-id reused or in progress",
    413: "文件过大 / payload too large",
    415: "不支持的文件类型 / unsupported media type",
    422: "请求无效（参数、空文档、multipart 或载荷格式）/ invalid request (parameters, empty document, multipart or payload)",
    429: "请求过于频繁，见 Retry-After / rate limited, see Retry-After",
    502: "抓取 URL 失败 / fetching the URL failed",
    503: "状态存储或处理队列暂不可用，请稍后重试 / status store or queue unavailable, retry shortly",
    504: "抓取 URL 超时 / fetching the URL timed out",
}


def responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each code with the Problem body (429 with its Retry-After header).
    Keyword `s401="…"` overrides a description."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"model": Problem, "description": descriptions.get(f"s{code}", _DESCRIPTIONS[code])}
        if code == 429:
            entry["headers"] = _RETRY_AFTER
        out[code] = entry
    return out


async def validation_problem(_: Request, e: RequestValidationError) -> JSONResponse:
    """422 for a request the schema forbids, in the same shape as every other refusal."""
    errs = [{"loc": [x if isinstance(x, (str, int)) else str(x) for x in err.get("loc", ())],
             "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))} for err in e.errors()]
    first = errs[0] if errs else {"loc": [], "msg": ""}
    where = ".".join(str(x) for x in first["loc"])
    return JSONResponse(jsonable_encoder({"detail": f"请求无效：{where} {first['msg']} / invalid request: {where} {first['msg']}",
                                          "errors": errs}), status_code=422)
