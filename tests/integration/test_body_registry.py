"""The body registry on the real stack: a new index starts it complete (the stages then skip their
Elasticsearch searches); an index older than the registry still gets CROSS_YEAR and supersession by
searching, and `nianbao registry-rebuild` fills the registry from the index and marks it complete."""
from __future__ import annotations

import os
import subprocess
import time

import httpx
import redis

from shared.bodies import BodyRegistry
from tests.integration.conftest import wait_status
from tests.integration.stack import BIN, Stack
from tests.paths import REAL, REPO


def registry(stack: Stack) -> BodyRegistry:
    return BodyRegistry(redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"]), stack.env["NIANBAO_ES_ALIAS"])


def forget(stack: Stack) -> None:
    """As on a deployment whose index predates the registry: no entries, no completeness mark."""
    bodies = registry(stack)
    keys = list(bodies.r.scan_iter(match=bodies.prefix + "*"))
    if keys:
        bodies.r.delete(*keys)
    bodies.r.srem("nianbao:bodies:complete", bodies.alias)
    assert not bodies.is_complete()


def post(stack: Stack, data: bytes, name: str) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name}, timeout=30)
    assert r.status_code == 202, r.text
    doc_id = r.json()["id"]
    assert wait_status(stack, doc_id)["status"] == "indexed"
    return doc_id


def report(stack: Stack, doc_id: str) -> dict:
    r = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def cross_year(stack: Stack, doc_id: str, timeout: float = 60) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while True:
        found = [(f["where"], f["expected"], f["actual"]) for f in report(stack, doc_id)["findings"]
                 if f["rule"] == "CROSS_YEAR"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def searchable(stack: Stack, doc_id: str, timeout: float = 30) -> None:
    """Until a search finds the report (the fallback look-ups only see refreshed documents)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        res = httpx.get(f"{stack.search_url}/api/v1/search",
                        params={"size": 100, "facets": False, "include_superseded": True}, timeout=10).json()
        if doc_id in {h["id"] for h in res["results"]}:
            return
        time.sleep(0.3)
    raise AssertionError(f"{doc_id} never became searchable")


def test_a_new_index_starts_the_registry_complete(stack):
    assert registry(stack).is_complete()
    first = post(stack, (REAL / "2023_pingtan_czj.txt").read_bytes(), "2023_pingtan_czj.txt")
    second = post(stack, (REAL / "2024_pingtan_czj.txt").read_bytes(), "2024_pingtan_czj.txt")
    assert cross_year(stack, second) == [("active_disclosure.normative_documents.in_force", 6, 1)]
    bodies = registry(stack)
    entries = {k: bodies.r.hgetall(k) for k in bodies.r.scan_iter(match=bodies.prefix + "*")}
    assert {v.decode() for e in entries.values() for v in e.values()} == {first, second}, entries


def test_an_index_older_than_the_registry_is_still_searched(stack):
    """No registry entries and no mark: the previous year and older versions are found by search."""
    older = post(stack, (REAL / "2021_pingtan_gyz.txt").read_bytes(), "2021_pingtan_gyz.txt")
    v1_bytes = (REAL / "2019_pingtan_jjf.txt").read_bytes()
    v1 = post(stack, v1_bytes, "2019_pingtan_jjf.txt")
    searchable(stack, older)
    searchable(stack, v1)
    forget(stack)
    newer = post(stack, (REAL / "2022_pingtan_gyz.txt").read_bytes(), "2022_pingtan_gyz.txt")
    assert cross_year(stack, newer) == [("active_disclosure.regulations.in_force", 1, 0),
                                        ("active_disclosure.normative_documents.in_force", 3, 23)]
    v2 = post(stack, v1_bytes + "\n（本报告于发布后更正一处笔误。）\n".encode(), "2019_pingtan_jjf_v2.txt")
    assert report(stack, v1)["superseded"] is True and report(stack, v2)["superseded"] is False


def test_registry_rebuild_fills_it_from_the_index_and_marks_it_complete(stack):
    first = post(stack, (REAL / "2021_pingtan_czj.txt").read_bytes(), "2021_pingtan_czj.txt")
    searchable(stack, first)
    forget(stack)
    run = subprocess.run([str(BIN / "nianbao"), "registry-rebuild", "--if-incomplete"], cwd=REPO,
                         env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    bodies = registry(stack)
    assert bodies.is_complete()
    registered = {v.decode() for k in bodies.r.scan_iter(match=bodies.prefix + "*") for v in bodies.r.hvals(k)}
    # every current report of the index, superseded versions not
    res = httpx.get(f"{stack.search_url}/api/v1/search", params={"size": 100, "facets": False}, timeout=10).json()
    assert registered == {h["id"] for h in res["results"]} and first in registered
    # the next year now finds this one through the registry alone
    second = post(stack, (REAL / "2022_pingtan_czj.txt").read_bytes(), "2022_pingtan_czj.txt")
    assert cross_year(stack, second) == [("active_disclosure.normative_documents.in_force", 11, 8)]
    again = subprocess.run([str(BIN / "nianbao"), "registry-rebuild", "--if-incomplete"], cwd=REPO,
                           env={**os.environ, **stack.env}, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "complete" in again.stdout


def test_a_new_index_forgets_only_its_own_aliases_old_entries(stack):
    r = redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"])
    mine, other = BodyRegistry(r, "nianbao-regtest"), BodyRegistry(r, "nianbao-regtest-x")
    mine.register_many([("k1", 2021, "old1"), ("k2", 2022, "old2")])
    other.register_many([("k1", 2021, "kept")])
    mine.start_empty()
    assert mine.current_many([("k1", 2021), ("k2", 2022)]) == [None, None] and mine.is_complete()
    assert other.current_many([("k1", 2021)]) == ["kept"] and not other.is_complete()
