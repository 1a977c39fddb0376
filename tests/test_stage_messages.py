"""Stage messages carry batches of ids: their shapes, the orphan sweep's reading of them, and how the
ingest API groups accepted ids (pure parts; the pipeline itself is tested in tests/integration)."""
from __future__ import annotations

import base64
import json
import time

from services.ingest.enqueue_batcher import EnqueueBatcher
from shared.messages import ids_of_message, items_of

A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_items_of_accepts_one_id_ids_and_option_dicts() -> None:
    assert items_of(A, {}) == [{"id": A}]
    assert items_of([A, B], {"cascade": False}) == [{"id": A, "cascade": False}, {"id": B, "cascade": False}]
    # an item's own options win over the message's
    assert items_of([{"id": A, "cascade": True}, B], {"cascade": False}) == [
        {"id": A, "cascade": True}, {"id": B, "cascade": False}]


def _kombu_message(args: list) -> str:
    body = base64.b64encode(json.dumps([args, {}, {}]).encode()).decode()
    # Celery's argsrepr is cut short for long argument lists: the ids must come from the body
    return json.dumps({"body": body, "headers": {"argsrepr": "[['aaaa...", "task": "nianbao.parse"},
                       "properties": {"body_encoding": "base64"}})


def test_orphan_sweep_reads_every_id_of_a_batch_message() -> None:
    many = [f"{i:064x}" for i in range(200)]
    raw = _kombu_message([[*many, {"id": C, "cascade": False}]])
    assert ids_of_message(raw) == {*many, C}
    # the `unacked` hash stores [message, exchange, routing key]
    assert ids_of_message(json.dumps([json.loads(_kombu_message([[A]])), "", "parse"])) == {A}
    assert ids_of_message(b"not json " + B.encode()) == {B}


def test_batcher_groups_what_arrives_within_the_linger_time() -> None:
    b = EnqueueBatcher(linger=0.2, max_batch=3)
    for d in (A, B, C, A):
        b.put(d)
    assert b._take() == [A, B, C]       # full batch: sent at once, not after the linger
    t0 = time.monotonic()
    assert b._take() == [A]             # the rest, after waiting the linger time for more
    assert 0.15 < time.monotonic() - t0 < 1.0
    assert b._take() == []              # nothing waiting
