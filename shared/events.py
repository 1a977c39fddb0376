"""Pipeline events for Kibana's pipeline dashboard (docs/monitoring.md).

Every stage run writes one event per document (`event_type: stage`): document id, stage, status,
duration, retry count, error code and message, worker host and time. The ingest API adds queue-depth
samples (`event_type: queue_depth`, shared/queue_sampler.py). Events go to the daily indices
`<events_prefix>-YYYY.MM.DD`, whose template and retention live in shared/events_index.py.

Best effort: an unavailable Elasticsearch never fails or slows a stage. Events are handed to a
background thread of the process, which sends whatever has queued up in one bulk request (one event
when the pipeline is quiet, many under load): a stage task does not wait for an Elasticsearch round
trip per event (bench/pipeline.py). Events still queued when a process is killed are lost.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.clients import es_client
from shared.events_index import ensure_events_template, index_for
from shared.settings import get_settings

log = logging.getLogger(__name__)

EventStatus = Literal["ok", "failed", "dead_letter"]
HOST = socket.gethostname()


class PipelineEvent(BaseModel):
    """One document in the events index; field names are the mapping's (shared/events_index.py)."""
    model_config = ConfigDict(populate_by_name=True)

    timestamp: datetime = Field(alias="@timestamp", default_factory=lambda: datetime.now(UTC))
    event_type: Literal["stage", "queue_depth"] = "stage"
    document_id: str | None = None
    stage: str
    status: EventStatus | None = None
    duration_ms: float | None = None
    retries: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    host: str = HOST
    worker: str = Field(default_factory=lambda: f"{HOST}:{os.getpid()}")
    queue_depth: int | None = None
    workers: int | None = None

    def document(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


_clients: dict[str, object] = {}
_templated: set[str] = set()
_seen: set[str] = set()   # daily indices this process has written to


def _client():
    url = get_settings().es_url
    if url not in _clients:
        _clients[url] = es_client(url, request_timeout=2, max_retries=0)
    return _clients[url]


def enabled() -> bool:
    # NIANBAO_EVENTS=0 is the older spelling of NIANBAO_EVENTS_ENABLED=0.
    return get_settings().events_enabled and os.environ.get("NIANBAO_EVENTS", "1") != "0"


def write(event: PipelineEvent) -> bool:
    """Queue one event for the sender thread. False when events are off."""
    if not enabled():
        return False
    _sender().put((index_for(event.timestamp, get_settings().events_prefix), event.document()))
    return True


_queue: queue.SimpleQueue | None = None
_queue_pid = 0
BATCH = 500


def _sender() -> queue.SimpleQueue:
    """This process's event queue and its sender thread, started on first use (also in a forked worker
    child: threads do not survive fork)."""
    global _queue, _queue_pid
    if _queue is None or _queue_pid != os.getpid():
        q: queue.SimpleQueue = queue.SimpleQueue()
        _queue, _queue_pid = q, os.getpid()
        threading.Thread(target=_send_loop, args=(q,), name="nianbao-events", daemon=True).start()
        atexit.register(_drain, q, _queue_pid)
    return _queue


def _send_loop(q: queue.SimpleQueue) -> None:
    while True:
        batch = [q.get()]
        # Wait a little for more: under load one bulk request per second and process instead of one
        # per task, a tenth of the requests for the same events (docs/benchmarks.md §2). The dashboards
        # refresh every 30 s.
        deadline = time.monotonic() + get_settings().events_linger_seconds
        while len(batch) < BATCH and (left := deadline - time.monotonic()) > 0:
            try:
                batch.append(q.get(timeout=left))
            except queue.Empty:
                break
        _send(_more(q, batch))


def _more(q: queue.SimpleQueue, batch: list) -> list:
    # Whatever queued up while the previous request was in flight goes into the same request.
    while len(batch) < BATCH:
        try:
            batch.append(q.get_nowait())
        except queue.Empty:
            break
    return batch


def _drain(q: queue.SimpleQueue, pid: int) -> None:
    """At interpreter exit: send what is still queued (only in the process that queued it: a forked
    child inherits its parent's exit handlers and a copy of the queue)."""
    if pid != os.getpid():
        return
    batch = _more(q, [])
    if batch:
        _send(batch)


def _send(batch: list[tuple[str, dict]]) -> bool:
    es = _client()
    prefix = get_settings().events_prefix
    try:
        if prefix not in _templated:
            # Before the first write of this process: a daily index created without the template would
            # get dynamic mappings (text instead of keyword) and break the dashboards.
            ensure_events_template(es.options(request_timeout=10), prefix)
            _templated.add(prefix)
        # The first write of a day may create the index, which takes longer than a plain write.
        timeout = 2 if all(index in _seen for index, _ in batch) else 10
        ops: list[dict] = []
        for index, doc in batch:
            ops += [{"index": {"_index": index}}, doc]
        res = es.options(request_timeout=timeout).bulk(operations=ops)
        _seen.update(index for index, _ in batch)
        if res.get("errors"):
            log.info("events not written: %s", [i for i in res["items"] if i["index"].get("error")][:3])
        return True
    except Exception as e:  # noqa: BLE001 — monitoring must never break the pipeline
        log.info("%d events not written: %r", len(batch), e)
        return False


def emit_event(doc_id: str, stage: str, status: EventStatus, duration_s: float, retries: int,
               error: str | None, *, code: str | None = None) -> bool:
    """The stage-run event of `doc_id` (called by shared/stage.py)."""
    if error and not code:
        code = "internal" if status == "dead_letter" else "unknown"
    return write(PipelineEvent(document_id=doc_id, stage=stage, status=status,
                               duration_ms=round(max(duration_s, 0.0) * 1000, 3), retries=retries,
                               error_code=code, error_message=(error or None) and error[:2000]))


def emit_queue_depth(stage: str, depth: int, workers: int | None) -> bool:
    """A queue-depth sample: messages waiting in `stage`'s queue and the live workers consuming it."""
    return write(PipelineEvent(event_type="queue_depth", stage=stage, queue_depth=depth, workers=workers))
