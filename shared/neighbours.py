"""Look up the same body's report for a given year (CROSS_YEAR and supersession)."""
from __future__ import annotations

from collections.abc import Sequence

from shared.bodies import BodyRegistry
from shared.clients import es, status_store
from shared.errors import ServiceBusy
from shared.record import Record
from shared.settings import get_settings


def _neighbour_search(key: str, years: tuple[int, ...], exclude_id: str) -> dict:
    return {"size": 20 * len(years),
            "query": {"bool": {"filter": [{"term": {"agency_key": key}}, {"terms": {"meta.year": list(years)}}],
                               "must_not": [{"ids": {"values": [exclude_id]}}]}},
            "sort": [{"indexed_at": {"order": "desc", "unmapped_type": "date"}}],
            "_source": ["id", "indexed_at", "meta.year", "superseded"]}


def neighbour_hits_many(wanted: list[tuple[str, tuple[int, ...], str]]) -> list[list[dict]]:
    """For each (agency_key, years, exclude_id): the hits (id, indexed_at, meta.year, superseded) of the
    body's reports for any of `years`, superseded ones included, newest first; one multi-search request."""
    return [[h["_source"] for h in hits] for hits in _msearch([_neighbour_search(*w) for w in wanted])]


def _msearch(searches: list[dict]) -> list[list[dict]]:
    """The hits of each search, in one request to Elasticsearch."""
    if not searches:
        return []
    alias = get_settings().es_alias
    body: list[dict] = []
    for q in searches:
        body += [{"index": alias}, q]
    out = []
    for r in es().msearch(searches=body)["responses"]:
        if "error" in r:  # one failed search fails the batch's look-ups
            if r.get("status") in (429, 502, 503, 504):
                raise ServiceBusy(f"Elasticsearch busy: {r['error']}")
            raise RuntimeError(f"neighbour search failed: {r['error']}")
        out.append(r["hits"]["hits"])
    return out


def _current_search(key: str, year: int, exclude_id: str | None) -> dict:
    return {"size": 1, "_source": ["record"],
            "query": {"bool": {"filter": [{"term": {"agency_key": key}}, {"term": {"meta.year": year}},
                                          {"term": {"superseded": False}}],
                               "must_not": [{"ids": {"values": [exclude_id or ""]}}]}},
            "sort": [{"indexed_at": {"order": "desc", "unmapped_type": "date"}}]}


def previous_reports(wanted: Sequence[tuple[str | None, int | None, str]]) -> list[Record | None]:
    """For each (agency_key, year, exclude_id): the body's current report for that year, or None. The
    registry in one Redis round trip, the registered reports in one realtime multi-get, the rest in one
    multi-search (none when the registry is complete)."""
    bodies = BodyRegistry(status_store().r)
    registered = bodies.current_many([(k, y) for k, y, _ in wanted])
    found: dict[str, Record] = {}
    ids = sorted({d for d, (_, _, ex) in zip(registered, wanted, strict=True) if d and d != ex})
    if ids:
        for doc in es().mget(index=get_settings().es_alias, ids=ids, source=["record"])["docs"]:
            if doc.get("found"):
                found[doc["_id"]] = Record.model_validate(doc["_source"]["record"])
    out: list[Record | None] = [found.get(d) if d and d != ex else None for d, (_, _, ex) in zip(registered, wanted, strict=True)]
    if bodies.is_complete():
        return out  # a body and year the registry does not know has no report (shared/bodies.py)
    misses = [(i, k, y, ex) for i, (rec, (k, y, ex)) in enumerate(zip(out, wanted, strict=True))
              if rec is None and k and y is not None]
    searches = [_current_search(k, y, ex) for _, k, y, ex in misses]
    for (i, _, _, _), hits in zip(misses, _msearch(searches), strict=True):
        out[i] = Record.model_validate(hits[0]["_source"]["record"]) if hits else None
    return out
