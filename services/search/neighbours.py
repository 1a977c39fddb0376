"""Look up the same body's report for a given year (CROSS_YEAR and supersession)."""
from __future__ import annotations

from shared.errors import ServiceBusy
from shared.es_index import client
from shared.record import Record
from shared.settings import get_settings

_es = None


def _client():
    global _es
    if _es is None:
        _es = client()
    return _es


def _neighbour_search(key: str, years: tuple[int, ...], exclude_id: str) -> dict:
    return {"size": 20 * len(years),
            "query": {"bool": {"filter": [{"term": {"agency_key": key}}, {"terms": {"meta.year": list(years)}}],
                               "must_not": [{"ids": {"values": [exclude_id]}}]}},
            "sort": [{"indexed_at": {"order": "desc", "unmapped_type": "date"}}],
            "_source": ["id", "indexed_at", "meta.year", "superseded"]}


def neighbour_hits(key: str, years: tuple[int, ...], exclude_id: str) -> list[dict]:
    """Hits (id, indexed_at, meta.year, superseded) of the body's reports for any of `years`, superseded
    ones included, newest first."""
    return neighbour_hits_many([(key, years, exclude_id)])[0]


def neighbour_hits_many(wanted: list[tuple[str, tuple[int, ...], str]]) -> list[list[dict]]:
    """`neighbour_hits` for many (agency_key, years, exclude_id) in one multi-search request."""
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
    for r in _client().msearch(searches=body)["responses"]:
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


def find_report(key: str, year: int, exclude_id: str | None = None) -> Record | None:
    """The current (not superseded) report of this body for `year`, or None."""
    if not key:
        return None
    hits = _msearch([_current_search(key, year, exclude_id)])[0]
    return Record.model_validate(hits[0]["_source"]["record"]) if hits else None


def get_report(doc_id: str) -> Record | None:
    """A report by id; a realtime GET, so it is found even before the index refreshes."""
    from elasticsearch import NotFoundError
    try:
        doc = _client().get(index=get_settings().es_alias, id=doc_id, source=["record"])
    except NotFoundError:
        return None
    return Record.model_validate(doc["_source"]["record"])


def previous_reports(wanted: list[tuple[str | None, int | None, str]]) -> list[Record | None]:
    """`previous_report` for many (agency_key, year, exclude_id): the registry in one Redis round trip,
    the registered reports in one realtime multi-get, the rest in one multi-search (none when the
    registry is complete)."""
    from shared.bodies import BodyRegistry
    from shared.stage import status_store
    registered = BodyRegistry(status_store().r).current_many([(k, y) for k, y, _ in wanted])
    found: dict[str, Record] = {}
    ids = sorted({d for d, (_, _, ex) in zip(registered, wanted) if d and d != ex})
    if ids:
        for doc in _client().mget(index=get_settings().es_alias, ids=ids, source=["record"])["docs"]:
            if doc.get("found"):
                found[doc["_id"]] = Record.model_validate(doc["_source"]["record"])
    out: list[Record | None] = [found.get(d) if d and d != ex else None for d, (_, _, ex) in zip(registered, wanted)]
    if BodyRegistry(status_store().r).is_complete():
        return out  # a body and year the registry does not know has no report (shared/bodies.py)
    misses = [i for i, (rec, (k, y, _)) in enumerate(zip(out, wanted)) if rec is None and k and y is not None]
    for i, hits in zip(misses, _msearch([_current_search(wanted[i][0], wanted[i][1], wanted[i][2]) for i in misses])):
        out[i] = Record.model_validate(hits[0]["_source"]["record"]) if hits else None
    return out


def previous_report(key: str, year: int, exclude_id: str) -> Record | None:
    """The body's current report for `year`: from the realtime registry, else by search."""
    from shared.bodies import BodyRegistry
    from shared.stage import status_store
    doc_id = BodyRegistry(status_store().r).current(key, year)
    if doc_id and doc_id != exclude_id:
        rec = get_report(doc_id)
        if rec is not None:
            return rec
    return find_report(key, year, exclude_id=exclude_id)
