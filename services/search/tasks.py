"""Celery task of the index worker (queue `index`): the validated record into Elasticsearch.

Document id = record id = sha256 of the raw bytes, so indexing twice overwrites rather than duplicates.
A newer version (different bytes) of the same body's same-year report marks the older one superseded;
both stay searchable by id. CROSS_YEAR: the report is registered as its body's current one for its year
(shared.bodies, realtime), then its neighbours are looked up there: a next-year report is re-validated
(its check depends on this one), and this report itself is re-validated when a previous-year report
exists that its validation did not compare with — each once, without cascading further.
"""
from __future__ import annotations

from services.search.neighbours import _client, neighbour_hits
from services.validate.cross_year import agency_key
from shared.bodies import BodyRegistry
from shared.es_index import es_document, index_into
from shared.record import Record
from shared.settings import get_settings
from shared.stage import send_next, stage_task, status_store, storage
from shared.status import now_iso


@stage_task("index")
def index_document(doc_id: str, cascade: bool = True, target: str | None = None,
                   compared_with: str | None = None) -> None:
    record = Record.model_validate(storage().get_artifact(doc_id, "validated"))
    es, alias = _client(), get_settings().es_alias
    key = agency_key(record)
    if target:  # `nianbao reindex`: into the index being built, not the live alias
        index_into(es, target, record, agency_key=key, indexed_at=now_iso(), alias=alias)
        return
    year = record.meta.year
    newer_exists = False
    bodies = BodyRegistry(status_store().r)
    if key and year is not None:
        # Same body and year, other bytes: the later-received version is current. The registry is
        # realtime; the search also finds versions indexed before the registry knew them.
        same_year = {h["id"] for h in neighbour_hits(key, (year,), doc_id)}
        registered = bodies.current(key, year)
        if registered and registered != doc_id:
            same_year.add(registered)
        st = status_store().get(doc_id)
        mine = st.received_at if st else now_iso()
        for other_id in sorted(same_year):
            other_st = status_store().get(other_id)
            if other_st and other_st.received_at > mine:
                newer_exists = True
            else:
                es.update(index=alias, id=other_id, doc={"superseded": True})
    es.index(index=alias, id=doc_id, refresh=False,
             document=es_document(record, agency_key=key, indexed_at=now_iso(), superseded=newer_exists))
    revalidate: set[str] = set()
    if key and year is not None and not newer_exists:
        bodies.register(key, year, doc_id)  # before the look-ups: see shared/bodies.py
        nxt = bodies.current(key, year + 1)
        if cascade and nxt and nxt != doc_id:
            revalidate.add(nxt)
        prev = bodies.current(key, year - 1)
        if prev and prev != compared_with and prev != doc_id:
            revalidate.add(doc_id)
    status_store().advance(doc_id, "indexed")
    for other in sorted(revalidate):
        send_next("validate", other, cascade=False)
