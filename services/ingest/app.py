"""The ingest API (FastAPI): documents in, status out."""
from __future__ import annotations

import logging
import re
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import redis
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.ingest.auth import keys_required
from services.ingest.deps import get_status_store, start_batcher, stop_batcher
from services.ingest.openapi import validation_problem
from services.ingest.orphans import OrphanSweeper
from services.ingest.routers import admin, corrections, documents, health
from services.ingest.webhooks import router as webhooks
from shared.clients import es_client
from shared.es_index import ensure_index
from shared.events_index import ensure_events_template
from shared.queue_sampler import QueueSampler
from shared.settings import get_settings

log = logging.getLogger(__name__)


def cors_origins() -> list[str]:
    """NIANBAO_CORS_ORIGINS, else the search UI's origin (scheme://host:port of NIANBAO_SEARCH_URL)."""
    s = get_settings()
    given = [o.strip().rstrip("/") for o in s.cors_origins.split(",") if o.strip()]
    if given:
        return given
    u = urlsplit(s.search_url)
    return [f"{u.scheme}://{u.netloc}"]


@asynccontextmanager
async def lifespan(_: FastAPI):
    if not keys_required():  # say it where operators look: an open API is a choice, never an accident
        log.warning("访问已开放：上传与管理接口无需 API 密钥（NIANBAO_OPEN_ACCESS=1，仅限本机演示）/ "
                    "open access: uploads and admin endpoints need no API key (NIANBAO_OPEN_ACCESS=1, local demo only)")
    try:
        ensure_index(es_client())
    except Exception as e:  # noqa: BLE001 — ingest must accept documents even while ES is down
        log.warning("index not ensured at start-up: %r", e)
    try:
        ensure_events_template(es_client())
    except Exception as e:  # noqa: BLE001 — monitoring set-up must not stop ingest
        log.warning("events template not ensured at start-up: %r", e)
    sampler = QueueSampler()  # queue-depth events for the Kibana pipeline dashboard
    sampler.start()
    s = get_settings()  # documents whose next message a broker outage lost are sent on again
    sweeper = OrphanSweeper(get_status_store(), s.orphan_sweep_seconds, s.orphan_min_age_seconds)
    sweeper.start()
    start_batcher()
    yield
    stop_batcher()  # sends what is still waiting
    sweeper.stop()
    sampler.stop()


app = FastAPI(title="Nianbao ingest API / 年报接收接口", version="1.0", lifespan=lifespan,
              description="提交政府信息公开工作年度报告并查询处理状态 / submit annual reports and follow their processing")
# The report page (served by the search API, another origin) sends corrections here from the browser:
# only its origin may, with the Authorization header (docs/corrections.md).
app.add_middleware(CORSMiddleware, allow_origins=cors_origins(), allow_methods=["GET", "POST"],
                   allow_headers=["Authorization", "Content-Type", "X-API-Key"], max_age=600)
app.include_router(documents.router)
app.include_router(health.router)
app.include_router(admin.router)
app.include_router(corrections.router)
app.include_router(webhooks.router)
app.add_exception_handler(RequestValidationError, validation_problem)  # type: ignore[arg-type]  # Starlette types the handler for any Exception
# (422s in the declared Problem shape)


@app.exception_handler(redis.RedisError)
async def redis_unavailable(_: Request, e: redis.RedisError) -> JSONResponse:
    # Redis restarting: a clear, retryable answer instead of a 500. Resending is safe: identical bytes
    # are one document, and one registered but never enqueued is sent on by the orphan sweep.
    log.warning("redis unavailable: %r", e)
    return JSONResponse({"detail": "状态存储暂不可用，请稍后重试 / status store unavailable, please retry shortly"},
                        status_code=503, headers={"Retry-After": "5"})


@app.exception_handler(StarletteHTTPException)
async def http_problem(request: Request, e: StarletteHTTPException) -> Response:
    """FastAPI's own answer, with two fixes: a 405's `Allow` lists the methods of every route of the path
    (Starlette names only the first route's, and a report's corrections are read with GET and set with
    POST), and a JSON body that cannot be parsed at all is said in both languages."""
    if e.status_code == 405:
        methods = _documented_methods(request.url.path)
        if methods:
            e.headers = {**(e.headers or {}), "Allow": ", ".join(methods)}
    if e.status_code == 400 and e.detail == "There was an error parsing the body":
        e = StarletteHTTPException(400, "请求体无法解析 / the request body could not be parsed", e.headers)
    return await http_exception_handler(request, e)


def _documented_methods(path: str) -> list[str]:
    """The methods the OpenAPI document lists for the path template matching `path`."""
    out: set[str] = set()
    for template, ops in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path):
            out |= {m.upper() for m in ops}
    return sorted(out)
