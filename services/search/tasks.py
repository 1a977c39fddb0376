"""Celery task of the index worker (queue `index`): validated records into Elasticsearch, a batch in one
bulk request, its look-ups made once for the batch (shared/stage.py).

Document id = record id = sha256 of the raw bytes, so indexing twice overwrites rather than duplicates.
A newer version (different bytes) of the same body's same-year report marks the older one superseded;
both stay searchable by id. CROSS_YEAR: the reports are registered as their bodies' current ones for
their years (shared.bodies, realtime) before their neighbours are looked up there: a next-year report is
re-validated (its check depends on this one), and a report itself is re-validated when a previous-year
report exists that its validation did not compare with — each once, without cascading further. The
re-validations are sent after the bulk request succeeded, so they find these reports in Elasticsearch.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.agency_key import agency_key, prepare
from shared.bodies import BodyRegistry
from shared.clients import es, status_store, storage
from shared.es_index import es_document, index_into
from shared.messages import Item
from shared.neighbours import neighbour_hits_many
from shared.record import Record
from shared.settings import get_settings
from shared.stage import Batch, stage_task
from shared.status import now_iso


@dataclass
class _Doc:
    item: Item
    record: Record
    key: str
    newer_exists: bool = False
    revalidate: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return self.item["id"]

    @property
    def year(self) -> int | None:
        return self.record.meta.year


@stage_task("index", whole_batch=True)
def index_documents(batch: Batch, items: list[Item]) -> None:
    client, alias = es(), get_settings().es_alias
    loaded: list[tuple[Item, Record]] = []
    for item in items:
        with batch.document(item["id"]):
            loaded.append((item, storage().get_model(item["id"], "validated", Record)))
    prepare([r for _, r in loaded])  # one cpca call for the batch's agency keys
    docs: list[_Doc] = []
    for item, record in loaded:
        with batch.document(item["id"]):
            key = agency_key(record)
            if item.get("target"):  # `nianbao reindex`: into the index being built, not the live alias
                index_into(client, item["target"], record, agency_key=key, indexed_at=now_iso(), alias=alias)
                continue
            docs.append(_Doc(item, record, key))
    bodies = BodyRegistry(status_store().r)
    placed = [d for d in docs if d.key and d.year is not None]
    _supersede(batch, alias, bodies, placed)
    # Register before looking up the neighbouring years (shared/bodies.py): of two neighbours indexed at
    # the same time, at least one sees the other.
    current = [d for d in placed if not d.newer_exists]
    bodies.register_many([(d.key, d.year, d.id) for d in current])  # type: ignore[misc]  # placed docs: year is set
    around = bodies.current_many([(d.key, y) for d in current for y in (d.year + 1, d.year - 1)])  # type: ignore[operator]  # placed docs: year is set
    for i, d in enumerate(current):
        nxt, prev = around[2 * i], around[2 * i + 1]
        if d.item.get("cascade", True) and nxt and nxt != d.id:
            d.revalidate.add(nxt)
        if prev and prev != d.item.get("compared_with") and prev != d.id:
            d.revalidate.add(d.id)
    for d in docs:
        batch.index(d.id, {"_index": alias, "_id": d.id,
                           "_source": es_document(d.record, agency_key=d.key, indexed_at=now_iso(),
                                                  superseded=d.newer_exists)}, _then(batch, d))


def _supersede(batch: Batch, alias: str, bodies: BodyRegistry, docs: list[_Doc]) -> None:
    """Same body and year, other bytes: the later-received version is current, the others superseded.
    Versions come from the registry (realtime), the index (versions from before the registry knew
    them; not searched when it is complete) and this batch itself."""
    registered = bodies.current_many([(d.key, d.year) for d in docs])
    # A complete registry knows the current version of every body and year (older ones were marked
    # superseded when it arrived); otherwise also search for versions it never saw.
    hits = ([[] for _ in docs] if not docs or bodies.is_complete()
            else neighbour_hits_many([(d.key, (d.year,), d.id) for d in docs]))  # type: ignore[misc]  # placed docs: year is set
    others = [({h["id"] for h in hs} | ({r} if r and r != d.id else set()))
              for d, r, hs in zip(docs, registered, hits, strict=True)]
    in_batch: dict[tuple[str, int], list[str]] = {}
    for d in docs:
        in_batch.setdefault((d.key, d.year), []).append(d.id)  # type: ignore[arg-type]  # placed docs: year is set
    statuses = status_store().get_many(sorted({d.id for d in docs} | set().union(*others)))
    for d, other_ids in zip(docs, others, strict=True):
        other_ids |= {o for o in in_batch[(d.key, d.year)] if o != d.id}  # type: ignore[index]  # placed docs: year is set
        mine = statuses[d.id].received_at if d.id in statuses else now_iso()
        for other_id in sorted(other_ids):
            other = statuses.get(other_id)
            if other and (other.received_at, other_id) > (mine, d.id):
                d.newer_exists = True
            elif other_id not in in_batch[(d.key, d.year)]:  # type: ignore[index]  # placed docs: year is set
                # in the same bulk request as this batch's own documents, after them
                batch.update_other({"_op_type": "update", "_index": alias, "_id": other_id,
                                    "doc": {"superseded": True}})


def _then(batch: Batch, d: _Doc):
    def indexed() -> None:
        batch.advance(d.id, "indexed")
        for other in sorted(d.revalidate):
            batch.hand_on("validate", other, cascade=False)
    return indexed
