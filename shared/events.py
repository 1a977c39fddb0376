"""Pipeline events for Kibana's pipeline dashboard (docs/monitoring.md).

Every stage run writes one event per document (`event_type: stage`): document id, stage, status,
duration, retry count, error code and message, worker host and time. The ingest API adds queue-depth
samples (`event_type: queue_depth`, shared/queue_sampler.py). Events go to the daily indices
`<events_prefix>-YYYY.MM.DD`, whose template and retention live in shared/events_index.py.

Best effort: an unavailable Elasticsearch never fails or slows a stage beyond a short timeout.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events_index import ensure_events_template, index_for
from shared.settings import get_settings

log = logging.getLogger(__name__)

EventStatus = Literal["ok", "failed", "dead_letter"]
HOST = socket.gethostname()


class PipelineEvent(BaseModel):
    """One document in the events index; field names are the mapping's (shared/events_index.py)."""
    model_config = ConfigDict(populate_by_name=True)

    timestamp: datetime = Field(alias="@timestamp", default_factory=lambda: datetime.now(timezone.utc))
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
        from elasticsearch import Elasticsearch
        _clients[url] = Elasticsearch(url, request_timeout=2, max_retries=0)
    return _clients[url]


def enabled() -> bool:
    # NIANBAO_EVENTS=0 is the older spelling of NIANBAO_EVENTS_ENABLED=0.
    return get_settings().events_enabled and os.environ.get("NIANBAO_EVENTS", "1") != "0"


def write(event: PipelineEvent) -> bool:
    """Index one event. Returns False (and logs) when it could not be written."""
    if not enabled():
        return False
    es = _client()
    prefix = get_settings().events_prefix
    index = index_for(event.timestamp, prefix)
    try:
        if prefix not in _templated:
            # Before the first write of this process: a daily index created without the template would
            # get dynamic mappings (text instead of keyword) and break the dashboards.
            ensure_events_template(es.options(request_timeout=10), prefix)
            _templated.add(prefix)
        # The first write of a day may create the index, which takes longer than a plain write.
        timeout = 2 if index in _seen else 10
        es.options(request_timeout=timeout).index(index=index, document=event.document())
        _seen.add(index)
        return True
    except Exception as e:  # noqa: BLE001 — monitoring must never break the pipeline
        log.info("event not written: %r", e)
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
