"""Faults heal in seconds, nothing lost or duplicated — on this module's OWN Redis (6395) and
Elasticsearch (9270), which it stops and restarts; the shared test servers are never touched. The stack
runs with the deployment's defaults for visibility timeout, time limits, retries and the orphan sweep
(every 10 s, 40 s old: the net for a message a Redis restart loses between kombu's two steps).

- a worker SIGKILLed halfway through a batch of 500 reports: all 500 indexed within 60 s of its restart,
  each exactly once (its unacknowledged batch comes back after the 30 s visibility timeout);
- Elasticsearch stopped for 60 s during a batch: search answers 503 meanwhile, every document indexed
  within 30 s after it is back, no dead letter;
- Redis restarted during a batch: every accepted document indexed within 60 s of Redis being back, and no
  document searchable with its status lagging behind;
- a hand-off message lost by the broker: the orphan sweep of the ingest API sends the document on.

Each test prints its healing time (`pytest tests/integration/test_faults.py -s`; docs/faults.md).
"""
from __future__ import annotations

import os
import threading
import time

import httpx
import pytest
import redis
from elasticsearch import Elasticsearch

from tests.integration.stack import Stack, script, stack_env
from tests.paths import REPO

# Overridable so two checkouts testing on one machine do not stop each other's servers.
REDIS_PORT = int(os.environ.get("NIANBAO_TEST_FAULT_REDIS_PORT", "6395"))
ES_PORT = int(os.environ.get("NIANBAO_TEST_FAULT_ES_PORT", "9270"))
OWN = {"REDIS_PORT": str(REDIS_PORT), "REDIS_DIR": str(REPO / "var" / "test" / f"redis-{REDIS_PORT}"),
       "ES_PORT": str(ES_PORT), "ES_DIR": str(REPO / "var" / "test" / f"es-{ES_PORT}"), "ES_HEAP": "512m",
       "ES_TRANSPORT_PORT": str(ES_PORT + 209)}  # away from the 93xx range other instances use
REDIS_DB = int(os.environ.get("NIANBAO_TEST_REDIS_DB", "0"))


def reports(start: int, n: int) -> list[tuple[str, bytes]]:
    """Distinct, valid synthetic reports (text layouts: cheap to make and to process)."""
    from tests.synth import TEXT_LAYOUTS, make_report
    out = []
    for i in range(start, start + n):
        rep = make_report(7007, i, error_rate=0.0, layouts=TEXT_LAYOUTS, encodings=("utf-8",), traditional_rate=0.0)
        out.append((rep.filename, rep.data))
    return out


@pytest.fixture(scope="module")
def own_servers():
    script("redis.sh", "start", env=OWN)
    script("es.sh", "start", env=OWN)
    yield
    for name in ("redis.sh", "es.sh"):
        script(name, "stop", env=OWN)


@pytest.fixture(scope="module")
def fstack(own_servers, tmp_path_factory):
    env = {**stack_env(tmp_path_factory.mktemp("faults")),
           "NIANBAO_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}",
           "NIANBAO_ES_URL": f"http://127.0.0.1:{ES_PORT}",
           "NIANBAO_EVENTS_ENABLED": "0"}  # monitoring events are not under test here; spare the CPU
    for name in ("NIANBAO_VISIBILITY_TIMEOUT", "NIANBAO_TASK_TIME_LIMIT"):
        env.pop(name, None)  # the deployment's defaults are what is under test
    redis.Redis.from_url(env["NIANBAO_REDIS_URL"]).flushdb()
    s = Stack(env=env)
    s.start()
    yield s
    s.stop()


def es(stack: Stack) -> Elasticsearch:
    return Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)


def post(stack: Stack, name: str, data: bytes, client: httpx.Client) -> httpx.Response:
    return client.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name})


def statuses(stack: Stack, ids: list[str]) -> dict[str, str]:
    r = redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"], decode_responses=True)
    out = {}
    for i in range(0, len(ids), 200):
        chunk = ids[i:i + 200]
        for doc_id, raw in zip(chunk, r.mget([f"nianbao:doc:{d}" for d in chunk]), strict=True):
            out[doc_id] = redis_status(raw)
    return out


def redis_status(raw: str | None) -> str:
    import json
    return json.loads(raw)["status"] if raw else "missing"


def wait_all(stack: Stack, ids: list[str], timeout: float) -> float:
    """Seconds until every document reached a final status; fails after `timeout`."""
    t0 = time.monotonic()
    st: dict[str, str] = {}
    while time.monotonic() < t0 + timeout:
        st = statuses(stack, ids)
        if all(v in ("indexed", "failed") for v in st.values()):
            return time.monotonic() - t0
        time.sleep(0.5)
    pending = {k: v for k, v in st.items() if v not in ("indexed", "failed")}
    raise AssertionError(f"{len(pending)} of {len(ids)} not finished after {timeout} s: {list(pending.items())[:5]}")


def healed(what: str, seconds: float) -> None:
    print(f"\n[faults] {what}: {seconds:.1f} s")


def assert_indexed_exactly_once(stack: Stack, ids: list[str]) -> None:
    st = statuses(stack, ids)
    assert [k for k, v in st.items() if v != "indexed"] == [], {k: v for k, v in st.items() if v != "indexed"}
    client, alias = es(stack), stack.env["NIANBAO_ES_ALIAS"]
    client.indices.refresh(index=alias)
    res = client.search(index=alias, size=0, query={"ids": {"values": ids}},
                        aggs={"dups": {"terms": {"field": "id", "min_doc_count": 2, "size": 10}}})
    assert res["hits"]["total"]["value"] == len(ids)
    assert res["aggregations"]["dups"]["buckets"] == []
    dead = httpx.get(f"{stack.ingest_url}/api/v1/admin/deadletters", timeout=10).json()
    assert [d for d in dead if d["id"] in set(ids)] == []


def test_sigkill_workers_part_way_through_500(fstack):
    batch = reports(0, 500)
    ids: list[str] = []
    client, alias = es(fstack), fstack.env["NIANBAO_ES_ALIAS"]
    with httpx.Client(timeout=30) as c:
        for name, data in batch:
            r = post(fstack, name, data, c)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    assert len(set(ids)) == 500
    # part way: kill the parse and the index worker while they hold tasks, then bring new ones up. As
    # soon as the first documents are searchable: the index refreshes once a second and batches of up
    # to 64 make the count jump, so waiting for half of them could see all 500 done on a quiet machine.
    deadline = time.monotonic() + 180
    while client.count(index=alias)["count"] < 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    done_before = client.count(index=alias)["count"]
    assert 0 < done_before < 500, done_before
    held = redis.Redis.from_url(fstack.env["NIANBAO_REDIS_URL"]).hlen("unacked")
    for stage in ("parse", "index"):
        fstack.kill(f"worker-{stage}")
    time.sleep(1)
    for stage in ("parse", "index"):
        fstack.start_worker(stage)
    took = wait_all(fstack, ids, timeout=60)
    healed(f"SIGKILL of the parse and index workers ({held} message(s) held): all 500 indexed after their restart in", took)
    assert_indexed_exactly_once(fstack, ids)


def test_elasticsearch_down_60s_during_a_batch(fstack):
    batch = reports(500, 40)
    with httpx.Client(timeout=30) as c:
        ids = [post(fstack, n, d, c).json()["id"] for n, d in batch[:20]]
        script("es.sh", "stop", env=OWN)
        t0 = time.monotonic()
        ids += [post(fstack, n, d, c).json()["id"] for n, d in batch[20:]]  # ingest keeps accepting
        # search says plainly that it cannot answer now, and when to come back
        for path in ("/api/v1/search", "/api/v1/stats", f"/api/v1/reports/{ids[0]}"):
            r = c.get(f"{fstack.search_url}{path}")
            assert r.status_code == 503 and "Retry-After" in r.headers, (path, r.status_code, r.text[:200])
            assert "检索" in r.text or "暂" in r.text, r.text[:200]
    time.sleep(max(0.0, 60 - (time.monotonic() - t0)))
    st = statuses(fstack, ids)
    assert sum(v == "indexed" for v in st.values()) < len(ids)  # the outage really held documents back
    script("es.sh", "start", env=OWN)  # returns once Elasticsearch answers
    took = wait_all(fstack, ids, timeout=30)
    healed("Elasticsearch stopped 60 s: all indexed after it was back in", took)
    assert_indexed_exactly_once(fstack, ids)


def searchable_lagging(stack: Stack, ids: list[str]) -> set[str]:
    """Documents Elasticsearch serves whose status does not say `indexed` yet."""
    client, alias = es(stack), stack.env["NIANBAO_ES_ALIAS"]
    hits = client.search(index=alias, size=len(ids), query={"ids": {"values": ids}}, source=False)["hits"]["hits"]
    st = statuses(stack, [h["_id"] for h in hits])
    return {d for d, v in st.items() if v != "indexed"}


def test_redis_restart_during_a_batch(fstack):
    batch = reports(540, 60)
    accepted: list[str] = []
    refused = 0

    def sender() -> None:
        """A sender that resends whatever was not accepted (connection refused, 5xx), like a real one."""
        nonlocal refused
        with httpx.Client(timeout=10) as c:
            for name, data in batch:
                for _ in range(120):
                    try:
                        r = post(fstack, name, data, c)
                    except httpx.HTTPError:
                        r = None
                    if r is not None and r.status_code == 202:
                        accepted.append(r.json()["id"])
                        break
                    refused += 1
                    time.sleep(0.25)

    t = threading.Thread(target=sender)
    t.start()
    while len(accepted) < 20:
        time.sleep(0.05)
    script("redis.sh", "stop", env=OWN)
    time.sleep(2)
    script("redis.sh", "start", env=OWN)
    back = time.monotonic()
    # Until all are done: a document that Elasticsearch serves must not keep a status behind it for
    # longer than the few seconds a batch's commit takes (searchable and `indexed` agree).
    first_seen: dict[str, float] = {}
    worst = 0.0
    while time.monotonic() < back + 60:
        now = time.monotonic()
        for d in list(first_seen):
            worst = max(worst, now - first_seen[d])
        try:
            lagging = searchable_lagging(fstack, [*accepted])
        except redis.ConnectionError:
            time.sleep(0.5)
            continue
        first_seen = {d: first_seen.get(d, now) for d in lagging}
        if not t.is_alive() and all(v in ("indexed", "failed") for v in statuses(fstack, [*accepted]).values()):
            break
        time.sleep(0.5)
    t.join(timeout=60)
    assert len(accepted) == len(batch)
    wait_all(fstack, accepted, timeout=max(1.0, back + 60 - time.monotonic()))
    healed("Redis restarted: all indexed after it was back in", time.monotonic() - back)
    healed("Redis restarted: longest a searchable document's status said otherwise", worst)
    assert worst <= 10, worst
    assert_indexed_exactly_once(fstack, accepted)
    for name, p in fstack.procs.items():
        assert p.poll() is None, f"{name} died"


def test_lost_message_is_sent_on_by_the_orphan_sweep(fstack):
    """What a broker restart can do at the wrong moment, made deterministic: the index message is gone.
    (Last in the module: the ingest API restarts here with a sweep short enough to wait for.)"""
    fstack.restart_api("ingest", NIANBAO_ORPHAN_SWEEP_SECONDS="5", NIANBAO_ORPHAN_MIN_AGE_SECONDS="20")
    fstack.kill("worker-index")
    (name, data), = reports(600, 1)
    with httpx.Client(timeout=30) as c:
        doc_id = post(fstack, name, data, c).json()["id"]
    deadline = time.monotonic() + 120
    while statuses(fstack, [doc_id])[doc_id] != "validated" and time.monotonic() < deadline:
        time.sleep(0.5)
    r = redis.Redis.from_url(fstack.env["NIANBAO_REDIS_URL"])
    assert r.llen("index") == 1
    r.delete("index")  # the broker lost it
    fstack.start_worker("index")
    wait_all(fstack, [doc_id], timeout=120)
    assert_indexed_exactly_once(fstack, [doc_id])
