"""GET /api/v1/stats: a figure summed / averaged / counted, grouped by one or two fields, over the same
filters as the search — optionally as a ratio of two figures (e.g. the 予以公开 share). Every row also
says how many of its reports had incomplete figures (read quality partial or unreadable) and how many
were never graded, so a total is not read as complete when some of its reports could not be read.
GET /api/v1/stats.xlsx: the same rows (and the overall row) as an Excel workbook."""
from __future__ import annotations

from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from services.search.deps import get_es
from services.search.errors import R422, R502, R503
from services.search.models import StatsResponse
from services.search.params import StatsQuery
from services.search.query import GROUPS, build_query, cell_label
from services.search.routers.common import query_or_422
from services.search.xlsx import XLSX_RESPONSES, workbook, xlsx_response
from shared.es_index import INCOMPLETE_GRADES
from shared.schema import FACETS
from shared.settings import get_settings

router = APIRouter(prefix="/api/v1", tags=["stats"])
MAX_BUCKETS = 1000
# Counted in every bucket, whatever the metric: reports whose tables were read only in part (or not at
# all), and reports indexed before grading (no `quality.grade`: unknown, counted in neither).
QUALITY_AGGS: dict[str, Any] = {
    "q_incomplete": {"filter": {"terms": {"quality.grade": list(INCOMPLETE_GRADES)}}},
    "q_ungraded": {"filter": {"bool": {"must_not": [{"exists": {"field": "quality.grade"}}]}}},
}


def _metric_aggs(metric: str, figure: str | None, per: str | None) -> dict[str, Any]:
    if metric == "count" and figure is None:
        return dict(QUALITY_AGGS)
    aggs: dict[str, Any] = {**QUALITY_AGGS, "fig_sum": {"sum": {"field": figure}},
                            "fig_n": {"value_count": {"field": figure}}}
    if per:
        aggs["per_sum"] = {"sum": {"field": per}}
    return aggs


def _row(bucket: dict, metric: str, figure: str | None, per: str | None) -> dict[str, Any]:
    n = bucket["doc_count"]
    row: dict[str, Any] = {"reports": n, "incomplete": bucket["q_incomplete"]["doc_count"],
                           "ungraded": bucket["q_ungraded"]["doc_count"]}
    if figure is None:
        row["value"] = n
        return row
    s, k = bucket["fig_sum"]["value"], int(bucket["fig_n"]["value"])
    row.update(figure_sum=s, figure_count=k)
    if per:
        d = bucket["per_sum"]["value"]
        row["per_sum"] = d
        row["value"] = (s / d) if d else None
    elif metric == "sum":
        row["value"] = s
    elif metric == "avg":
        row["value"] = (s / k) if k else None
    else:
        row["value"] = k
    return row


@router.get("/stats", summary="数据统计 / figures summed, averaged or counted by group",
            response_model=StatsResponse, response_model_exclude_unset=True, responses={**R422, **R502, **R503})
def stats(params: Annotated[StatsQuery, Query()], es: Elasticsearch = Depends(get_es)) -> dict:
    return compute(params, es)


def compute(params: StatsQuery, es: Elasticsearch) -> dict:
    """Rows of `{<group>: key, …, value, reports, incomplete, ungraded, figure_sum, figure_count, per_sum}`,
    plus `overall`. `incomplete`: how many of `reports` had incomplete figures (read quality partial or
    unreadable: a sum over them may lack numbers); `ungraded`: how many were indexed before reports were
    graded. Reports lacking the figure (or, with `per`, either figure) are left out of a ratio, so
    numerator and denominator always come from the same reports. `sum`, `avg` and `per` need a
    `figure`, and a ratio (`per`) needs `metric=sum`: otherwise a 422."""
    p = params.search_params()
    metric, figure, per, group = params.resolved_metric, params.figure, params.per, list(params.group)
    query = query_or_422(build_query, p)
    if per:  # a ratio over the reports that state both figures
        query["bool"]["filter"] += [{"exists": {"field": figure}}, {"exists": {"field": per}}]
    inner = _metric_aggs(metric, figure, per)
    terms = lambda g: {"terms": {"field": GROUPS[g], "size": MAX_BUCKETS,  # noqa: E731 — a one-line helper
                                 "order": {"_key": "asc"}}}
    top = {**terms(group[0]), "aggs": dict(inner)}
    if len(group) == 2:
        top["aggs"]["g2"] = {**terms(group[1]), "aggs": dict(inner)}
    res = es.search(index=get_settings().es_alias, query=query, size=0, track_total_hits=True,
                    aggs={"g1": top, **inner})
    aggs = res["aggregations"]
    rows = []
    for b1 in aggs["g1"]["buckets"]:
        if len(group) == 1:
            rows.append({group[0]: b1["key"], **_row(b1, metric, figure, per)})
        else:
            for b2 in b1["g2"]["buckets"]:
                rows.append({group[0]: b1["key"], group[1]: b2["key"], **_row(b2, metric, figure, per)})
    overall = _row({"doc_count": res["hits"]["total"]["value"], **aggs}, metric, figure, per)
    return {"metric": metric, "figure": figure, "per": per, "group": group,
            "figure_label": cell_label(figure) if figure else "年报数 / reports",
            "per_label": cell_label(per) if per else None, "rows": rows, "overall": overall}


def _group_header(name: str) -> str:
    f = next((f for f in FACETS if f.name == name), None)
    return f"{f.zh} {name}" if f else name


def xlsx_table(res: dict) -> tuple[list[str], list[list]]:
    """Headers and rows of a stats answer: one row per group, then the overall row ("合计 overall")."""
    group = res["group"]
    cols: list[tuple[str, str]] = [("value", f"{res['figure_label']} value" if res["per"] is None
                                    else f"{res['figure_label']} ÷ {res['per_label']} value"),
                                   ("reports", "年报数 reports"),
                                   ("incomplete", "数据不完整的年报 incomplete"),
                                   ("ungraded", "未评定的年报 ungraded")]
    if res["figure"] is not None:
        cols += [("figure_sum", "数值合计 figure_sum"), ("figure_count", "有该数值的年报 figure_count")]
    if res["per"] is not None:
        cols.append(("per_sum", "分母合计 per_sum"))
    headers = [_group_header(g) for g in group] + [h for _, h in cols]
    rows = [[r.get(g) for g in group] + [r.get(k) for k, _ in cols] for r in res["rows"]]
    rows.append(["合计 overall"] + [None] * (len(group) - 1) + [res["overall"].get(k) for k, _ in cols])
    return headers, rows


@router.get("/stats.xlsx", summary="数据统计导出为 Excel / the stats table as XLSX",
            response_class=Response, responses={**XLSX_RESPONSES, **R422, **R502, **R503})
def stats_xlsx(params: Annotated[StatsQuery, Query()], es: Elasticsearch = Depends(get_es)) -> Response:
    """The rows of `/stats` (same parameters) as an Excel workbook: the group columns, then value,
    reports, incomplete, ungraded (and figure_sum, figure_count, per_sum when a figure is asked for),
    all numeric cells; the last row is the overall total."""
    headers, rows = xlsx_table(compute(params, es))
    name = "-".join(["nianbao-stats", params.resolved_metric, *params.group])
    return xlsx_response(workbook(headers, rows, sheet="统计 stats"), f"{name}.xlsx")
