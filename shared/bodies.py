"""Which report is the current one for a body and year: a Redis hash per body (`agency_key`), year →
document id.

Elasticsearch search only sees a document after its next refresh, so two consecutive years of one body
processed at the same time could each miss the other and CROSS_YEAR would never run. Redis is read
and written at once: the index task registers a report *before* it looks for its neighbours, so of any
two neighbours at least one sees the other and has the later year re-validated.
"""
from __future__ import annotations

import redis

_KEY = "nianbao:body:"


class BodyRegistry:
    def __init__(self, client: redis.Redis) -> None:
        self.r = client

    def register(self, agency_key: str, year: int, doc_id: str) -> None:
        self.r.hset(_KEY + agency_key, str(year), doc_id)

    def current(self, agency_key: str, year: int) -> str | None:
        if not agency_key:
            return None
        v = self.r.hget(_KEY + agency_key, str(year))
        return v.decode() if isinstance(v, bytes) else v
