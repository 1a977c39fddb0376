"""The search API (FastAPI) and the web UI it serves."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.search.routers import reports, search
from shared.es_index import client, ensure_index

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


@asynccontextmanager
async def lifespan(_: FastAPI):
    try:
        ensure_index(client())
    except Exception as e:  # noqa: BLE001
        log.warning("index not ensured at start-up: %r", e)
    yield


app = FastAPI(title="Nianbao search API / 年报检索接口", version="1.0", lifespan=lifespan,
              description="全文与分面检索政府信息公开工作年度报告及其数据 / full-text and faceted search over the reports and their figures")
app.include_router(search.router)
app.include_router(reports.router)
if STATIC.exists():
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
