"""GET /api/v1/reports/{id}: the stored record; /original: the document as received. (The tables' keys
and labels: GET /api/v1/schema, services/search/routers/schema.py.)"""
from __future__ import annotations

import codecs
import re
from urllib.parse import quote

from elasticsearch import Elasticsearch, NotFoundError
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from services.search.deps import get_es
from services.search.errors import R404, R502, R503
from services.search.models import ReportRecord
from shared.settings import get_settings
from shared.storage import Storage

router = APIRouter(prefix="/api/v1", tags=["reports"])
_ID = re.compile(r"^[0-9a-f]{64}$")


def _get(es: Elasticsearch, report_id: str, source: list[str]) -> dict:
    try:
        return es.get(index=get_settings().es_alias, id=report_id, source=source)["_source"]
    except NotFoundError:
        raise HTTPException(404, "未找到该年报 / report not found") from None


@router.get("/reports/{report_id}", summary="一份年报的完整记录 / one report's record",
            response_model=ReportRecord, response_model_exclude_unset=True, responses={**R404, **R502, **R503})
def get_report(report_id: str, es: Elasticsearch = Depends(get_es)) -> dict:
    src = _get(es, report_id, ["record", "superseded", "indexed_at", "agency_key"])
    return {**src["record"], "superseded": src.get("superseded", False), "indexed_at": src.get("indexed_at"),
            "agency_key": src.get("agency_key")}


_BINARY = {"pdf": ("application/pdf", "pdf"),
           "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
           "doc": ("application/msword", "doc"),
           "wps": ("application/vnd.ms-works", "wps"),
           "xls": ("application/vnd.ms-excel", "xls"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}


@router.get("/reports/{report_id}/original", summary="原始文件 / the original document as received",
            response_class=Response,
            responses={200: {"description": "原始文件 / the original bytes", "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}}}},
                **R404, **R502, **R503})
def get_original(report_id: str, es: Elasticsearch = Depends(get_es)) -> Response:
    """The raw bytes. Text and HTML are served as text/plain (untrusted HTML is never rendered);
    PDF, DOCX, DOC, WPS, XLS and XLSX as downloads. Every answer forbids content sniffing and runs sandboxed."""
    if not _ID.match(report_id):
        raise HTTPException(404, "未找到该年报 / report not found")
    meta = _get(es, report_id, ["meta.source"]).get("meta", {})
    source = meta.get("source") or {}
    storage = Storage(get_settings().storage_dir)
    if not storage.has_raw(report_id):
        raise HTTPException(404, "原始文件不在存储中 / the original document is not in storage")
    data = storage.get_raw(report_id)
    fmt = source.get("format") or "text"
    headers = {"X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox; default-src 'none'"}
    filename = source.get("filename") or f"{report_id[:12]}.{_BINARY.get(fmt, ('', 'txt'))[1]}"
    if fmt in _BINARY:
        ctype = _BINARY[fmt][0]
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    else:
        ctype = f"text/plain; charset={_charset(source.get('encoding'))}"
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return Response(content=data, media_type=ctype, headers=headers)


_CHARSETS = {"utf_8": "utf-8", "utf_8_sig": "utf-8", "gb2312": "gb18030", "gbk": "gb18030",
             "gb18030": "gb18030", "big5": "big5", "big5hkscs": "big5", "utf_16": "utf-16"}


def _charset(encoding: str | None) -> str:
    """The detected encoding as a charset browsers know (GB family → gb18030, its superset); else utf-8."""
    try:
        return _CHARSETS.get(codecs.lookup(encoding or "utf-8").name.replace("-", "_"), "utf-8")
    except LookupError:
        return "utf-8"
