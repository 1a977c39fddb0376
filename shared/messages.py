"""The stage messages: their shape, how they are sent, and how a queued one is read back.

A stage task's first argument is a list of items, each a document id or {"id": …, **options} (options
such as `cascade` differ per document); older messages and simple callers send one id as a string.
Messages carry ids only: the bytes and every stage's output live in Storage.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import redis

from shared.celery_app import STAGE_QUEUES, app

Item = dict[str, Any]
MAX_BATCH = 64  # documents per message handed on (and per bulk request)
# Items per message where a stage's work is not per document: the ocr stage reads one page per message, so a
# page's time limit is its task's alone, and pages of one scan spread over the OCR workers.
STAGE_BATCH = {"ocr": 1}


def batch_size(stage: str) -> int:
    return STAGE_BATCH.get(stage, MAX_BATCH)
_ID_RX = re.compile(r"[0-9a-f]{64}")
# Where kombu's Redis transport keeps what it holds: a list per queue (priority levels in suffixed keys)
# and, for messages handed to a worker and not yet acknowledged, this hash (its `unacked_key` default).
UNACKED_KEY = "unacked"


def items_of(arg: str | list, options: dict[str, Any]) -> list[Item]:
    """The batch of a message, each item with the task-level options under its own."""
    raw = [arg] if isinstance(arg, str) else list(arg)
    return [{**options, **({"id": x} if isinstance(x, str) else x)} for x in raw]


def compact(item: Item) -> str | Item:
    return item["id"] if len(item) == 1 else item


def send_next(stage: str, items: str | list, countdown: float | None = None, **options: Any) -> None:
    """Send one message to `stage` naming `items` (ids or option dicts), with `options` for all."""
    batch = [compact(i) for i in items_of(items, options)]
    if batch:
        app.send_task(f"nianbao.{stage}", args=[batch], queue=stage, countdown=countdown)


def ids_of_message(raw: str | bytes) -> set[str]:
    """The ids a queued kombu message names (a queue entry, or an entry of the Redis transport's
    `unacked` hash, which holds [message, exchange, routing key]). The task arguments are in the base64
    body (the headers' `argsrepr` is cut short for a batch of many ids); the raw text is searched too,
    for other shapes."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    ids = set(_ID_RX.findall(raw))
    try:
        msg = json.loads(raw)
        if isinstance(msg, list):
            msg = msg[0]
        body = msg.get("body", "")
        if msg.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body).decode("utf-8", "replace")
        ids.update(_ID_RX.findall(body))
    except (ValueError, AttributeError, TypeError, IndexError, binascii.Error):
        pass
    return ids


def ids_in_flight(r: redis.Redis) -> set[str]:
    """Document ids named by a message waiting in a stage queue or held unacknowledged by a worker
    (which includes retries waiting for their countdown)."""
    found: set[str] = set()
    for q in STAGE_QUEUES:
        for key in r.scan_iter(match=f"{q}*"):
            if r.type(key) == "list":
                for raw in r.lrange(key, 0, -1):
                    found.update(ids_of_message(raw))
    for raw in r.hvals(UNACKED_KEY):
        found.update(ids_of_message(raw))
    return found
