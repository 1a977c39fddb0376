"""The search API (FastAPI) and the web UI it serves."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from services.search.routers import export, reports, search, stats, timeline
from shared.es_index import MAPPING_VERSION, client, ensure_index, mapping_version

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@asynccontextmanager
async def lifespan(_: FastAPI):
    try:
        es = client()
        index = ensure_index(es)
        if (found := mapping_version(es, index)) < MAPPING_VERSION:
            log.warning("index %s has mapping version %s, search expects %s: run `nianbao reindex` "
                        "/ 索引映射版本过旧，请运行 nianbao reindex", index, found, MAPPING_VERSION)
    except Exception as e:  # noqa: BLE001
        log.warning("index not ensured at start-up: %r", e)
    yield


app = FastAPI(title="Nianbao search API / 年报检索接口", version="1.0", lifespan=lifespan,
              description="全文与分面检索政府信息公开工作年度报告及其数据 / full-text and faceted search over the reports and their figures")
for r in (search, reports, stats, timeline, export):
    app.include_router(r.router)


@app.middleware("http")
async def security_headers(request: Request, call_next):
    # Defence in depth for the UI: even if report text slipped past escaping, no inline or foreign
    # script runs (ECharts and our modules are same-origin files). Swagger (/docs) loads its own CDN.
    response = await call_next(request)
    if not request.url.path.startswith(("/docs", "/redoc", "/openapi")):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


if STATIC.exists():
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
