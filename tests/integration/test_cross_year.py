"""CROSS_YEAR across the queue: consecutive reports of one body are compared whichever arrives first,
also when both are in flight at once (the realtime body registry closes the refresh race)."""
from __future__ import annotations

import time

import httpx

from tests.integration.conftest import wait_status
from tests.paths import REAL

# 2021: 行政规范性文件 in force 3; 2022: issued 8, repealed 0, in force 8 → expected 3 + 8 − 0 = 11.
PAIR = ("2021_pingtan_czj.txt", "2022_pingtan_czj.txt")
WHERE = "active_disclosure.normative_documents.in_force"


def post(stack, name: str) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=(REAL / name).read_bytes(),
                   params={"filename": name}, timeout=30)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def cross_year_findings(stack, doc_id: str) -> list[dict]:
    rec = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=10).json()
    return [f for f in rec["findings"] if f["rule"] == "CROSS_YEAR"]


def wait_cross_year(stack, doc_id: str, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    found: list[dict] = []
    while time.monotonic() < deadline:
        found = cross_year_findings(stack, doc_id)
        if found:
            return found
        time.sleep(0.5)
    return found


def test_both_years_in_flight_at_once(stack):
    first, second = post(stack, PAIR[0]), post(stack, PAIR[1])
    for doc_id in (first, second):
        assert wait_status(stack, doc_id)["status"] == "indexed"
    found = wait_cross_year(stack, second)
    assert [(f["where"], f["expected"], f["actual"], f["severity"]) for f in found] == [(WHERE, 11, 8, "warning")]
    assert cross_year_findings(stack, first) == []  # the earlier year is not blamed
    # Search sees the re-indexed record after the next refresh (1 s interval).
    deadline = time.monotonic() + 30
    while True:
        res = httpx.get(f"{stack.search_url}/api/v1/search", params={"rule": "CROSS_YEAR"}, timeout=10).json()
        if res["results"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert [h["id"] for h in res["results"]] == [second]
