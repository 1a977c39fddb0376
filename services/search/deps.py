"""Dependencies of the search API."""
from __future__ import annotations

from functools import lru_cache

from elasticsearch import Elasticsearch

from shared.es_index import client


@lru_cache
def get_es() -> Elasticsearch:
    return client()
