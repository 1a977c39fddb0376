"""Nothing lost under faults, on this module's OWN Redis (6395) and Elasticsearch (9270), which it stops
and restarts; the shared test servers are never touched.

- a worker SIGKILLed halfway through a batch of 500 reports: all 500 indexed, each exactly once;
- Elasticsearch stopped for 30 s during a batch: every document indexed afterwards, no dead letter;
- Redis restarted during a batch: every accepted document indexed;
- a hand-off message lost by the broker: the orphan sweep of the ingest API sends the document on.
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
    from shared.synth import TEXT_LAYOUTS, make_report
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
           # an outage here lasts 30 s plus an Elasticsearch start (minutes on a busy machine): short
           # backoff steps and enough of them to outlast it (~8 min), so no document reaches the dead letters
           "NIANBAO_RETRY_BACKOFF_MAX": "5", "NIANBAO_INDEX_MAX_RETRIES": "200",
           "NIANBAO_ORPHAN_SWEEP_SECONDS": "5", "NIANBAO_ORPHAN_MIN_AGE_SECONDS": "20",
           "NIANBAO_EVENTS_ENABLED": "0"}  # monitoring events are not under test here; spare the CPU
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
        for doc_id, raw in zip(chunk, r.mget([f"nianbao:doc:{d}" for d in chunk])):
            out[doc_id] = redis_status(raw)
    return out


def redis_status(raw: str | None) -> str:
    import json
    return json.loads(raw)["status"] if raw else "missing"


def wait_all(stack: Stack, ids: list[str], timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    st: dict[str, str] = {}
    while time.monotonic() < deadline:
        st = statuses(stack, ids)
        if all(v in ("indexed", "failed") for v in st.values()):
            return st
        time.sleep(1)
    pending = {k: v for k, v in st.items() if v not in ("indexed", "failed")}
    raise AssertionError(f"{len(pending)} of {len(ids)} not finished: {list(pending.items())[:5]}")


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
    for stage in ("parse", "index"):
        fstack.kill(f"worker-{stage}")
    time.sleep(1)
    for stage in ("parse", "index"):
        fstack.start_worker(stage)
    wait_all(fstack, ids, timeout=240)
    assert_indexed_exactly_once(fstack, ids)


def test_elasticsearch_down_30s_during_a_batch(fstack):
    batch = reports(500, 40)
    with httpx.Client(timeout=30) as c:
        ids = [post(fstack, n, d, c).json()["id"] for n, d in batch[:20]]
        script("es.sh", "stop", env=OWN)
        t0 = time.monotonic()
        ids += [post(fstack, n, d, c).json()["id"] for n, d in batch[20:]]  # ingest keeps accepting
    time.sleep(max(0.0, 30 - (time.monotonic() - t0)))
    st = statuses(fstack, ids)
    assert sum(v == "indexed" for v in st.values()) < len(ids)  # the outage really held documents back
    script("es.sh", "start", env=OWN)
    wait_all(fstack, ids, timeout=180)
    assert_indexed_exactly_once(fstack, ids)


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
    t.join(timeout=120)
    assert len(accepted) == len(batch)
    wait_all(fstack, accepted, timeout=180)
    assert_indexed_exactly_once(fstack, accepted)
    for name, p in fstack.procs.items():
        assert p.poll() is None, f"{name} died"


def test_lost_message_is_sent_on_by_the_orphan_sweep(fstack):
    """What a broker restart can do at the wrong moment, made deterministic: the index message is gone."""
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
