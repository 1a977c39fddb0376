"""Dependencies of the search API."""
from __future__ import annotations

from functools import lru_cache

from elasticsearch import Elasticsearch

from shared.clients import es_client


@lru_cache
def get_es() -> Elasticsearch:
    return es_client()
