"""A worker process killed (SIGKILL) while it holds a task: the document still reaches `indexed`."""
from __future__ import annotations

import time

import httpx
import pytest
import redis

from tests.integration.conftest import running_stack, wait_status
from tests.paths import SEEDS


@pytest.fixture(scope="module")
def slow_stack(servers, tmp_path_factory):
    yield from running_stack(tmp_path_factory, "crash", NIANBAO_DEBUG_STAGE_DELAY="parse=4")


def test_sigkill_parse_worker_while_holding_task(slow_stack):
    data = (SEEDS / "004_f3aadee89c2c822f.txt").read_bytes()
    r = httpx.post(f"{slow_stack.ingest_url}/api/v1/documents", content=data, params={"filename": "004.txt"})
    doc_id = r.json()["id"]
    wait_status(slow_stack, doc_id, want=("normalized",), timeout=30)
    time.sleep(1.5)  # the parse worker has now taken the message and sleeps inside the task
    r = redis.Redis.from_url(slow_stack.env["NIANBAO_REDIS_URL"])
    assert r.hlen("unacked") == 1, "the parse task should be held, unacknowledged, by the worker"
    slow_stack.kill("worker-parse")
    st = httpx.get(f"{slow_stack.ingest_url}/api/v1/documents/{doc_id}").json()
    assert st["status"] == "normalized"  # the killed task did not complete
    slow_stack.start_worker("parse")
    st = wait_status(slow_stack, doc_id, timeout=120)
    assert st["status"] == "indexed", st
