"""Look up the same body's report for a given year (CROSS_YEAR and supersession)."""
from __future__ import annotations

from shared.es_index import client
from shared.record import Record
from shared.settings import get_settings

_es = None


def _client():
    global _es
    if _es is None:
        _es = client()
    return _es


def neighbour_hits(key: str, years: tuple[int, ...], exclude_id: str) -> list[dict]:
    """Hits (id, indexed_at, meta.year, superseded) of the body's reports for any of `years`, superseded
    ones included, newest first: the index worker's same-year and next-year look-ups in one search."""
    res = _client().search(index=get_settings().es_alias, size=20 * len(years),
                           query={"bool": {"filter": [{"term": {"agency_key": key}},
                                                      {"terms": {"meta.year": list(years)}}],
                                           "must_not": [{"ids": {"values": [exclude_id]}}]}},
                           sort=[{"indexed_at": {"order": "desc", "unmapped_type": "date"}}],
                           source=["id", "indexed_at", "meta.year", "superseded"])
    return [h["_source"] for h in res["hits"]["hits"]]


def find_report(key: str, year: int, exclude_id: str | None = None) -> Record | None:
    """The current (not superseded) report of this body for `year`, or None."""
    if not key:
        return None
    res = _client().search(index=get_settings().es_alias, size=1, source=["record"],
                           query={"bool": {"filter": [{"term": {"agency_key": key}}, {"term": {"meta.year": year}},
                                                      {"term": {"superseded": False}}],
                                           "must_not": [{"ids": {"values": [exclude_id or ""]}}]}},
                           sort=[{"indexed_at": {"order": "desc", "unmapped_type": "date"}}])
    hits = res["hits"]["hits"]
    return Record.model_validate(hits[0]["_source"]["record"]) if hits else None


def get_report(doc_id: str) -> Record | None:
    """A report by id; a realtime GET, so it is found even before the index refreshes."""
    from elasticsearch import NotFoundError
    try:
        doc = _client().get(index=get_settings().es_alias, id=doc_id, source=["record"])
    except NotFoundError:
        return None
    return Record.model_validate(doc["_source"]["record"])


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
