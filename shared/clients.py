"""The clients of what every part talks to — Elasticsearch, Redis (statuses), the document storage —
made in one place, one of each per process (made on first use, so after a worker's fork)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from elasticsearch import Elasticsearch

from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage


def _serializers() -> dict[str, Any]:
    """orjson for request and response bodies: an index batch is megabytes of JSON, which the standard
    library's encoder turned out to spend more CPU on than building the documents (docs/benchmarks.md §2)."""
    from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

    class OrjsonNdjsonSerializer(NdjsonSerializer):
        json_dumps = OrjsonSerializer.json_dumps
        json_loads = OrjsonSerializer.json_loads

    return {"application/json": OrjsonSerializer(), "application/x-ndjson": OrjsonNdjsonSerializer()}


def es_client(url: str | None = None, **kw: Any) -> Elasticsearch:
    """A new Elasticsearch client (its own timeouts and retries: the events writer wants short ones)."""
    return Elasticsearch(url or get_settings().es_url, request_timeout=kw.pop("request_timeout", 30),
                         serializers=_serializers(), **kw)


@lru_cache
def es() -> Elasticsearch:
    """The process' Elasticsearch client."""
    return es_client()


@lru_cache
def status_store() -> StatusStore:
    return StatusStore()


@lru_cache
def storage() -> Storage:
    return Storage(get_settings().storage_dir)
