"""Issue 3, end to end on the real servers: seeds in over HTTP → queue → four workers → Elasticsearch →
search API."""
from __future__ import annotations

import time

import httpx
import pytest

from tests.integration.conftest import wait_status
from tests.paths import SEEDS

LIAOCHENG = "聊城市城市管理局"
ZHIFU = "烟台市芝罘区发展和改革局"


@pytest.fixture(scope="module")
def seeded(stack):
    ids = {}
    for f in sorted(SEEDS.glob("*.txt")):
        r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"file": (f.name, f.read_bytes())}, timeout=30)
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["status_url"] == f"/api/v1/documents/{body['id']}"
        ids[f.name] = body["id"]
    for name, doc_id in ids.items():
        st = wait_status(stack, doc_id)
        assert st["status"] == "indexed", (name, st)
        assert {"queued", "normalized", "parsed", "validated", "indexed"} <= set(st["stages"])
    # `indexed` means stored in Elasticsearch; search sees it after the next refresh (1 s interval).
    deadline = time.monotonic() + 30
    while search(stack, size=0, facets="false")["total"] < len(ids) and time.monotonic() < deadline:
        time.sleep(0.3)
    return ids


def search(stack, **params) -> dict:
    r = httpx.get(f"{stack.search_url}/api/v1/search", params=params, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_all_seeds_indexed_and_searchable(stack, seeded):
    res = search(stack, size=50)
    assert res["total"] == 5
    assert {h["id"] for h in res["results"]} == set(seeded.values())


def test_fulltext_finds_liaocheng_with_highlight(stack, seeded):
    res = search(stack, q="行政处罚")
    agencies = [h["meta"]["agency"] for h in res["results"]]
    assert LIAOCHENG in agencies
    hit = res["results"][agencies.index(LIAOCHENG)]
    snippets = " ".join(s for v in hit["highlight"].values() for s in v)
    assert "<mark>" in snippets and "处罚" in snippets


def test_year_facet_counts(stack, seeded):
    facets = {b["value"]: b["count"] for b in search(stack, size=0)["facets"]["year"]}
    assert facets == {2020: 2, 2021: 3}


def test_figure_filter_new_received_at_least_7(stack, seeded):
    res = search(stack, f="applications.new_received.total>=7", size=50)
    got = sorted((h["meta"]["agency"], h["figures"]["applications.new_received.total"]) for h in res["results"])
    assert got == sorted([(LIAOCHENG, 7), (ZHIFU, 10)])


def test_traditional_report_found_with_simplified_query(stack, seeded):
    # Seed 000 is published in traditional characters (政府信息公開工作報告); a simplified query finds it.
    res = search(stack, q="城市管理局 信息公开", size=50)
    assert LIAOCHENG in [h["meta"]["agency"] for h in res["results"]]
    report = httpx.get(f"{stack.search_url}/api/v1/reports/{seeded['000_642ff1a02613d8d6.txt']}", timeout=10).json()
    assert report["meta"]["source"]["traditional"] is True
    assert report["applications"]["new_received"]["total"] == 7


def test_same_bytes_twice_is_one_report(stack, seeded):
    f = SEEDS / "001_5a46c2b8c80e9869.txt"
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=f.read_bytes(),
                   params={"filename": f.name}, timeout=30)
    assert r.status_code == 202
    assert r.json()["id"] == seeded[f.name] and r.json()["duplicate"] is True
    time.sleep(1.5)
    assert search(stack, size=0)["total"] == 5


def test_report_record_is_returned(stack, seeded):
    doc_id = seeded["003_bf80b47987e57cd0.txt"]
    rec = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=10).json()
    assert rec["id"] == doc_id
    assert rec["meta"]["agency"] == "银川市市政管理局"
    assert {f["rule"] for f in rec["findings"] if f["severity"] == "error"} >= {"APP_BALANCE", "APP_ROW_SUM"}
    rules = {b["value"] for b in search(stack, size=0)["facets"]["rule"]}
    assert "APP_BALANCE" in rules
    assert [h["id"] for h in search(stack, rule="APP_BALANCE")["results"]] == [doc_id]


def test_unknown_ids_are_404(stack):
    assert httpx.get(f"{stack.ingest_url}/api/v1/documents/{'0' * 64}").status_code == 404
    assert httpx.get(f"{stack.search_url}/api/v1/reports/{'0' * 64}").status_code == 404
