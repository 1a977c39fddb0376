"""Recovery from the stored originals, end to end on the real stack: a new version of a report supersedes
the older one; identical bytes are a no-op; `nianbao reprocess` re-runs chosen documents through the
queues; `nianbao reindex` builds a new versioned index and swaps the alias only when it is complete."""
from __future__ import annotations

import os
import subprocess
import threading
import time

import httpx
import pytest
import redis
from elasticsearch import Elasticsearch

from tests.integration.conftest import wait_status
from tests.integration.stack import BIN, Stack
from tests.paths import REPO


def synth(i: int) -> bytes:
    from tests.synth import TEXT_LAYOUTS, make_report
    return make_report(9009, i, error_rate=0.0, layouts=TEXT_LAYOUTS, encodings=("utf-8",),
                       traditional_rate=0.0).data


def post(stack: Stack, data: bytes, name: str) -> dict:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name}, timeout=30)
    assert r.status_code == 202, r.text
    return r.json()


def report(stack: Stack, doc_id: str) -> dict:
    r = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def nianbao(stack: Stack, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run([str(BIN / "nianbao"), *args], cwd=REPO, env={**os.environ, **stack.env},
                       capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def es(stack: Stack) -> Elasticsearch:
    return Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)


@pytest.fixture(scope="module")
def versions(stack):
    """v1 of a report, then v2 (other bytes: a corrected figure line added) of the same body and year."""
    v1_bytes = synth(0)
    v2_bytes = v1_bytes + "\n（本报告于发布后更正一处笔误。）\n".encode()
    v1 = post(stack, v1_bytes, "v1.txt")
    assert wait_status(stack, v1["id"])["status"] == "indexed"
    v2 = post(stack, v2_bytes, "v2.txt")
    assert wait_status(stack, v2["id"])["status"] == "indexed"
    return v1_bytes, v1["id"], v2["id"]


def test_new_version_supersedes_older(stack, versions):
    _, v1, v2 = versions
    r1, r2 = report(stack, v1), report(stack, v2)
    assert r1["meta"]["agency"] == r2["meta"]["agency"] and r1["meta"]["year"] == r2["meta"]["year"]
    assert r1["superseded"] is True and r2["superseded"] is False


def test_identical_bytes_are_a_no_op(stack, versions):
    v1_bytes, v1, _ = versions
    r = redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"])
    before = r.zcard("nianbao:docs")
    again = post(stack, v1_bytes, "v1-again.txt")
    assert again["id"] == v1 and again["duplicate"] is True
    assert r.zcard("nianbao:docs") == before
    time.sleep(2)
    assert report(stack, v1)["superseded"] is True  # still the older version


def test_reprocess_failed_only(stack, versions):
    bad = post(stack, os.urandom(2048), "noise.bin")
    assert wait_status(stack, bad["id"])["status"] == "failed"
    _, v1, v2 = versions
    out = nianbao(stack, "reprocess", "--failed", "--timeout", "120")
    assert "failed: 1" in out.stdout, out.stdout
    st = httpx.get(f"{stack.ingest_url}/api/v1/documents/{bad['id']}", timeout=10).json()
    assert st["status"] == "failed" and st["attempts"] >= 1
    for doc_id in (v1, v2):  # indexed documents were left alone
        assert httpx.get(f"{stack.ingest_url}/api/v1/documents/{doc_id}", timeout=10).json()["attempts"] == 0


def test_reprocess_below_version_reruns_records_through_the_queues(stack, versions):
    _, v1, v2 = versions
    client, alias = es(stack), stack.env["NIANBAO_ES_ALIAS"]
    client.indices.refresh(index=alias)
    count = client.count(index=alias)["count"]
    out = nianbao(stack, "reprocess", "--below-version", "9999", "--timeout", "180")
    assert "unfinished: 0" in out.stdout, out.stdout
    for doc_id in (v1, v2):
        st = httpx.get(f"{stack.ingest_url}/api/v1/documents/{doc_id}", timeout=10).json()
        assert st["status"] == "indexed" and st["attempts"] >= 1
        assert {"normalized", "parsed", "validated", "indexed"} <= set(st["stages"])  # the whole pipeline again
    client.indices.refresh(index=alias)
    assert client.count(index=alias)["count"] == count  # re-indexed in place, nothing doubled
    assert report(stack, v1)["superseded"] is True and report(stack, v2)["superseded"] is False


def test_reindex_swaps_alias_only_when_complete(stack, versions):
    client, alias = es(stack), stack.env["NIANBAO_ES_ALIAS"]
    client.indices.refresh(index=alias)
    before_index = list(client.indices.get_alias(name=alias))
    expected = client.count(index=alias)["count"]
    flags = {h["_id"]: h["_source"]["superseded"]
             for h in client.search(index=alias, size=1000, source=["superseded"])["hits"]["hits"]}
    seen_counts: list[int] = []
    stop = threading.Event()

    def watch() -> None:  # what a searcher sees while the new index is being built
        c = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=10)
        while not stop.is_set():
            seen_counts.append(c.count(index=alias)["count"])
            time.sleep(0.1)

    t = threading.Thread(target=watch)
    t.start()
    try:
        out = nianbao(stack, "reindex", "--timeout", "180")
    finally:
        stop.set()
        t.join()
    after_index = list(client.indices.get_alias(name=alias))
    assert after_index != before_index and len(after_index) == 1, (before_index, after_index, out.stdout)
    assert not client.indices.exists(index=before_index[0])  # the old version is dropped after the swap
    assert client.count(index=alias)["count"] == expected
    assert seen_counts and min(seen_counts) == expected  # never a half-built index
    after = {h["_id"]: h["_source"]["superseded"]
             for h in client.search(index=alias, size=1000, source=["superseded"])["hits"]["hits"]}
    assert after == flags
    assert report(stack, versions[2])["superseded"] is False  # the search API reads the new index


def test_reindex_if_outdated_rebuilds_only_an_older_mapping(stack, versions):
    """What scripts/run.sh runs after an upgrade: nothing while the mapping is current; a rebuild (alias
    swapped, every report kept) when the live index was made by an older mapping version."""
    client, alias = es(stack), stack.env["NIANBAO_ES_ALIAS"]
    client.indices.refresh(index=alias)
    live = list(client.indices.get_alias(name=alias))
    expected = client.count(index=alias)["count"]
    out = nianbao(stack, "reindex", "--if-outdated")
    assert "nothing to rebuild" in out.stdout
    assert list(client.indices.get_alias(name=alias)) == live
    client.indices.put_mapping(index=live[0], meta={"mapping_version": 1})  # as an index of the old code
    out = nianbao(stack, "reindex", "--if-outdated", "--timeout", "180")
    assert "older mapping" in out.stdout, out.stdout
    rebuilt = list(client.indices.get_alias(name=alias))
    assert rebuilt != live and len(rebuilt) == 1
    assert client.count(index=alias)["count"] == expected
    from shared.es_index import MAPPING_VERSION, mapping_version
    assert mapping_version(client, rebuilt[0]) == MAPPING_VERSION
