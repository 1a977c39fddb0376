"""The search API (FastAPI) and the web UI it serves."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.search import errors
from services.search.routers import audit, export, reports, schema, search, stats, timeline
from shared.clients import es_client
from shared.es_index import MAPPING_VERSION, ensure_index, mapping_version
from shared.settings import get_settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
_INGEST = urlsplit(get_settings().ingest_url)
# connect-src: the report page's corrections go to the ingest API (docs/corrections.md), nothing else leaves.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       f"connect-src 'self' {_INGEST.scheme}://{_INGEST.netloc}; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@asynccontextmanager
async def lifespan(_: FastAPI):
    try:
        es = es_client()
        index = ensure_index(es)
        if (found := mapping_version(es, index)) < MAPPING_VERSION:
            log.warning("index %s has mapping version %s, search expects %s: run `nianbao reindex` "
                        "/ 索引映射版本过旧，请运行 nianbao reindex", index, found, MAPPING_VERSION)
    except Exception as e:  # noqa: BLE001 — search starts even while ES is down (health says so)
        log.warning("index not ensured at start-up: %r", e)
    yield


app = FastAPI(title="Nianbao search API / 年报检索接口", version="1.0", lifespan=lifespan,
              description="全文与分面检索政府信息公开工作年度报告及其数据 / "
                          "full-text and faceted search over the reports and their figures")
for r in (search, reports, stats, timeline, export, audit, schema):
    app.include_router(r.router)
errors.install(app)


class SecurityHeaders:
    """Defence in depth for the UI: even if report text slipped past escaping, no inline or foreign
    script runs (ECharts and our modules are same-origin files). Swagger (/docs) loads its own CDN.
    Plain ASGI, adding the headers to the response's start message: Starlette's BaseHTTPMiddleware
    would pass every response through an extra task and stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/docs", "/redoc", "/openapi")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)  # a route's own headers (the sandbox CSP) win
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


app.add_middleware(SecurityHeaders)


if STATIC.exists():
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
