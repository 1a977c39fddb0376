"""Search hits through Elasticsearch's shard request cache (`NIANBAO_SEARCH_REQUEST_CACHE`), on the real
stack: a repeated search is answered from the cache, a report indexed since then still shows up (the
cache never serves a stale page), and with the setting off hits are not cached."""
from __future__ import annotations

import time

import httpx
from elasticsearch import Elasticsearch

from tests.integration.stack import Stack
from tests.integration.test_body_registry import post
from tests.paths import REAL, SEEDS

QUERY = "政府信息公开"


def cache_hits(stack: Stack) -> int:
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"])
    stats = es.indices.stats(index=stack.env["NIANBAO_ES_ALIAS"], metric="request_cache")
    return stats["_all"]["total"]["request_cache"]["hit_count"]


def hits(stack: Stack) -> list[str]:
    # facets=false: only the hits request, so the counter moves only for what this setting governs
    r = httpx.get(f"{stack.search_url}/api/v1/search", params={"q": QUERY, "facets": "false", "size": 50},
                  timeout=30)
    assert r.status_code == 200, r.text
    return [h["id"] for h in r.json()["results"]]


def until_found(stack: Stack, doc_id: str, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = hits(stack)
        if doc_id in found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_repeated_search_is_cached_and_never_stale(stack):
    seeds = sorted(f for f in SEEDS.iterdir() if f.is_file())
    first = post(stack, seeds[0].read_bytes(), seeds[0].name)
    assert until_found(stack, first) == [first]

    before = cache_hits(stack)
    again = hits(stack)
    assert again == [first]
    assert cache_hits(stack) > before, "the repeated hits request should come from the request cache"

    # A new matching report after the cached answer: the refresh that makes it searchable drops the entry.
    real = sorted(f for f in REAL.iterdir() if f.is_file())[0]
    second = post(stack, real.read_bytes(), real.name)
    assert sorted(until_found(stack, second)) == sorted([first, second])


def test_hits_are_not_cached_with_the_setting_off(stack):
    stack.restart_api("search", NIANBAO_SEARCH_REQUEST_CACHE="0")
    try:
        want = hits(stack)
        assert want, "the first test indexed reports that match"
        before = cache_hits(stack)
        assert hits(stack) == want
        assert hits(stack) == want
        assert cache_hits(stack) == before
    finally:
        stack.restart_api("search", NIANBAO_SEARCH_REQUEST_CACHE="1")
