"""Celery task of the index worker (queue `index`): the validated record into Elasticsearch.

Document id = record id = sha256 of the raw bytes, so indexing twice overwrites rather than duplicates.
A newer version (different bytes) of the same body's same-year report marks the older one superseded;
both stay searchable by id. When the body's next-year report is already indexed, it is re-validated
(its CROSS_YEAR check depends on this one) — once, without cascading further.
"""
from __future__ import annotations

from services.search.neighbours import _client, neighbour_hits
from services.validate.cross_year import agency_key
from shared.es_index import es_document, index_into
from shared.record import Record
from shared.settings import get_settings
from shared.stage import send_next, stage_task, status_store, storage
from shared.status import now_iso


@stage_task("index")
def index_document(doc_id: str, cascade: bool = True, target: str | None = None) -> None:
    record = Record.model_validate(storage().get_artifact(doc_id, "validated"))
    es, alias = _client(), get_settings().es_alias
    key = agency_key(record)
    if target:  # `nianbao reindex`: into the index being built, not the live alias
        index_into(es, target, record, agency_key=key, indexed_at=now_iso(), alias=alias)
        return
    year = record.meta.year
    newer_exists = False
    # One search for the same-year and the next-year reports (a round trip less per document).
    hits = neighbour_hits(key, (year, year + 1), doc_id) if key and year is not None else []
    if key and year is not None:
        same_year = [h for h in hits if h["meta"]["year"] == year]
        st = status_store().get(doc_id)
        mine = st.received_at if st else now_iso()
        for other in same_year:
            other_st = status_store().get(other["id"])
            other_received = other_st.received_at if other_st else (other.get("indexed_at") or "")
            if other_received > mine:
                newer_exists = True
            else:
                es.update(index=alias, id=other["id"], doc={"superseded": True})
    next_year = [h for h in hits if h["meta"]["year"] == year + 1 and not h.get("superseded")] if cascade else []
    es.index(index=alias, id=doc_id, refresh="wait_for" if next_year else False,
             document=es_document(record, agency_key=key, indexed_at=now_iso(), superseded=newer_exists))
    status_store().advance(doc_id, "indexed")
    for n in next_year:
        send_next("validate", n["id"], cascade=False)
