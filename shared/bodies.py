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

    def current_many(self, wanted: list[tuple[str | None, int | None]]) -> list[str | None]:
        """`current` for many (agency_key, year) pairs in one round trip."""
        with self.r.pipeline(transaction=False) as p:
            for key, year in wanted:
                if key and year is not None:
                    p.hget(_KEY + key, str(year))
            got = iter(p.execute())
        out: list[str | None] = []
        for key, year in wanted:
            v = next(got) if key and year is not None else None
            out.append(v.decode() if isinstance(v, bytes) else v)
        return out

    def register_many(self, entries: list[tuple[str, int, str]]) -> None:
        with self.r.pipeline(transaction=False) as p:
            for key, year, doc_id in entries:
                p.hset(_KEY + key, str(year), doc_id)
            p.execute()
