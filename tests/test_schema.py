"""The schema catalogue (shared/schema.py): every cell path of both templates declared exactly once, the
identities over declared cells only, and everything that used to keep its own copy (record keys, rules'
labels, ES mapping, search API, parser) reading the catalogue."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import get_args

import pytest

from services.parse.parser.findings import TABLE_ZH
from services.parse.parser.quality import expected_cells
from services.pipeline import process_bytes
from services.search import query
from services.validate.rules import _common
from shared import record
from shared.es_index import FACET_PATHS, MAPPING_VERSION, SUMMARY_FIGURES, index_body
from shared.schema import (
    FACETS,
    KEY_FIGURES,
    SECTIONS,
    STATS_GROUPS,
    TABLE,
    TABLES,
    TEMPLATES,
    catalogue,
    cell_labels,
    identities_of,
    ordered_cell_paths,
    table_cells,
)
from tests.paths import REPO
from tests.synth import generate


def test_every_cell_path_of_both_templates_exactly_once():
    every: list[str] = []
    for t in TABLES:
        cols = [c.key for c in t.columns]
        assert len(set(cols)) == len(cols), t.key
        per_template: list[str] = []
        for tpl in TEMPLATES:
            rows = [r.key for r in t.rows[tpl]]
            assert len(set(rows)) == len(rows), (t.key, tpl)
            for r in t.rows[tpl]:
                assert r.cols and set(r.cols) <= set(cols), (t.key, r.key)
                assert list(r.cols) == sorted(r.cols, key=cols.index)  # the table's column order
            cells = t.cells[tpl]
            assert not [p for p, n in Counter(cells).items() if n > 1], (t.key, tpl)
            assert cells == tuple(f"{t.key}.{r.key}.{c}" for r in t.rows[tpl] for c in r.cols)
            per_template += cells
        assert Counter(t.all_cells()) == Counter(set(per_template))  # the union, each path once
        every += t.all_cells()
    assert Counter(ordered_cell_paths()) == Counter(every)  # no path in two tables, none left out
    assert len(ordered_cell_paths()) == len(set(ordered_cell_paths()))
    # Every column is used by some row of some template; every cell has a label in both languages.
    for t in TABLES:
        used = {c for tpl in TEMPLATES for r in t.rows[tpl] for c in r.cols}
        assert used == {c.key for c in t.columns}, t.key
    assert list(cell_labels()) == list(ordered_cell_paths())
    assert all(zh and en for zh, en in cell_labels().values())


@pytest.mark.parametrize("template", TEMPLATES)
def test_parsed_complete_tables_have_exactly_the_catalogue_cells(template):
    """An independent check: a generated report of each template, parsed, fills exactly the cells the
    catalogue declares for it (the 2021 applications table with its (六) sub-rows)."""
    rep = next(r for r in generate(40, 7, layouts=("pipe",), error_rate=0, traditional_rate=0)
               if r.truth["meta"]["template"] == template)
    rec = process_bytes(rep.data, rep.filename)
    assert rec.meta.template == template
    for t in TABLES:
        got = [f"{t.key}.{row}.{col}" for row, cols in getattr(rec, t.key).items() for col in cols]
        assert sorted(got) == sorted(table_cells(t.key, template)), t.key


def test_identities_refer_to_catalogue_cells():
    for t in TABLES:
        for tpl in TEMPLATES:
            cells = set(t.cells[tpl])
            for ident in identities_of(t.key, tpl == "2021"):
                assert ident.where in ident.paths, ident
                assert set(ident.paths) <= cells, (tpl, ident)
                assert len(set(ident.paths)) == len(ident.paths), ident
    # Every cell of the applications and review/litigation tables is held by some identity.
    for key in ("applications", "review_litigation"):
        for tpl in TEMPLATES:
            held = {p for i in identities_of(key, tpl == "2021") for p in i.paths}
            derived = {p for p in TABLE[key].cells[tpl] if tpl == "2021" and p.startswith("applications.other.")
                       and p.count(".") == 2}  # 2021 `other`: the sum of its sub-rows, no identity of its own
            assert held | derived == set(TABLE[key].cells[tpl]), (key, tpl)
    assert identities_of("active_disclosure") == ()


def test_record_keys_come_from_the_catalogue():
    app = TABLE["applications"]
    assert record.APP_COLS == tuple(c.key for c in app.columns)
    assert record.APP_ROWS_2019 == tuple(r.key for r in app.rows["2019"])
    assert record.APP_ROWS_2021 == tuple(r.key for r in app.rows["2021"])
    assert record.APP_OTHER_SUBROWS == ("other.no_correction", "other.unpaid_fee", "other.other")
    assert record.APP_ORG_COLS == ("commercial", "research", "social_welfare", "legal_services", "other_org")
    assert record.APP_RESULT_ROWS[0] == "granted" and record.APP_RESULT_ROWS[-1] == "other"
    assert record.RL_GROUPS == ("review", "litigation_direct", "litigation_after_review")
    assert record.AD_KEYS["2019"]["procurement"] == ("items", "amount_wan_yuan")
    assert record.SECTION_TITLES == {s.no: s.zh for s in SECTIONS}
    assert set(get_args(record.Template)) == set(TEMPLATES)


def test_labels_follow_the_template():
    app = TABLE["applications"]
    assert app.column("other_org").zh == "其他组织"  # under 法人或其他组织 (2021 template)
    assert app.heading(app.column("other_org").group).zh == "法人或其他组织"
    assert record.APP_ROW_LABELS["denied.state_secret"] == "三(三)1 属于国家秘密"
    assert record.APP_ROW_LABELS["new_received"] == "一、本年新收政府信息公开申请数量"
    assert record.APP_ROW_LABELS["other"] == "三(六)其他处理"
    # The section a table sits in is the one whose title names it.
    for t in TABLES:
        assert t.zh.endswith("表") and SECTIONS[t.section - 1].zh in t.zh
    # The rules', the parser's and the search API's labels are the catalogue's.
    assert _common.APP_COL_NAMES["other_org"] == ("其他组织", "Other organisations")
    assert _common.row_zh("unable.not_held") == "本机关不掌握相关政府信息"
    assert _common.APP_ROW_EN["unable.not_held"] == "unable: not held"
    assert _common.RL_GROUP_NAMES["litigation_direct"] == ("行政诉讼（未经复议直接起诉）", "Litigation without prior review")
    assert TABLE_ZH == {t.key: t.zh for t in TABLES}
    assert query.cell_label("applications.granted.other_org") == "三(一)予以公开 · 其他组织"
    assert query.cell_label("review_litigation.litigation_direct.total") == "行政诉讼（未经复议直接起诉） · 总计"


def test_es_mapping_cells_are_the_catalogue_cells():
    props = index_body()["mappings"]["properties"]

    def leaves(node: dict, prefix: str) -> dict[str, str]:
        out = {}
        for k, v in node["properties"].items():
            if "properties" in v:
                out.update(leaves(v, f"{prefix}{k}."))
            else:
                out[f"{prefix}{k}"] = v["type"]
        return out

    mapped = {p: ty for t in TABLES for p, ty in leaves(props[t.key], f"{t.key}.").items()}
    # Dotted row keys are object paths in ES: the 2021 `other` row and its sub-rows share `other`.
    assert set(mapped) == set(ordered_cell_paths())
    for path, ty in mapped.items():
        table, col = path.split(".", 1)[0], path.rsplit(".", 1)[1]
        assert ty == ("double" if TABLE[table].column(col).money else "long"), path


# The mapping each MAPPING_VERSION stands for (sha256 of the sorted JSON, first 16 hex digits). A change
# to the mapping (a cell, a facet, a field) needs a new MAPPING_VERSION (shared/es_index.py) and a line here.
MAPPINGS = {3: "4811744827d2f630"}


def test_mapping_is_the_one_its_version_stands_for():
    for builtin_cjk in (True, False):
        mapping = json.dumps(index_body(builtin_cjk)["mappings"], sort_keys=True).encode()
        assert hashlib.sha256(mapping).hexdigest()[:16] == MAPPINGS[MAPPING_VERSION]


def test_facets_and_key_figures_are_declared_once():
    assert FACET_PATHS == {f.name: f.path for f in FACETS}
    assert query.FACETS == FACET_PATHS
    assert list(query.GROUPS) == list(STATS_GROUPS) and set(STATS_GROUPS) <= set(FACET_PATHS)
    assert SUMMARY_FIGURES == tuple(k.path for k in KEY_FIGURES)
    assert set(SUMMARY_FIGURES) <= set(ordered_cell_paths())
    assert query.cell_paths() == frozenset(ordered_cell_paths())
    assert query.ordered_cell_paths() == list(ordered_cell_paths())
    values = {f.name: set(f.values) for f in FACETS}
    assert values["level"] == set(get_args(record.Level))
    assert values["severity"] == set(get_args(record.Severity))
    assert values["quality"] == set(get_args(record.Grade))
    assert values["template"] == set(TEMPLATES)
    # Every rule id the docs list (and the parser's own) has a display name.
    documented = set(re.findall(r"^\| ([A-Z_]{6,}) \|", (REPO / "docs" / "validation.md").read_text(), re.M))
    assert documented and documented | {"AMBIGUOUS_CELLS"} <= values["rule"]


def test_quality_expects_the_catalogue_cells():
    assert expected_cells("applications", "2021", False) == list(table_cells("applications", "2019"))
    assert expected_cells("applications", "2019", True) == list(table_cells("applications", "2021"))
    assert expected_cells("active_disclosure", None, False) == list(table_cells("active_disclosure", "2021"))
    assert expected_cells("active_disclosure", "2019", False) == list(TABLE["active_disclosure"].cells["2019"])


def test_catalogue_serialises():
    data = catalogue().model_dump(mode="json")
    assert [t["key"] for t in data["tables"]] == [t.key for t in TABLES]
    app = next(t for t in data["tables"] if t["key"] == "applications")
    assert app["rows"]["2021"][4]["label"] == "三(三)1 属于国家秘密"
    assert app["cells"]["2019"] == list(table_cells("applications", "2019"))
    assert [c["path"] for c in data["cells"]] == list(ordered_cell_paths())
    assert data["identities"]["review_litigation"]["2019"][0]["terms"][0] == ["review_litigation.review.upheld", 1]
