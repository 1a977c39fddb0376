"""GET /api/v1/stats: a figure summed / averaged / counted, grouped by one or two fields, over the same
filters as the search — optionally as a ratio of two figures (e.g. the 予以公开 share). Every row also
says how many of its reports had incomplete figures (read quality partial or unreadable) and how many
were never graded, so a total is not read as complete when some of its reports could not be read."""
from __future__ import annotations

from typing import Any, Literal

from elasticsearch import Elasticsearch
from fastapi import APIRouter, Depends, HTTPException, Query

from services.search.deps import get_es
from services.search.query import GROUPS, SearchParams, build_query, cell_label, check_cell_path
from services.search.routers.common import params_dep, query_or_422
from shared.es_index import INCOMPLETE_GRADES
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


@router.get("/stats", summary="数据统计 / figures summed, averaged or counted by group")
def stats(p: SearchParams = Depends(params_dep),
          metric: Literal["sum", "avg", "count"] | None = Query(
              None, description="sum | avg | count；默认：有 figure 时 sum，否则 count / default: sum with a "
                                "figure, else count"),
          figure: str | None = Query(None, description="表格单元路径 / cell path, e.g. applications.granted.total; "
                                                       "without it, count counts reports"),
          per: str | None = Query(None, description="分母单元路径：结果为 sum(figure)/sum(per) / denominator "
                                                    "cell path: the value becomes sum(figure)/sum(per)"),
          group: list[str] = Query(["province"], description="分组字段（一或两个） / one or two of: "
                                                              + ", ".join(GROUPS)),
          es: Elasticsearch = Depends(get_es)) -> dict:
    """Rows of `{<group>: key, …, value, reports, incomplete, ungraded, figure_sum, figure_count, per_sum}`,
    plus `overall`. `incomplete`: how many of `reports` had incomplete figures (read quality partial or
    unreadable: a sum over them may lack numbers); `ungraded`: how many were indexed before reports were
    graded. Reports lacking the figure (or, with `per`, either figure) are left out of a ratio, so
    numerator and denominator always come from the same reports."""
    metric = metric or ("sum" if figure is not None else "count")
    if not 1 <= len(group) <= 2 or any(g not in GROUPS for g in group) or len(set(group)) != len(group):
        raise HTTPException(422, f"group 须为一或两个不同的字段：{', '.join(GROUPS)} / group must be one or two of these")
    if figure is not None:
        query_or_422(check_cell_path, figure, "figure")
    elif metric != "count" or per:
        raise HTTPException(422, "sum/avg/per 需要 figure / sum, avg and per need a figure")
    if per is not None:
        query_or_422(check_cell_path, per, "per")
        if metric != "sum":
            raise HTTPException(422, "比例只支持 metric=sum / a ratio needs metric=sum")
    query = query_or_422(build_query, p)
    if per:  # a ratio over the reports that state both figures
        query["bool"]["filter"] += [{"exists": {"field": figure}}, {"exists": {"field": per}}]
    inner = _metric_aggs(metric, figure, per)
    terms = lambda g: {"terms": {"field": GROUPS[g], "size": MAX_BUCKETS,  # noqa: E731
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
