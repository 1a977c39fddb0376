"""GET /api/v1/audit: the auditor's view of a region and a year (年报质量检查) — every body's report with its
findings and read quality, the counts by rule, and the bodies that reported the year before but not this
year ("expected but missing"); /api/v1/audit.csv and /api/v1/audit.xlsx: the same as a table to send on
(one row per report, then one per missing body; Chinese headers, figures as numbers, findings in a column).

A region is a province, optionally narrowed to a city and a county (`meta.region`, as the facets name
them). Superseded reports are left out (the current version of a body's report counts). "Missing": a
body (`agency_key`) with a current report for year − 1 in the region and none for the year anywhere — a
body whose region was read differently this year is not missing."""
from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from services.search.deps import get_es
from services.search.errors import R422, R502, R503
from services.search.params import YEAR_MAX, YEAR_MIN
from services.search.routers.common import dig
from services.search.xlsx import XLSX_RESPONSES, workbook, xlsx_response
from shared.record import Cell, Grade, Severity
from shared.schema import FACET, KEY_FIGURES, RULE_NAMES
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["audit"])
PAGE = 1000
TERMS_CHUNK = 1000
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SOURCE = ["id", "agency_key", "meta.agency", "meta.title", "meta.year", "meta.region", "meta.level", "meta.published",
          "meta.template", "quality.grade", "quality.cells_unknown", "findings", *(k.path for k in KEY_FIGURES)]
INCOMPLETE = ("partial", "unreadable")


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    province: str = Field(min_length=1, max_length=100, description="省 / province, e.g. 江苏省")
    city: str | None = Field(None, max_length=100, description="市（可选） / city (optional), e.g. 淮安市")
    county: str | None = Field(None, max_length=100, description="县区（可选） / county (optional), e.g. 洪泽区")
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX, description="年报年度 / report year")


class AuditFinding(BaseModel):
    rule: str
    severity: Severity
    message: str = Field(description="中文说明 / English")
    where: str | None = None


class AuditQuality(BaseModel):
    grade: Grade
    cells_unknown: int | None = None


class AuditReport(BaseModel):
    id: str
    agency: str | None
    title: str | None
    agency_key: str | None
    province: str | None
    city: str | None
    county: str | None
    level: str | None
    published: str | None = Field(description="发布日期（ISO），未知为 null / date published (ISO), null when unknown")
    template: str | None
    quality: AuditQuality | None = Field(description="读取质量；评定之前索引的年报为 null / read quality; null "
                                                     "for a report indexed before grading")
    figures: dict[str, Cell] = Field(description="关键数据（单元路径 → 值） / key figures by cell path")
    errors: int
    warnings: int
    infos: int
    findings: list[AuditFinding] = Field(description="问题，严重者在前 / findings, most severe first")


class AuditRuleCount(BaseModel):
    rule: str
    zh: str
    en: str
    severity: Severity = Field(description="该规则出现过的最严重级别 / the most severe level it was found at")
    reports: int = Field(description="有此问题的年报数 / reports with it")
    findings: int = Field(description="问题条数 / findings in all")


class AuditMissing(BaseModel):
    agency: str | None
    agency_key: str
    province: str | None
    city: str | None
    county: str | None
    previous_id: str = Field(description="上一年度年报的编号 / id of the body's report for the year before")
    previous_title: str | None


class AuditSummary(BaseModel):
    reports: int
    with_errors: int
    with_warnings: int = Field(description="有警告但无错误的年报数 / reports with warnings but no error")
    clean: int = Field(description="无错误、无警告的年报数 / reports without errors or warnings")
    incomplete: int = Field(description="读取质量为部分可读或无法读取的年报数 / reports read partially or not at all")
    late: int = Field(description="逾期发布（LATE_PUBLICATION）的年报数 / reports published late")
    missing: int = Field(description="上年报送、本年未报送的机关数 / bodies that reported the year before but not this year")


class AuditResponse(BaseModel):
    province: str
    city: str | None
    county: str | None
    year: int
    summary: AuditSummary
    reports: list[AuditReport] = Field(description="本年度的年报，按机关名称 / this year's reports, by body name")
    rules: list[AuditRuleCount] = Field(description="按规则计数，严重者在前 / counts by rule, most severe first")
    missing: list[AuditMissing] = Field(description="应报未报：上一年度有年报、本年度没有的机关 / expected but "
                                                    "missing: bodies with a report for the year before and none "
                                                    "for this year")


def _region(q: AuditQuery) -> list[dict]:
    out: list[dict] = [{"term": {"meta.region.province": q.province}}]
    if q.city:
        out.append({"term": {"meta.region.city": q.city}})
    if q.county:
        out.append({"term": {"meta.region.county": q.county}})
    return out


def _scan(es: Elasticsearch, filters: list[dict], source: list[str]) -> Iterator[dict]:
    """Every current (not superseded) report matching `filters`, paged with search_after on a unique sort."""
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {"query": {"bool": {"filter": filters, "must_not": [{"term": {"superseded": True}}]}},
                                "size": PAGE, "source": source, "track_total_hits": False,
                                "sort": [{"meta.agency.kw": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]}
        if after is not None:
            body["search_after"] = after
        hits = es.search(index=get_settings().es_alias, **body)["hits"]["hits"]
        for h in hits:
            yield h["_source"]
        if len(hits) < PAGE:
            return
        after = hits[-1]["sort"]


def _report(src: dict) -> AuditReport:
    meta = src.get("meta") or {}
    region = meta.get("region") or {}
    findings = sorted((AuditFinding(rule=f["rule"], severity=f["severity"], message=f.get("message") or "",
                                    where=f.get("where")) for f in src.get("findings") or []),
                      key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    sev = Counter(f.severity for f in findings)
    q = src.get("quality")
    return AuditReport(
        id=src["id"], agency=meta.get("agency"), title=meta.get("title"), agency_key=src.get("agency_key"),
        province=region.get("province"), city=region.get("city"), county=region.get("county"),
        level=meta.get("level"), published=meta.get("published"), template=meta.get("template"),
        quality=AuditQuality(grade=q["grade"], cells_unknown=q.get("cells_unknown")) if q and q.get("grade") else None,
        figures={k.path: dig(src, k.path) for k in KEY_FIGURES},
        errors=sev["error"], warnings=sev["warning"], infos=sev["info"], findings=findings)


def _rule_counts(reports: list[AuditReport]) -> list[AuditRuleCount]:
    per_report: Counter[str] = Counter()
    total: Counter[str] = Counter()
    worst: dict[str, Severity] = {}
    for r in reports:
        per_report.update({f.rule for f in r.findings})
        for f in r.findings:
            total[f.rule] += 1
            if f.rule not in worst or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[worst[f.rule]]:
                worst[f.rule] = f.severity
    out = []
    for rule in total:
        label = RULE_NAMES.get(rule)
        out.append(AuditRuleCount(rule=rule, zh=label.zh if label else rule, en=label.en if label else rule,
                                  severity=worst[rule], reports=per_report[rule], findings=total[rule]))
    return sorted(out, key=lambda c: (SEVERITY_ORDER[c.severity], -c.reports, c.rule))


def _missing(es: Elasticsearch, q: AuditQuery, present: set[str]) -> list[AuditMissing]:
    before: dict[str, dict] = {}
    for src in _scan(es, [*_region(q), {"term": {"meta.year": q.year - 1}}],
                     ["id", "agency_key", "meta.agency", "meta.title", "meta.region"]):
        key = src.get("agency_key")
        if key and key not in present:
            before.setdefault(key, src)
    keys = sorted(before)
    for i in range(0, len(keys), TERMS_CHUNK):  # reported this year elsewhere (region read differently)
        chunk = keys[i:i + TERMS_CHUNK]
        for src in _scan(es, [{"terms": {"agency_key": chunk}}, {"term": {"meta.year": q.year}}], ["agency_key"]):
            before.pop(src.get("agency_key") or "", None)
    out = []
    for key, src in before.items():
        meta = src.get("meta") or {}
        region = meta.get("region") or {}
        out.append(AuditMissing(agency=meta.get("agency"), agency_key=key, province=region.get("province"),
                                city=region.get("city"), county=region.get("county"), previous_id=src["id"],
                                previous_title=meta.get("title")))
    return sorted(out, key=lambda m: (m.agency or "", m.agency_key))


def audit_of(es: Elasticsearch, q: AuditQuery) -> AuditResponse:
    reports = [_report(s) for s in _scan(es, [*_region(q), {"term": {"meta.year": q.year}}], SOURCE)]
    present = {r.agency_key for r in reports if r.agency_key}
    missing = _missing(es, q, present)
    summary = AuditSummary(
        reports=len(reports), with_errors=sum(1 for r in reports if r.errors),
        with_warnings=sum(1 for r in reports if r.warnings and not r.errors),
        clean=sum(1 for r in reports if not r.errors and not r.warnings),
        incomplete=sum(1 for r in reports if r.quality and r.quality.grade in INCOMPLETE),
        late=sum(1 for r in reports if any(f.rule == "LATE_PUBLICATION" for f in r.findings)),
        missing=len(missing))
    return AuditResponse(province=q.province, city=q.city or None, county=q.county or None, year=q.year,
                         summary=summary, reports=reports, rules=_rule_counts(reports), missing=missing)


@router.get("/audit", summary="年报审核：某地区某年度的全部年报、问题与应报未报机关 / audit of a region and year",
            response_model=AuditResponse, responses={**R422, **R502, **R503})
def audit(q: Annotated[AuditQuery, Query()], es: Elasticsearch = Depends(get_es)) -> AuditResponse:
    """Every current report of the region (province, optionally city and county) for the year: its body,
    read quality, key figures and findings (most severe first); the counts by rule; and the bodies that
    reported for year − 1 in the region but have no report for the year (expected but missing)."""
    return audit_of(es, q)


# --- the same as a table: CSV and XLSX ---------------------------------------------------------------
STATUS_REPORTED = "已报送 reported"
STATUS_MISSING = "应报未报 missing"
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def table_headers() -> list[str]:
    return ["状态 status", "机关 agency", "标题 title", "省 province", "市 city", "县区 county",
            f"{FACET['level'].zh} level", "年度 year", "发布日期 published", "读取质量 quality",
            "未能确定的单元格 unknown_cells", "错误 errors", "警告 warnings", "提示 info",
            *(f"{k.zh} {k.path}" for k in KEY_FIGURES), "问题 findings", "编号 id", "上年报告编号 previous_id"]


def findings_cell(r: AuditReport) -> str | None:
    """Every finding on its own line: "[警告 warning] LATE_PUBLICATION 逾期发布：message"."""
    lines = []
    for f in r.findings:
        label = RULE_NAMES.get(f.rule)
        lines.append(f"[{SEVERITY_ZH.get(f.severity, f.severity)} {f.severity}] {f.rule}"
                     f"{' ' + label.zh if label else ''}：{f.message}")
    return "\n".join(lines) or None


def table_rows(a: AuditResponse) -> Iterator[list[object]]:
    for r in a.reports:
        yield [STATUS_REPORTED, r.agency, r.title, r.province, r.city, r.county, r.level, a.year, r.published,
               r.quality.grade if r.quality else None, r.quality.cells_unknown if r.quality else None,
               r.errors, r.warnings, r.infos, *(r.figures.get(k.path) for k in KEY_FIGURES), findings_cell(r),
               r.id, None]
    for m in a.missing:
        yield [STATUS_MISSING, m.agency, None, m.province, m.city, m.county, None, a.year, None, None, None,
               None, None, None, *(None for _ in KEY_FIGURES), None, None, m.previous_id]


def _safe(v: object) -> object:
    """Neutralise spreadsheet formulas in document text (CSV injection): a leading = + - @ is quoted."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def _filename(q: AuditQuery, ext: str) -> str:
    return f"nianbao-audit-{q.year}.{ext}"  # ASCII: the region is in the rows


@router.get("/audit.csv", summary="年报审核导出为 CSV / the audit as CSV",
            response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "CSV（UTF-8，带 BOM） / CSV, UTF-8 with a BOM"},
                       **R422, **R502, **R503})
def audit_csv(q: Annotated[AuditQuery, Query()], es: Elasticsearch = Depends(get_es)) -> Response:
    """The audit as one row per report, then one per missing body (状态 status says which); Chinese
    headers with English beside; figures as numbers; every finding in the `问题 findings` column, one per
    line. UTF-8 with a BOM (Excel)."""
    a = audit_of(es, q)
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(table_headers())
    for row in table_rows(a):
        w.writerow(["" if v is None else _safe(v) for v in row])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(q, "csv")}"'})


@router.get("/audit.xlsx", summary="年报审核导出为 Excel / the audit as XLSX",
            response_class=Response, responses={**XLSX_RESPONSES, **R422, **R502, **R503})
def audit_xlsx(q: Annotated[AuditQuery, Query()], es: Elasticsearch = Depends(get_es)) -> Response:
    """The rows of `/audit.csv` as an Excel workbook (figures numeric cells, text never a formula)."""
    a = audit_of(es, q)
    return xlsx_response(workbook(table_headers(), table_rows(a), sheet="审核 audit"), _filename(q, "xlsx"))
