"""The shipped Kibana saved objects: up to date with their builder, and internally consistent
(every reference resolves, every Lens accessor names a column). Field names and types are checked
against live mappings in tests/integration/test_events.py."""
from __future__ import annotations

import json

import pytest

from monitoring.kibana_objects import FILES, OUT_DIR, to_ndjson
from shared.kibana import load_objects

OBJECTS = load_objects(OUT_DIR)
BY_KEY = {(o["type"], o["id"]): o for o in OBJECTS}
LENSES = [o for o in OBJECTS if o["type"] == "lens"]
DASHBOARDS = {o["attributes"]["title"]: o for o in OBJECTS if o["type"] == "dashboard"}


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_ndjson_matches_builder(name):
    assert (OUT_DIR / name).read_text(encoding="utf-8") == to_ndjson(FILES[name]()), \
        "monitoring/kibana is stale: run `python -m monitoring.kibana_objects` and commit the result"


def test_ids_unique_and_every_line_is_a_saved_object():
    assert len(BY_KEY) == len(OBJECTS)
    for o in OBJECTS:
        assert {"type", "id", "attributes", "references", "coreMigrationVersion", "typeMigrationVersion"} <= set(o)


def test_both_dashboards_shipped_with_their_data_views():
    assert set(DASHBOARDS) == {"管道运行 / Pipeline", "年报概览 / Reports"}
    titles = {o["id"]: o["attributes"]["title"] for o in OBJECTS if o["type"] == "index-pattern"}
    assert titles == {"nianbao-events": "nianbao-events-*", "nianbao-reports": "nianbao-reports"}


@pytest.mark.parametrize("title", ["管道运行 / Pipeline", "年报概览 / Reports"])
def test_dashboard_panels_resolve_to_shipped_objects(title):
    d = DASHBOARDS[title]
    panels = json.loads(d["attributes"]["panelsJSON"])
    refs = {r["name"]: r for r in d["references"]}
    assert len(panels) >= 4
    cells = set()
    for p in panels:
        ref = refs[f"{p['panelIndex']}:{p['panelRefName']}"]
        assert (ref["type"], ref["id"]) in BY_KEY, ref
        g = p["gridData"]
        assert g["i"] == p["panelIndex"] and g["x"] + g["w"] <= 48
        # Panels must not overlap on Kibana's grid.
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & mine, p["panelIndex"]
        cells |= mine


@pytest.mark.parametrize("obj", LENSES, ids=[o["id"] for o in LENSES])
def test_lens_layers_reference_data_views_and_columns(obj):
    state = obj["attributes"]["state"]
    layers = state["datasourceStates"]["formBased"]["layers"]
    refs = {r["name"]: r for r in obj["references"]}
    for layer_id, layer in layers.items():
        ref = refs[f"indexpattern-datasource-layer-{layer_id}"]
        assert ("index-pattern", ref["id"]) in BY_KEY
        assert sorted(layer["columnOrder"]) == sorted(layer["columns"])
        for col in layer["columns"].values():
            if col["operationType"] == "terms" and col["params"]["orderBy"]["type"] == "column":
                assert col["params"]["orderBy"]["columnId"] in layer["columns"]
    vis = state["visualization"]
    used = []
    for layer in vis.get("layers", [vis]):
        assert layer["layerId"] in layers
        used += layer.get("accessors", []) + [layer.get(k) for k in ("xAccessor", "splitAccessor", "metricAccessor")]
        used += [c["columnId"] for c in layer.get("columns", [])]
        columns = layers[layer["layerId"]]["columns"]
        assert {u for u in used if u} <= set(columns)
