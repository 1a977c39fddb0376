"""Issue 17 item 1: corrections as an audited overlay, on the real stack (closed: keys required).

A keyed user corrects a cell of a real report; search, stats and export show the new value; the findings
are those the validation rules give for the corrected record (computed here in-process from the stored
parsed record); `nianbao reprocess` keeps the correction; a key without the `correct` scope is refused and
nothing changes; the history lists the change; a revert restores the parsed value."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import time

import httpx
import pytest
import redis

from services.ingest.auth import KeyStore
from services.search.routers.common import dig
from services.validate.rules import validate
from shared.corrections import CorrectionStore, overlay
from shared.record import Record
from shared.storage import Storage
from tests.integration.conftest import running_stack, search_get, wait_status
from tests.integration.stack import BIN, Stack
from tests.paths import REPO

SAMPLE = REPO / "samples" / "000_642ff1a02613d8d6.txt"   # 2021 template, fully read, no findings
CELL = "applications.new_received.total"


@pytest.fixture(scope="module")
def closed(servers, tmp_path_factory):
    yield from running_stack(tmp_path_factory, "corrections", NIANBAO_OPEN_ACCESS="0")


def cli(stack: Stack, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "nianbao"), *args], cwd=REPO, env={**os.environ, **stack.env},
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def keys(closed: Stack) -> dict[str, str]:
    store = KeyStore(redis.Redis.from_url(closed.env["NIANBAO_REDIS_URL"], decode_responses=True))
    p = cli(closed, "apikey", "create", "--name", "数据组", "--scope", "correct")   # the operator's way
    assert p.returncode == 0, p.stderr
    return {"上传者": store.create("上传者", ["ingest"])[0], "数据组": p.stdout.strip()}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def report(closed: Stack, keys) -> str:
    r = httpx.post(f"{closed.ingest_url}/api/v1/documents", headers=auth(keys["上传者"]),
                   files={"file": (SAMPLE.name, SAMPLE.read_bytes())}, timeout=30)
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert wait_status(closed, doc_id)["status"] == "indexed"
    return doc_id


def record(stack: Stack, doc_id: str) -> dict:
    r = search_get(stack, f"/api/v1/reports/{doc_id}")
    assert r.status_code == 200, r.text
    return r.json()


def wait_record(stack: Stack, doc_id: str, cond, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    rec = record(stack, doc_id)
    while not cond(rec) and time.monotonic() < deadline:
        time.sleep(0.3)
        rec = record(stack, doc_id)
    assert cond(rec), rec.get("corrections")
    return rec


def correct(stack: Stack, doc_id: str, key: str | None, **body) -> httpx.Response:
    return httpx.post(f"{stack.ingest_url}/api/v1/reports/{doc_id}/corrections", json=body,
                      headers=auth(key) if key else {}, timeout=10)


def expected_findings(stack: Stack, doc_id: str) -> list[tuple[str, str | None]]:
    """What the rules say of the parsed record with its stored corrections laid over it."""
    storage = Storage(stack.env["NIANBAO_STORAGE_DIR"])
    parsed = storage.get_model(doc_id, "parsed", Record)
    rec = overlay(parsed, CorrectionStore(storage).events(doc_id))
    return sorted((f.rule, f.where) for f in [*rec.findings, *validate(rec)])


def found(rec: dict) -> list[tuple[str, str | None]]:
    return sorted((f["rule"], f.get("where")) for f in rec["findings"] if f["rule"] != "CROSS_YEAR")


def export_value(stack: Stack, doc_id: str, path: str) -> str:
    r = search_get(stack, "/api/v1/export", q="")
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    col = next(i for i, h in enumerate(rows[0]) if h.endswith(" " + path))
    ids = rows[0].index(next(h for h in rows[0] if h.endswith(" id") or h == "编号 id"))
    return next(row[col] for row in rows[1:] if row[ids] == doc_id)


def test_refusals_change_nothing(closed, keys, report):
    before = record(closed, report)
    body = {"path": CELL, "value": 907, "reason": "原文为 907"}
    r = correct(closed, report, None, **body)
    assert r.status_code == 401 and "API" in r.json()["detail"]
    r = correct(closed, report, keys["上传者"], **body)
    assert r.status_code == 403 and "correct" in r.json()["detail"]
    assert correct(closed, "0" * 64, keys["数据组"], **body).status_code == 404
    for bad in ({"path": "applications.nope.total", "value": 1, "reason": "x"},
                {"path": CELL, "value": "七", "reason": "x"},
                {"path": CELL, "value": -1, "reason": "x"},
                {"path": "meta.year", "value": 20211, "reason": "x"},
                {"path": CELL, "value": 1, "reason": "   "},
                {"path": CELL, "value": 1}):
        r = correct(closed, report, keys["数据组"], **bad)
        assert r.status_code == 422, (bad, r.text)
    h = httpx.get(f"{closed.ingest_url}/api/v1/reports/{report}/corrections", timeout=10)
    assert h.status_code == 200 and h.json() == []
    time.sleep(1.5)  # a wrongly sent re-validation would have landed by now
    after = record(closed, report)
    assert dig(after, CELL) == dig(before, CELL) and after.get("corrections", []) == []
    assert after["indexed_at"] == before["indexed_at"]


def test_correction_is_applied_validated_indexed_and_kept(closed, keys, report):
    original = record(closed, report)
    old = dig(original, CELL)
    assert isinstance(old, int) and found(original) == []
    new = old + 900
    r = correct(closed, report, keys["数据组"], path=CELL, value=new,
                reason="原文第 2 页为 907 / page 2 prints 907")
    assert r.status_code == 201, r.text
    ev = r.json()
    assert (ev["action"], ev["path"], ev["old"], ev["new"]) == ("set", CELL, old, new)
    assert ev["by"].startswith("数据组 (") and ev["key_id"] and ev["at"]

    rec = wait_record(closed, report, lambda x: dig(x, CELL) == new)
    assert rec["provenance"][CELL] == {"source": "corrected", "by": [ev["id"]]}
    assert [c["id"] for c in rec["corrections"]] == [ev["id"]] and rec["corrections"][0]["applied"] is True
    # findings recomputed with the corrected value (the report was clean; 907 new applications break its balance)
    assert found(rec) == expected_findings(closed, report) != []
    # the parsed record and the original bytes are untouched
    storage = Storage(closed.env["NIANBAO_STORAGE_DIR"])
    assert dig(storage.get_artifact(report, "parsed"), CELL) == old
    assert storage.get_raw(report) == SAMPLE.read_bytes()

    # search, stats and export see the corrected value (once the index refreshed: GET by id is realtime)
    deadline = time.monotonic() + 10
    while (hits := search_get(closed, "/api/v1/search", f=f"{CELL}>={new}").json())["total"] == 0 \
            and time.monotonic() < deadline:
        time.sleep(0.3)
    assert [h["id"] for h in hits["results"]] == [report]
    assert search_get(closed, "/api/v1/search", f=f"{CELL}<={old}").json()["total"] == 0
    stats = search_get(closed, "/api/v1/stats", metric="sum", figure=CELL).json()
    assert stats["overall"]["value"] == new
    assert export_value(closed, report, CELL) == str(new)

    # history
    h = httpx.get(f"{closed.ingest_url}/api/v1/reports/{report}/corrections", timeout=10).json()
    assert [(e["id"], e["old"], e["new"], e["reason"]) for e in h] == [(ev["id"], old, new, ev["reason"])]

    # `nianbao reprocess` re-reads the original: the correction is laid over the new parse again
    indexed_at = rec["indexed_at"]
    p = cli(closed, "reprocess")
    assert p.returncode == 0, p.stderr
    again = wait_record(closed, report, lambda x: x["indexed_at"] != indexed_at)
    assert dig(again, CELL) == new and again["provenance"][CELL]["source"] == "corrected"
    assert found(again) == found(rec)
    # `nianbao reindex` rebuilds the index from the stored validated records, which hold the correction
    p = cli(closed, "reindex")
    assert p.returncode == 0, p.stderr + p.stdout
    rebuilt = record(closed, report)
    assert rebuilt["indexed_at"] != again["indexed_at"] and dig(rebuilt, CELL) == new
    assert rebuilt["corrections"] == again["corrections"]

    # revert (audited too): the parsed value is back, the findings with it
    r = httpx.post(f"{closed.ingest_url}/api/v1/reports/{report}/corrections/{ev['id']}/revert",
                   json={"reason": "核对后原值正确 / the original value was right"},
                   headers=auth(keys["数据组"]), timeout=10)
    assert r.status_code == 201, r.text
    rv = r.json()
    assert (rv["action"], rv["reverts"], rv["old"], rv["new"]) == ("revert", ev["id"], new, old)
    back = wait_record(closed, report, lambda x: dig(x, CELL) == old)
    assert CELL not in back["provenance"] and found(back) == []
    assert [c["action"] for c in back["corrections"]] == ["set", "revert"]
    assert back["corrections"][0]["reverted_by"] == rv["id"]
    again_revert = httpx.post(f"{closed.ingest_url}/api/v1/reports/{report}/corrections/{ev['id']}/revert",
                              json={"reason": "again"}, headers=auth(keys["数据组"]), timeout=10)
    assert again_revert.status_code == 409

    # every correction, as JSON and CSV
    everything = httpx.get(f"{closed.ingest_url}/api/v1/corrections", timeout=10).json()
    assert [e["id"] for e in everything] == [ev["id"], rv["id"]]
    r = httpx.get(f"{closed.ingest_url}/api/v1/corrections", params={"format": "csv"}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [ev["id"], rv["id"]] and rows[1][6] == ev["reason"]


def test_meta_correction_moves_the_report_in_search(closed, keys, report):
    r = correct(closed, report, keys["数据组"], path="meta.agency", value="聊城市综合行政执法局",
                reason="机关已更名 / the body was renamed")
    assert r.status_code == 201, r.text
    wait_record(closed, report, lambda x: x["meta"]["agency"] == "聊城市综合行政执法局")
    time.sleep(1.5)  # the index refreshes each second
    hits = search_get(closed, "/api/v1/search").json()  # the result list's summary is re-indexed too
    assert [(h["id"], h["meta"]["agency"]) for h in hits["results"]] == [(report, "聊城市综合行政执法局")]


def test_cors_admits_the_search_ui_origin_only(closed):
    """The report page (search UI origin, NIANBAO_SEARCH_URL) may send corrections; other origins may not."""
    url = f"{closed.ingest_url}/api/v1/reports/{'0' * 64}/corrections"
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    ui = httpx.options(url, headers={"Origin": "http://127.0.0.1:8001", **pre}, timeout=10)
    assert ui.status_code == 200 and ui.headers["access-control-allow-origin"] == "http://127.0.0.1:8001"
    assert "authorization" in ui.headers["access-control-allow-headers"].lower()
    other = httpx.options(url, headers={"Origin": "https://evil.example", **pre}, timeout=10)
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
