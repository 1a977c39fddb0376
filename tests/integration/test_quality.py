"""Issue 15: read quality in the index, the search facet and filter, and the incompleteness counts of
stats and export — against the real stack (tests/integration/quality_corpus.py: complete, partial,
unreadable and never-graded reports). Expected values are computed from the records read back."""
from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict

import pytest
from elasticsearch import Elasticsearch

from services.search.routers.common import dig
from shared.es_index import MAPPING_VERSION, mapping_version
from tests.integration import quality_corpus
from tests.integration.conftest import search_get as get
from tests.integration.conftest import search_json as search
from tests.integration.conftest import wait_status

NEW = "applications.new_received.total"
INCOMPLETE = ("partial", "unreadable")


@pytest.fixture(scope="module")
def corpus(stack):
    return quality_corpus.load(stack)


def ids_where(corpus, *grades: str | None) -> list[str]:
    return sorted(i for i in corpus.records if corpus.grade(i) in grades)


def export_rows(stack, **params) -> tuple[list[str], list[list[str]]]:
    r = get(stack, "/api/v1/export", **params)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def test_corpus_has_every_grade(corpus):
    ids = corpus.ids
    assert corpus.grade(ids["partial"]) == "partial", corpus.records[ids["partial"]].get("quality")
    assert corpus.grade(ids["unreadable"]) == "unreadable"
    assert corpus.grade(ids["ungraded"]) is None  # indexed without a grade: unknown, not "complete"
    assert ids_where(corpus, "complete"), {i: corpus.grade(i) for i in corpus.records}
    partial = corpus.records[ids["partial"]]
    unknown = [p for p, v in partial["provenance"].items() if v["source"] == "unknown"]
    assert unknown and all(dig(partial, p) is None for p in unknown)
    assert partial["quality"]["reasons"]


def test_index_holds_grade_and_counts_under_the_new_mapping(stack, corpus):
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    alias = stack.env["NIANBAO_ES_ALIAS"]
    (index,) = es.indices.get_alias(name=alias)
    assert mapping_version(es, index) == MAPPING_VERSION
    for doc_id, rec in corpus.records.items():
        src = es.get(index=alias, id=doc_id, source=["quality", "facet"])["_source"]
        if rec["quality"] is None:
            assert "quality" not in src and not [f for f in src["facet"] if f.startswith("quality:")]
        else:
            want = {k: rec["quality"][k] for k in ("grade", "cells_read", "cells_inferred", "cells_unknown",
                                                   "tables_found")}
            assert src["quality"] == want
            assert f"quality:{want['grade']}" in src["facet"]


def test_quality_facet_counts_graded_reports_only(stack, corpus):
    facets = search(stack, size=0)["facets"]["quality"]
    want = Counter(g for i in corpus.records if (g := corpus.grade(i)))
    assert {b["value"]: b["count"] for b in facets} == dict(want)
    assert sum(want.values()) == len(corpus.records) - 1  # the ungraded report is in no bucket
    # Disjunctive like every facet: choosing complete still offers the other grades with their counts.
    chosen = search(stack, size=0, quality="complete")
    assert chosen["total"] == want["complete"]
    assert {b["value"]: b["count"] for b in chosen["facets"]["quality"]} == dict(want)


def test_quality_filter_in_search(stack, corpus):
    res = search(stack, size=100, quality="complete")
    assert sorted(h["id"] for h in res["results"]) == ids_where(corpus, "complete")
    assert corpus.ids["partial"] not in {h["id"] for h in res["results"]}
    res = search(stack, size=100, quality=list(INCOMPLETE), facets=False)
    assert sorted(h["id"] for h in res["results"]) == ids_where(corpus, *INCOMPLETE)
    # Every hit carries its grade for the result list's badge; the ungraded one carries none.
    for h in search(stack, size=100, facets=False)["results"]:
        q = corpus.records[h["id"]]["quality"]
        assert h["quality"] == (q and {"grade": q["grade"], "cells_unknown": q["cells_unknown"]})
    r = get(stack, "/api/v1/search", quality="good")
    assert r.status_code == 422 and "complete" in r.text


def test_stats_say_how_many_reports_were_incomplete(stack, corpus):
    res = get(stack, "/api/v1/stats", metric="count", group="province").json()
    want_rows: dict[str, Counter] = defaultdict(Counter)
    for i, rec in corpus.records.items():
        row = want_rows[rec["meta"]["region"]["province"]]
        row["reports"] += 1
        row["incomplete"] += corpus.grade(i) in INCOMPLETE
        row["ungraded"] += corpus.grade(i) is None
    assert {r["province"]: {k: r[k] for k in ("reports", "incomplete", "ungraded")} for r in res["rows"]} == \
        {p: {k: c[k] for k in ("reports", "incomplete", "ungraded")} for p, c in want_rows.items()}
    assert res["overall"]["incomplete"] == len(ids_where(corpus, *INCOMPLETE)) >= 2
    assert res["overall"]["ungraded"] == 1
    # quality=complete: only complete reports are summed, and none of them is incomplete.
    res = get(stack, "/api/v1/stats", metric="sum", figure=NEW, group="year", quality="complete").json()
    complete = [corpus.records[i] for i in ids_where(corpus, "complete")]
    assert res["overall"]["reports"] == len(complete)
    assert res["overall"]["incomplete"] == res["overall"]["ungraded"] == 0
    assert res["overall"]["value"] == pytest.approx(sum(dig(r, NEW) or 0 for r in complete))


def test_export_has_grade_and_unknown_cells_and_the_filter(stack, corpus):
    header, rows = export_rows(stack)
    grade_col, unknown_col = header.index("读取质量 quality"), header.index("未能确定的单元格 unknown_cells")
    assert sorted(r[0] for r in rows) == sorted(corpus.records)
    for row in rows:
        q = corpus.records[row[0]]["quality"]
        assert row[grade_col] == (q["grade"] if q else "")
        assert row[unknown_col] == (str(q["cells_unknown"]) if q else "")
    assert sum(r[grade_col] in INCOMPLETE for r in rows) == len(ids_where(corpus, *INCOMPLETE)) >= 2
    _, rows = export_rows(stack, quality="complete")
    assert sorted(r[0] for r in rows) == ids_where(corpus, "complete")
    assert all(r[grade_col] == "complete" for r in rows)


def test_reprocessing_old_records_grades_them(stack, corpus):
    """The remedy docs/record-extensions.md gives for reports indexed before grading (`nianbao reindex`
    reuses the stored records, so it cannot grade them): re-parse them from the stored originals —
    `reprocess --outdated`, which scripts/run.sh runs after an upgrade."""
    doc_id = corpus.ids["ungraded"]
    quality_corpus.nianbao(stack, "reprocess", "--outdated", "--timeout", "180")  # below this parser's version
    assert wait_status(stack, doc_id)["status"] == "indexed"
    rec = get(stack, f"/api/v1/reports/{doc_id}").json()
    assert rec["quality"] and rec["quality"]["grade"] in ("complete", *INCOMPLETE)
    deadline = time.monotonic() + 30  # until the index has refreshed: every report has a grade now
    while sum(b["count"] for b in search(stack, size=0)["facets"]["quality"]) < len(corpus.records):
        assert time.monotonic() < deadline, search(stack, size=0)["facets"]["quality"]
        time.sleep(0.3)
