"""Pipeline events: one document per stage per document in the time-based `nianbao-events-*` indices,
for Kibana's pipeline dashboard. Best effort: an unavailable Elasticsearch never fails a stage."""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timezone

from shared.settings import get_settings

log = logging.getLogger(__name__)
EVENTS_PREFIX = "nianbao-events"
_es = None


def _client():
    global _es
    if _es is None:
        from elasticsearch import Elasticsearch
        _es = Elasticsearch(get_settings().es_url, request_timeout=2, max_retries=0)
    return _es


def events_index(ts: datetime) -> str:
    return f"{EVENTS_PREFIX}-{ts:%Y.%m.%d}"


def emit_event(doc_id: str, stage: str, status: str, duration_s: float, retries: int,
               error: str | None) -> None:
    if os.environ.get("NIANBAO_EVENTS", "1") == "0":
        return
    ts = datetime.now(timezone.utc)
    body = {"@timestamp": ts.isoformat(), "document_id": doc_id, "stage": stage, "status": status,
            "duration_ms": round(duration_s * 1000, 3), "retries": retries, "error": error,
            "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        _client().index(index=events_index(ts), document=body)
    except Exception as e:  # noqa: BLE001
        log.debug("event not written: %r", e)
