"""The search API's error answers: their models (declared in OpenAPI) and the handlers that make them.

Elasticsearch unreachable (connection refused, timeout) or answering 503 while its shards recover is a
retryable 503 with Retry-After — the same shape as the ingest API's answer while Redis is down — not a
bare 500. A parameter the user can fix is a 422 in FastAPI's standard shape (`detail`: a list of
`{loc, msg, type}`), whether pydantic or our own checks found it, so one schema describes every 422."""
from __future__ import annotations

import logging
from typing import Any

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)
RETRY_AFTER = "10"  # seconds: about how long a restarting Elasticsearch node takes to answer again
UNAVAILABLE = "检索服务暂不可用，请稍后重试 / search is temporarily unavailable, retry later"
# Elasticsearch statuses that mean "not now" rather than "wrong request": recovering shards
# (no_shard_available, all shards failed while starting) answer 503; an overloaded node 429.
_RETRYABLE_ES_STATUSES = {429, 503}


class ErrorMessage(BaseModel):
    """An error explained in one line, Chinese first then English."""
    detail: str = Field(examples=["未找到该年报 / report not found"])


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class ValidationErrors(BaseModel):
    """FastAPI's standard 422: one entry per parameter that cannot be used."""
    detail: list[ValidationIssue]


class SearchUnavailable(Exception):
    """Elasticsearch cannot answer now (raised where its answer arrives inside a 200, e.g. msearch)."""


def invalid(msg: str, *loc: str | int, value: Any = None) -> RequestValidationError:
    """Our own check of a request as a standard 422 entry (`loc` e.g. ("query", "after"))."""
    return RequestValidationError([{"loc": loc or ("query",), "msg": msg, "type": "value_error", "input": value}])


def unavailable_response() -> JSONResponse:
    return JSONResponse({"detail": UNAVAILABLE}, status_code=503, headers={"Retry-After": RETRY_AFTER})


# Declared on every route that reads Elasticsearch (`responses=`), so OpenAPI lists what it may answer.
R422: dict[int | str, dict[str, Any]] = {422: {"model": ValidationErrors,
                                               "description": "参数无效 / invalid parameters"}}
R503: dict[int | str, dict[str, Any]] = {503: {
    "model": ErrorMessage, "description": "检索服务暂不可用（Elasticsearch 无法连接或正在恢复），请按 Retry-After "
                                          "稍后重试 / search unavailable (Elasticsearch unreachable or "
                                          "recovering): retry after Retry-After seconds",
    "headers": {"Retry-After": {"description": "建议的重试等待秒数 / seconds to wait before retrying",
                                "schema": {"type": "integer"}}}}}
R404: dict[int | str, dict[str, Any]] = {404: {"model": ErrorMessage, "description": "未找到 / not found"}}
R502: dict[int | str, dict[str, Any]] = {502: {"model": ErrorMessage,
                                               "description": "Elasticsearch 拒绝了检索 / Elasticsearch refused the search"}}


def install(app: FastAPI) -> None:
    @app.exception_handler(SearchUnavailable)
    @app.exception_handler(ESConnectionError)  # refused, reset, DNS; ConnectionTimeout is a subclass
    @app.exception_handler(ConnectionTimeout)
    async def es_unreachable(_: Request, e: Exception) -> JSONResponse:
        log.warning("elasticsearch unavailable: %r", e)
        return unavailable_response()

    @app.exception_handler(ApiError)
    async def es_error(_: Request, e: ApiError) -> JSONResponse:
        if e.meta.status in _RETRYABLE_ES_STATUSES:
            log.warning("elasticsearch not ready (%s): %s", e.meta.status, str(e)[:500])
            return unavailable_response()
        log.error("elasticsearch error %s: %s", e.meta.status, str(e)[:2000])
        return JSONResponse({"detail": "检索失败 / search failed"}, status_code=502)
