"""The Kibana saved objects shipped in monitoring/kibana/*.ndjson, built from code.

Objects use Kibana's saved-object export format (Kibana 8.8+ / 9.x): data views (`index-pattern`),
Lens visualizations (`lens`, form-based datasource) and dashboards that reference them by id. Writing
them from code keeps ids, field names and the record's application rows in one place; the NDJSON files
are the build output and are committed. Regenerate with `python -m monitoring.kibana_objects`; a test
fails when the committed files differ from this module's output.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from shared.kibana import EVENTS_DV, OUT_DIR, REPORTS_DV
from shared.record import APP_RESULT_ROWS, APP_ROW_LABELS

CORE_MIGRATION = "8.8.0"
# The newest migration each type has before model versions; importing older objects re-runs
# migrations, claiming newer ones is refused. Values as in Kibana's own sample data sets.
TYPE_MIGRATION = {"index-pattern": "7.11.0", "lens": "8.9.0", "dashboard": "8.7.0"}
PANEL_VERSION = "8.11.0"
STAGE_QUERY = 'event_type : "stage"'
FAILED_QUERY = 'event_type : "stage" and status : ("failed" or "dead_letter")'
QUEUE_QUERY = 'event_type : "queue_depth"'
CURRENT_REPORTS = "not superseded : true"


def _saved(type_: str, id_: str, attributes: dict, references: list[dict]) -> dict[str, Any]:
    return {"type": type_, "id": id_, "attributes": attributes, "references": references,
            "coreMigrationVersion": CORE_MIGRATION, "typeMigrationVersion": TYPE_MIGRATION[type_],
            "managed": False}


def data_view(id_: str, title: str, name: str, time_field: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"title": title, "name": name, "fields": "[]", "fieldFormatMap": "{}",
                             "runtimeFieldMap": "{}", "typeMeta": "{}", "allowNoIndex": True}
    if time_field:
        attrs["timeFieldName"] = time_field
    return _saved("index-pattern", id_, attrs, [])


# --- Lens columns (form-based datasource) -----------------------------------------------------

def count(label: str) -> dict:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": "count",
            "isBucketed": False, "scale": "ratio", "sourceField": "___records___", "params": {"emptyAsNull": True}}


def metric(op: str, field: str, label: str, **params: Any) -> dict:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": op,
            "sourceField": field, "isBucketed": False, "scale": "ratio", "params": {**params, "emptyAsNull": True}}


def percentile(field: str, p: int, label: str) -> dict:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": "percentile",
            "sourceField": field, "isBucketed": False, "scale": "ratio", "params": {"percentile": p}}


def date_histogram(field: str = "@timestamp", interval: str = "auto") -> dict:
    return {"label": field, "dataType": "date", "operationType": "date_histogram", "sourceField": field,
            "isBucketed": True, "scale": "interval",
            "params": {"interval": interval, "includeEmptyRows": True, "dropPartials": False}}


def terms(field: str, label: str, size: int, order_by: str | None = None, data_type: str = "string",
          other: bool = True) -> dict:
    """Top values of `field`, by the metric column `order_by` (descending) or alphabetically."""
    order = {"type": "column", "columnId": order_by} if order_by else {"type": "alphabetical", "fallback": False}
    return {"label": label, "customLabel": True, "dataType": data_type, "operationType": "terms",
            "sourceField": field, "isBucketed": True, "scale": "ordinal",
            "params": {"size": size, "orderBy": order, "orderDirection": "desc" if order_by else "asc",
                       "otherBucket": other, "missingBucket": False, "parentFormat": {"id": "terms"}}}


# --- Lens visualizations ----------------------------------------------------------------------

def _xy(series: str, layer: str, accessors: list[str], x: str | None, split: str | None) -> dict:
    vis_layer: dict[str, Any] = {"layerId": layer, "layerType": "data", "seriesType": series, "accessors": accessors}
    if x:
        vis_layer["xAccessor"] = x
    if split:
        vis_layer["splitAccessor"] = split
    on = {"x": True, "yLeft": True, "yRight": True}
    return {"legend": {"isVisible": True, "position": "right"}, "valueLabels": "hide",
            "fittingFunction": "None", "preferredSeriesType": series, "axisTitlesVisibilitySettings": on,
            "tickLabelsVisibilitySettings": on, "gridlinesVisibilitySettings": on,
            "yLeftExtent": {"mode": "full"}, "yRightExtent": {"mode": "full"}, "layers": [vis_layer]}


def lens(id_: str, title: str, description: str, data_view_id: str, columns: dict[str, dict],
         visualization_type: str, visualization: dict, query: str = "") -> dict[str, Any]:
    layer = "layer1"
    state = {
        "visualization": visualization,
        "query": {"query": query, "language": "kuery"},
        "filters": [],
        "datasourceStates": {"formBased": {"layers": {layer: {
            "columns": columns, "columnOrder": list(columns), "incompleteColumns": {}}}}},
        "internalReferences": [],
        "adHocDataViews": {},
    }
    refs = [{"type": "index-pattern", "id": data_view_id, "name": f"indexpattern-datasource-layer-{layer}"}]
    return _saved("lens", id_, {"title": title, "description": description,
                                "visualizationType": visualization_type, "state": state}, refs)


def xy_lens(id_: str, title: str, description: str, data_view_id: str, series: str, *,
            x: tuple[str, dict] | None, split: tuple[str, dict] | None, metrics: dict[str, dict],
            query: str = "") -> dict[str, Any]:
    columns: dict[str, dict] = {}
    for part in (x, split):
        if part:
            columns[part[0]] = part[1]
    columns.update(metrics)
    vis = _xy(series, "layer1", list(metrics), x[0] if x else None, split[0] if split else None)
    return lens(id_, title, description, data_view_id, columns, "lnsXY", vis, query)


def table_lens(id_: str, title: str, description: str, data_view_id: str, columns: dict[str, dict],
               query: str = "") -> dict[str, Any]:
    vis = {"layerId": "layer1", "layerType": "data", "columns": [{"columnId": c} for c in columns]}
    return lens(id_, title, description, data_view_id, columns, "lnsDatatable", vis, query)


def metric_lens(id_: str, title: str, description: str, data_view_id: str, column: dict,
                query: str = "") -> dict[str, Any]:
    vis = {"layerId": "layer1", "layerType": "data", "metricAccessor": "value"}
    return lens(id_, title, description, data_view_id, {"value": column}, "lnsMetric", vis, query)


def dashboard(id_: str, title: str, description: str, panels: list[tuple[dict, int, int, int, int]], *,
              time_from: str | None, refresh_ms: int | None) -> dict[str, Any]:
    """`panels`: (lens object, x, y, w, h) on Kibana's 48-column grid."""
    panel_json, refs = [], []
    for i, (obj, x, y, w, h) in enumerate(panels, 1):
        pid = f"p{i}"
        panel_json.append({"version": PANEL_VERSION, "type": obj["type"], "panelIndex": pid,
                           "gridData": {"x": x, "y": y, "w": w, "h": h, "i": pid},
                           "embeddableConfig": {"enhancements": {}}, "panelRefName": f"panel_{pid}"})
        refs.append({"name": f"{pid}:panel_{pid}", "type": obj["type"], "id": obj["id"]})
    attrs: dict[str, Any] = {
        "title": title, "description": description, "version": 1,
        "panelsJSON": json.dumps(panel_json, ensure_ascii=False),
        "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True,
                                   "syncTooltips": False, "hidePanelTitles": False}),
        "timeRestore": time_from is not None,
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"},
                                                                  "filter": []})},
    }
    if time_from is not None:
        attrs.update(timeFrom=time_from, timeTo="now",
                     refreshInterval={"pause": refresh_ms is None, "value": refresh_ms or 60000})
    return _saved("dashboard", id_, attrs, refs)


# --- the shipped objects ----------------------------------------------------------------------

def data_views() -> list[dict]:
    return [
        data_view(EVENTS_DV, "nianbao-events-*", "年报管道事件 / Nianbao pipeline events", "@timestamp"),
        # No time field: the reports dashboard shows every indexed report whatever the time picker says.
        data_view(REPORTS_DV, "nianbao-reports", "年报 / Nianbao reports", None),
    ]


def pipeline_objects() -> list[dict]:
    per_minute = xy_lens(
        "nianbao-pipeline-docs-per-stage", "每分钟各阶段处理文档数 / Documents per stage per minute",
        "Stage runs per minute, stacked by stage (one event per document per stage).", EVENTS_DV, "bar_stacked",
        x=("time", date_histogram(interval="1m")), split=("stage", terms("stage", "阶段 / stage", 10, "runs")),
        metrics={"runs": count("文档数 / documents")}, query=STAGE_QUERY)
    failures = xy_lens(
        "nianbao-pipeline-failures-by-reason", "失败原因 / Failures by reason",
        "Failed and dead-lettered stage runs by error code, split by stage.", EVENTS_DV, "bar_horizontal_stacked",
        x=("reason", terms("error_code", "原因 / reason", 15, "failures")),
        split=("stage", terms("stage", "阶段 / stage", 10, "failures")),
        metrics={"failures": count("失败数 / failures")}, query=FAILED_QUERY)
    messages = table_lens(
        "nianbao-pipeline-failure-messages", "失败信息 / Failure messages",
        "The most frequent failure messages with their stage.", EVENTS_DV,
        {"message": terms("error_message.kw", "信息 / message", 20, "n"),
         "stage": terms("stage", "阶段 / stage", 5, "n", other=False),
         "n": count("次数 / count")}, query=FAILED_QUERY)
    durations = xy_lens(
        "nianbao-pipeline-duration-percentiles", "各阶段耗时百分位 / Duration percentiles per stage (ms)",
        "Median, 95th and 99th percentile of a stage run's duration in milliseconds.", EVENTS_DV, "bar",
        x=("stage", terms("stage", "阶段 / stage", 10)),
        split=None,
        metrics={"p50": percentile("duration_ms", 50, "P50 (ms)"),
                 "p95": percentile("duration_ms", 95, "P95 (ms)"),
                 "p99": percentile("duration_ms", 99, "P99 (ms)")}, query=STAGE_QUERY)
    backlog = xy_lens(
        "nianbao-pipeline-queue-backlog", "队列积压 / Queue backlog",
        "Messages waiting in each stage queue (samples by the ingest API).", EVENTS_DV, "line",
        x=("time", date_histogram()), split=("stage", terms("stage", "队列 / queue", 10, "depth")),
        metrics={"depth": metric("max", "queue_depth", "积压 / waiting")}, query=QUEUE_QUERY)
    workers = xy_lens(
        "nianbao-pipeline-live-workers", "在线 worker / Live workers per queue",
        "Workers answering Celery's inspect broadcast, per stage queue; 0 means the stage is stalled.",
        EVENTS_DV, "line",
        x=("time", date_histogram()), split=("stage", terms("stage", "队列 / queue", 10, "workers")),
        metrics={"workers": metric("min", "workers", "worker 数 / workers")}, query=QUEUE_QUERY)
    board = dashboard(
        "nianbao-pipeline", "管道运行 / Pipeline",
        "年报处理管道：吞吐、失败、耗时、积压 / throughput, failures, durations and backlog of the pipeline",
        [(per_minute, 0, 0, 24, 14), (backlog, 24, 0, 24, 14),
         (failures, 0, 14, 24, 14), (durations, 24, 14, 24, 14),
         (workers, 0, 28, 24, 12), (messages, 24, 28, 24, 12)],
        time_from="now-1h", refresh_ms=30000)
    return [per_minute, failures, messages, durations, backlog, workers, board]


def reports_objects() -> list[dict]:
    n_reports = metric_lens("nianbao-reports-count", "年报数量 / Reports", "Current (not superseded) reports.",
                            REPORTS_DV, count("年报 / reports"), CURRENT_REPORTS)
    by_province_year = xy_lens(
        "nianbao-reports-by-province-year", "按省份和年度的年报数 / Reports by province and year",
        "Reports per report year, stacked by province.", REPORTS_DV, "bar_stacked",
        x=("year", terms("meta.year", "年度 / year", 30, data_type="number", other=False)),
        split=("province", terms("meta.region.province", "省份 / province", 15, "reports")),
        metrics={"reports": count("年报 / reports")}, query=CURRENT_REPORTS)
    by_rule = xy_lens(
        "nianbao-reports-findings-by-rule", "按规则的校验发现 / Findings by rule",
        "Reports with at least one finding of each validation rule.", REPORTS_DV, "bar_horizontal",
        x=("rule", terms("findings.rule", "规则 / rule", 30, "reports")), split=None,
        metrics={"reports": count("年报 / reports")}, query=CURRENT_REPORTS)
    outcomes = xy_lens(
        "nianbao-reports-applications-by-outcome", "申请办理结果 / Applications by outcome",
        "Sum of 总计 / total column of each result row of table 三 over the current reports.", REPORTS_DV,
        "bar_horizontal", x=None, split=None,
        metrics={row.replace(".", "_"): metric("sum", f"applications.{row}.total", APP_ROW_LABELS[row])
                 for row in APP_RESULT_ROWS}, query=CURRENT_REPORTS)
    agencies = table_lens(
        "nianbao-reports-agencies", "机关与校验发现 / Agencies and findings",
        "Agencies with the most error and warning findings.", REPORTS_DV,
        {"agency": terms("meta.agency.kw", "机关 / agency", 25, "findings", other=False),
         "findings": metric("sum", "finding_count", "发现 / findings"),
         "reports": count("年报 / reports")}, query=CURRENT_REPORTS)
    board = dashboard(
        "nianbao-reports-overview", "年报概览 / Reports",
        "已入库年报：地区与年度、校验发现、申请办理结果 / indexed reports: regions and years, findings, outcomes",
        [(n_reports, 0, 0, 12, 8), (by_province_year, 12, 0, 36, 16),
         (by_rule, 0, 16, 24, 18), (outcomes, 24, 16, 24, 18), (agencies, 0, 34, 48, 14)],
        time_from=None, refresh_ms=None)
    return [n_reports, by_province_year, by_rule, outcomes, agencies, board]


# --- what the objects need from the mappings (checked against live Elasticsearch in the tests) ---

# Lens column dataType → Elasticsearch field types that can back it.
LENS_TYPES: dict[str, frozenset[str]] = {
    "number": frozenset({"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float",
                         "unsigned_long"}),
    "string": frozenset({"keyword", "constant_keyword", "wildcard"}),  # aggregatable strings only
    "date": frozenset({"date", "date_nanos"}),
    "boolean": frozenset({"boolean"}),
}
_KQL_FIELD = re.compile(r"(?<![\w.@])([A-Za-z_@][\w.@]*)\s*:")


def referenced_fields(objects: list[dict]) -> dict[str, dict[str, str | None]]:
    """{data view id: {field: Lens dataType or None (any type)}} over data views and Lens objects:
    time fields, column source fields and fields named in KQL queries."""
    out: dict[str, dict[str, str | None]] = {}
    for o in objects:
        a = o["attributes"]
        if o["type"] == "index-pattern" and a.get("timeFieldName"):
            out.setdefault(o["id"], {})[a["timeFieldName"]] = "date"
        if o["type"] != "lens":
            continue
        refs = {r["name"]: r["id"] for r in o["references"]}
        for layer_id, layer in a["state"]["datasourceStates"]["formBased"]["layers"].items():
            fields = out.setdefault(refs[f"indexpattern-datasource-layer-{layer_id}"], {})
            for col in layer["columns"].values():
                if col.get("sourceField") and col["sourceField"] != "___records___":
                    fields[col["sourceField"]] = col["dataType"]
            for name in _KQL_FIELD.findall(a["state"]["query"]["query"]):
                fields.setdefault(name, None)
    return out


FILES: dict[str, Any] = {
    "00-data-views.ndjson": data_views,
    "10-pipeline.ndjson": pipeline_objects,
    "20-reports.ndjson": reports_objects,
}


def to_ndjson(objects: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects)


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FILES.items():
        p = out_dir / name
        p.write_text(to_ndjson(make()), encoding="utf-8")
        written.append(p)
    return written


if __name__ == "__main__":
    for p in build():
        print(p)
