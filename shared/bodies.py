"""Which report is the current one for a body and year: a Redis hash per body (`agency_key`), year →
document id.

Elasticsearch search only sees a document after its next refresh, so two consecutive years of one body
processed at the same time could each miss the other and CROSS_YEAR would never run. Redis is read
and written at once: the index task registers a report *before* it looks for its neighbours, so of any
two neighbours at least one sees the other and has the later year re-validated.

Complete registry: when the registry has seen every report of an alias' index (the index was created
empty with this registry beside it, or `nianbao registry-rebuild` filled it from the index), a body and
year it does not know has no report, and the stages skip the searches that would look for one in
Elasticsearch (two per report; docs/benchmarks.md §2). Without the mark (an index older than the
registry, a Redis that lost its data) they search as before.
"""
from __future__ import annotations

import redis

_KEY = "nianbao:body:"                  # + alias + ":" + agency_key: a hash year → document id
_COMPLETE = "nianbao:bodies:complete"   # set of aliases whose every report is registered


class BodyRegistry:
    """The registry of one alias (default: the configured one); aliases sharing a Redis stay apart."""

    def __init__(self, client: redis.Redis, alias: str | None = None) -> None:
        from shared.settings import get_settings
        self.r = client
        self.alias = alias or get_settings().es_alias
        self.prefix = f"{_KEY}{self.alias}:"

    def current_many(self, wanted: list[tuple[str | None, int | None]]) -> list[str | None]:
        """The current report id (or None) of each (agency_key, year), in one round trip."""
        with self.r.pipeline(transaction=False) as p:
            for key, year in wanted:
                if key and year is not None:
                    p.hget(self.prefix + key, str(year))
            got = iter(p.execute())
        out: list[str | None] = []
        for key, year in wanted:
            v = next(got) if key and year is not None else None
            out.append(v.decode() if isinstance(v, bytes) else v)
        return out

    def register_many(self, entries: list[tuple[str, int, str]]) -> None:
        with self.r.pipeline(transaction=False) as p:
            for key, year, doc_id in entries:
                p.hset(self.prefix + key, str(year), doc_id)
            p.execute()

    def mark_complete(self) -> None:
        self.r.sadd(_COMPLETE, self.alias)

    def is_complete(self) -> bool:
        return bool(self.r.sismember(_COMPLETE, self.alias))

    def start_empty(self) -> None:
        """The alias got a new, empty index: forget its old entries; from now on it sees every report."""
        with self.r.pipeline(transaction=False) as p:
            for key in self.r.scan_iter(match=self.prefix + "*", count=1000):
                p.unlink(key)
            p.execute()
        self.mark_complete()

    def rebuild(self, es) -> int:
        """Register every current (not superseded) report of the alias, then mark the registry
        complete. Entries already present are kept: the index workers wrote them and they are at least
        as new as what the scan reads. Returns the number of reports scanned."""
        from elasticsearch.helpers import scan
        n = 0
        with self.r.pipeline(transaction=False) as p:
            for hit in scan(es, index=self.alias, size=1000, _source=["agency_key", "meta.year"],
                            query={"query": {"bool": {"filter": [{"exists": {"field": "agency_key"}},
                                                                 {"exists": {"field": "meta.year"}}],
                                                      "must_not": [{"term": {"superseded": True}}]}}}):
                src = hit["_source"]
                if src.get("agency_key") and (src.get("meta") or {}).get("year") is not None:
                    p.hsetnx(self.prefix + src["agency_key"], str(src["meta"]["year"]), hit["_id"])
                    n += 1
                if len(p) >= 1000:
                    p.execute()
            p.execute()
        self.mark_complete()
        return n

