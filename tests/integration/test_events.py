"""Issue 8 on the real stack: pipeline events in Elasticsearch, queue-depth samples, the health endpoint's
backlog and liveness, the fields the shipped Kibana objects need, and event-index retention."""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
from elasticsearch import Elasticsearch

from monitoring.kibana_objects import EVENTS_DV, LENS_TYPES, REPORTS_DV, referenced_fields
from shared.kibana import load_objects
from tests.integration.conftest import wait_status
from tests.integration.stack import BIN, QUEUES, STAGES, Stack, stack_env
from tests.paths import SEEDS

TIME_LIMIT_MS = 10_000  # NIANBAO_TASK_TIME_LIMIT of the test stack: no stage run can last longer


@pytest.fixture(scope="module")
def stack(servers, tmp_path_factory):
    """The standard stack, with its own events prefix (other test runs write events at the same time)
    and a queue-depth sample every second."""
    env = stack_env(tmp_path_factory.mktemp("stack"))
    env["NIANBAO_EVENTS_PREFIX"] = f"nianbao-evtest-{uuid.uuid4().hex[:8]}"
    env["NIANBAO_QUEUE_SAMPLE_SECONDS"] = "1"
    redis.Redis.from_url(env["NIANBAO_REDIS_URL"]).flushdb()
    s = Stack(env=env)
    s.start()
    yield s
    s.stop()
    es = Elasticsearch(env["NIANBAO_ES_URL"], request_timeout=30)
    prefix = env["NIANBAO_EVENTS_PREFIX"]
    names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all").keys())
    names += list(es.indices.get_alias(name=env["NIANBAO_ES_ALIAS"], ignore_unavailable=True).keys())
    if names:
        es.indices.delete(index=",".join(names), ignore_unavailable=True)
    for t in (prefix, env["NIANBAO_ES_ALIAS"]):
        es.options(ignore_status=404).indices.delete_index_template(name=t)


@pytest.fixture(scope="module")
def es(stack) -> Elasticsearch:
    return Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)


@pytest.fixture(scope="module")
def prefix(stack) -> str:
    return stack.env["NIANBAO_EVENTS_PREFIX"]


def post(stack, name: str, data: bytes) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"file": (name, data)}, timeout=30)
    assert r.status_code == 202, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def seeded(stack) -> dict[str, dict]:
    """Document id → final status, for the five seeds and random bytes (they fail, and failed documents
    produce events too)."""
    ids = [post(stack, f.name, f.read_bytes()) for f in sorted(SEEDS.glob("*.txt"))]
    ids.append(post(stack, "noise.bin", random.Random(8).randbytes(4096)))
    assert len(set(ids)) == 6
    done = {i: wait_status(stack, i, timeout=180) for i in ids}
    # Events leave each process up to NIANBAO_EVENTS_LINGER_SECONDS after the stage ran: wait for the
    # last one (the index stage's of every indexed document, a failure event of every failed one).
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    prefix = stack.env["NIANBAO_EVENTS_PREFIX"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        evs = events(es, prefix, event_type="stage", document_id=ids)
        last = {e["document_id"] for e in evs if e["stage"] == "index" or e["status"] != "ok"}
        if last >= set(ids):
            break
        time.sleep(0.5)
    return done


def events(es: Elasticsearch, prefix: str, **match) -> list[dict]:
    es.indices.refresh(index=f"{prefix}-*")
    filters = [{"terms" if isinstance(v, list) else "term": {k: v}} for k, v in match.items()]
    res = es.search(index=f"{prefix}-*", query={"bool": {"filter": filters}}, size=2000,
                    sort=[{"@timestamp": "asc"}])
    return [h["_source"] for h in res["hits"]["hits"]]


def ts(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def test_one_event_per_document_per_stage(es, prefix, seeded):
    evs = events(es, prefix, event_type="stage", document_id=list(seeded))
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for e in evs:
        by_doc[e["document_id"]].append(e)
    assert set(by_doc) == set(seeded)
    assert {st["status"] for st in seeded.values()} == {"indexed", "failed"}  # both paths are checked
    for doc_id, st in seeded.items():
        got = by_doc[doc_id]
        stages = [e["stage"] for e in got]
        assert len(stages) == len(set(stages)), (doc_id, stages)  # exactly one per stage
        if st["status"] == "indexed":
            assert stages == list(STAGES)
            assert all(e["status"] == "ok" and "error_code" not in e for e in got)
        else:  # failed at some stage: events up to and including it, the last one carries the reason
            last = st["error"]["stage"]
            assert stages == list(STAGES[:STAGES.index(last) + 1]), (doc_id, stages, st["error"])
            assert [e["status"] for e in got[:-1]] == ["ok"] * (len(got) - 1)
            assert got[-1]["status"] in ("failed", "dead_letter")
            assert got[-1]["error_code"] == st["error"]["code"]
            assert got[-1]["error_message"] == st["error"]["message"]
        received, final = ts(st["received_at"]), ts(st["stages"][st["status"]])
        for e in got:
            assert e["retries"] == 0
            assert e["host"] == socket.gethostname() and e["worker"].startswith(e["host"] + ":")
            assert 0 <= e["duration_ms"] < TIME_LIMIT_MS
            # An event is written right after its stage ran: within the document's processing window.
            assert received <= ts(e["@timestamp"]) <= final + timedelta(seconds=5)
        # No stage can take longer than the whole trip through the pipeline.
        assert sum(e["duration_ms"] for e in got) <= (final - received).total_seconds() * 1000 + 50


def test_queue_depth_samples_show_every_queue_with_its_worker(es, prefix, seeded):
    samples = events(es, prefix, event_type="queue_depth")
    by_stage = defaultdict(list)
    for s in samples:
        by_stage[s["stage"]].append(s)
    assert set(by_stage) == set(QUEUES)  # every queue, `ocr` included, with its worker
    for stage, ss in by_stage.items():
        assert all(s["queue_depth"] >= 0 for s in ss)
        assert max(s.get("workers", 0) for s in ss) == 1, stage  # the test stack runs one worker per stage


def test_health_and_samples_show_backlog_when_a_stage_has_no_worker(stack, es, prefix, seeded):
    stack.kill("worker-parse", signal.SIGTERM)
    try:
        data = (SEEDS / "000_642ff1a02613d8d6.txt").read_bytes() + "\n（积压测试 / backlog test）\n".encode()
        doc_id = post(stack, "backlog.txt", data)
        wait_status(stack, doc_id, want=("normalized",), timeout=60)  # now waiting in the parse queue
        h = httpx.get(f"{stack.ingest_url}/api/v1/health", timeout=10)
        body = h.json()
        assert h.status_code == 503 and body["ok"] is False
        assert body["queues"]["parse"] >= 1
        assert "parse" not in body["workers"] and {"normalize", "validate", "index"} <= set(body["workers"])
        deadline = time.monotonic() + 30
        while True:  # the sampler writes what the health endpoint sees
            stalled = [s for s in events(es, prefix, event_type="queue_depth", stage="parse")
                       if s["queue_depth"] >= 1 and s.get("workers") == 0]
            if stalled or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert stalled, "no queue_depth sample recorded the parse backlog"
    finally:
        stack.start_worker("parse")
    st = wait_status(stack, doc_id, timeout=120)
    assert st["status"] in ("indexed", "failed")
    deadline = time.monotonic() + 60
    while (h := httpx.get(f"{stack.ingest_url}/api/v1/health", timeout=10)).status_code != 200:
        assert time.monotonic() < deadline, h.text
        time.sleep(1)
    assert h.json()["queues"]["parse"] == 0


def flat_mapping(mappings: dict) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(props: dict, path: str) -> None:
        for name, spec in props.items():
            full = f"{path}{name}"
            if "type" in spec:
                out[full] = spec["type"]
            for sub, sspec in spec.get("fields", {}).items():
                out[f"{full}.{sub}"] = sspec["type"]
            walk(spec.get("properties", {}), full + ".")
    for m in mappings.values():
        walk(m["mappings"].get("properties", {}), "")
    return out


def test_every_visualized_field_exists_with_the_expected_type(stack, es, prefix, seeded):
    live = {EVENTS_DV: flat_mapping(es.indices.get_mapping(index=f"{prefix}-*").body),
            REPORTS_DV: flat_mapping(es.indices.get_mapping(index=stack.env["NIANBAO_ES_ALIAS"]).body)}
    needed = referenced_fields(load_objects())
    assert set(needed) == set(live)
    problems = []
    for dv, fields in needed.items():
        for field, data_type in fields.items():
            if field not in live[dv]:
                problems.append(f"{dv}: {field} missing")
            elif data_type and live[dv][field] not in LENS_TYPES[data_type]:
                problems.append(f"{dv}: {field} is {live[dv][field]}, Lens expects {data_type}")
    assert not problems, problems


def test_duration_percentiles_per_stage_as_the_dashboard_asks(es, prefix, seeded):
    """The aggregation behind the duration panel, on the live events."""
    res = es.search(index=f"{prefix}-*", size=0, query={"term": {"event_type": "stage"}},
                    aggs={"stage": {"terms": {"field": "stage"}, "aggs": {
                        "p": {"percentiles": {"field": "duration_ms", "percents": [50, 95, 99]}}}}})
    buckets = {b["key"]: b["p"]["values"] for b in res["aggregations"]["stage"]["buckets"]}
    assert {"normalize", "parse"} <= set(buckets)
    for v in buckets.values():
        assert 0 <= v["50.0"] <= v["95.0"] <= v["99.0"] < TIME_LIMIT_MS


def test_events_prune_deletes_only_old_daily_indices(stack, es, prefix, seeded):
    old = [f"{prefix}-2020.01.01", f"{prefix}-2020.01.02"]
    decoy = f"{prefix}-archive"  # not a daily index: never touched
    for name in old + [decoy]:
        es.indices.create(index=name)
    today = f"{prefix}-{datetime.now(UTC):%Y.%m.%d}"
    env = {**os.environ, **stack.env}

    def prune(*args: str) -> str:
        r = subprocess.run([str(BIN / "nianbao"), "events-prune", *args], env=env, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout

    out = prune("--days", "7", "--dry-run")
    assert all(n in out for n in old) and today not in out
    assert all(es.indices.exists(index=n) for n in old)
    prune("--days", "7")
    assert not any(es.indices.exists(index=n) for n in old)
    assert es.indices.exists(index=today) and es.indices.exists(index=decoy)
    # The template gave the hand-made indices the events mapping too.
    assert es.indices.get_mapping(index=decoy)[decoy]["mappings"]["properties"]["stage"]["type"] == "keyword"
