"""GET /api/v1/export: the figures of every report matching a query, as CSV, streamed; GET
/api/v1/export.xlsx: the same rows as an Excel workbook (services/search/xlsx.py: figures are numeric
cells, text is never a formula).

Pages through a point-in-time with search_after, so memory stays flat however many reports match and
the export is one consistent snapshot even while documents are being indexed. UTF-8 with a BOM so
Excel opens the Chinese text correctly. Each row carries the report's read-quality grade and its count of
cells whose position was not certain (empty for reports indexed before grading), so whoever sums a
column can see which reports' figures are incomplete. A `findings` column names the rules the report
broke, with their severity ("SUM_MISMATCH (error); …"), so a reader sees why `finding_count` is not 0."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from services.search.deps import get_es
from services.search.errors import R422, R502, R503
from services.search.params import Filters
from services.search.query import build_query, cell_label, ordered_cell_paths
from services.search.routers.common import dig, query_or_422
from services.search.xlsx import XLSX_RESPONSES, workbook, xlsx_response
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["export"])
PAGE = 500
META_COLUMNS: list[tuple[str, str]] = [
    ("id", "编号 id"), ("meta.title", "标题 title"), ("meta.agency", "机关 agency"), ("meta.year", "年度 year"),
    ("meta.region.province", "省 province"), ("meta.region.city", "市 city"), ("meta.region.county", "县区 county"),
    ("meta.level", "层级 level"), ("meta.agency_type", "机关类型 agency_type"), ("meta.template", "模板 template"),
    ("meta.published", "发布日期 published"), ("finding_count", "问题数 findings"), ("superseded", "已取代 superseded"),
    ("quality.grade", "读取质量 quality"), ("quality.cells_unknown", "未能确定的单元格 unknown_cells"),
]
FINDINGS_HEADER = "问题 findings"
SOURCE = ["id", "meta", "finding_count", "superseded", "quality", "findings.rule", "findings.severity",
          "applications", "review_litigation", "active_disclosure"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _line(values: list) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(["" if v is None else _safe(v) for v in values])
    return buf.getvalue()


def _safe(v: object) -> object:
    """Neutralise spreadsheet formulas in document text (CSV injection): a leading = + - @ is quoted."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def open_pit(es: Elasticsearch) -> str:
    """Opened before the answer starts: Elasticsearch being down is then a 503, not a cut-off stream."""
    return es.open_point_in_time(index=get_settings().es_alias, keep_alive="2m")["id"]


def findings_text(src: dict) -> str | None:
    """The rules a report broke, most severe first, each once: "SUM_MISMATCH (error); …" (None: none)."""
    seen: dict[str, str] = {}
    for f in src.get("findings") or []:
        seen.setdefault(f"{f.get('rule')} ({f.get('severity')})", f.get("severity") or "")
    return "; ".join(sorted(seen, key=lambda k: SEVERITY_ORDER.get(seen[k], 3))) or None


def headers() -> list[str]:
    return [h for _, h in META_COLUMNS] + [FINDINGS_HEADER] + [f"{cell_label(p)} {p}" for p in ordered_cell_paths()]


def values(es: Elasticsearch, query: dict, pit: str) -> Iterator[list]:
    """One list of values per matching report, in `headers()` order, paged through the point-in-time
    (closed at the end)."""
    paths = ordered_cell_paths()
    try:
        after = None
        while True:
            body: dict[str, Any] = {"query": query, "size": PAGE, "sort": [{"_shard_doc": "asc"}], "source": SOURCE,
                    "pit": {"id": pit, "keep_alive": "2m"}, "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            res = es.search(**body)
            pit = res.get("pit_id", pit)
            hits = res["hits"]["hits"]
            for h in hits:
                src = h["_source"]
                yield [dig(src, k) for k, _ in META_COLUMNS] + [findings_text(src)] + [dig(src, p) for p in paths]
            if len(hits) < PAGE:
                break
            after = hits[-1]["sort"]
    finally:
        es.close_point_in_time(id=pit)


def rows(es: Elasticsearch, query: dict, pit: str) -> Iterator[str]:
    yield "\ufeff" + _line(headers())
    for v in values(es, query, pit):
        yield _line(v)


@router.get("/export", summary="导出匹配年报的数据为 CSV / export the figures of matching reports as CSV",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "CSV（UTF-8，带 BOM） / CSV, UTF-8 with a BOM"},
                       **R422, **R502, **R503})
def export(filters: Annotated[Filters, Query()], es: Elasticsearch = Depends(get_es)) -> StreamingResponse:
    """One row per report, meta columns (with the read-quality grade — complete | partial | unreadable,
    empty = not graded — and the number of cells whose position was not certain) then every table cell
    (empty = not stated); same filters as /search. Streamed: rows leave as they are read."""
    query = query_or_422(build_query, filters.search_params())
    name = f"nianbao-export-{date.today().isoformat()}.csv"
    return StreamingResponse(rows(es, query, open_pit(es)), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export.xlsx", summary="导出匹配年报的数据为 Excel / export the figures of matching reports as XLSX",
            response_class=Response, responses={**XLSX_RESPONSES, **R422, **R502, **R503})
def export_xlsx(filters: Annotated[Filters, Query()], es: Elasticsearch = Depends(get_es)) -> Response:
    """The rows of `/export` as an Excel workbook: one row per report, the same columns (Chinese and
    English in each header), figures as numeric cells, the broken rules in the `问题 findings` column.
    Built whole before it is sent (not streamed)."""
    query = query_or_422(build_query, filters.search_params())
    data = workbook(headers(), values(es, query, open_pit(es)), sheet="年报 reports")
    return xlsx_response(data, f"nianbao-export-{date.today().isoformat()}.xlsx")
