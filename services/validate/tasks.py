"""Celery task of the validate worker (queue `validate`): record-local rules plus CROSS_YEAR and YOY_JUMP against
the same body's previous-year report (the body registry, else a search in Elasticsearch), looked up
once for the whole batch."""
from __future__ import annotations

from services.validate.cross_year import cross_year
from services.validate.rules import validate
from services.validate.yoy_jump import yoy_jump
from shared.agency_key import agency_key, prepare
from shared.clients import storage
from shared.corrections import CorrectionStore, effective_record
from shared.messages import Item
from shared.neighbours import previous_reports
from shared.record import Finding, Record
from shared.stage import Batch, stage_task


@stage_task("validate", whole_batch=True)
def validate_documents(batch: Batch, items: list[Item]) -> None:
    checked: list[tuple[Item, Record, list[Finding]]] = []
    for item in items:
        with batch.document(item["id"]):
            # Users' corrections (shared/corrections.py) laid over the parsed record before any rule
            # runs: findings are computed on the corrected values, and the validated record (what the
            # index and `nianbao reindex` read) holds them.
            record = effective_record(storage().get_model(item["id"], "parsed", Record), CorrectionStore(storage()))
            # Parse-level findings (MISSING_TABLE, AMBIGUOUS_CELLS) stay; validation findings are
            # recomputed, so re-validation after a neighbour arrives replaces rather than accumulates.
            checked.append((item, record, [*record.findings, *validate(record)]))
    prepare([r for _, r, _ in checked])  # one cpca call for the batch's agency keys
    keyed: list[tuple[Item, Record, list[Finding], str]] = []
    for item, record, findings in checked:
        with batch.document(item["id"]):
            keyed.append((item, record, findings, agency_key(record)))
    wanted = [(key, r.meta.year - 1 if r.meta.year is not None else None, item["id"])
              for item, r, _, key in keyed]
    for (item, record, findings, _), previous in zip(keyed, previous_reports(wanted), strict=True):
        doc_id = item["id"]
        with batch.document(doc_id):
            if previous is not None:
                findings.extend(cross_year(previous, record))
                findings.extend(yoy_jump(previous, record))
            record.findings = findings
            storage().put_model(doc_id, "validated", record)
            batch.advance(doc_id, "validated")
            # The index task re-validates this report if a previous-year report turns up that it was
            # not compared with (one that arrived while this one was in flight).
            options = {"compared_with": previous.id} if previous else {}
            batch.hand_on("index", doc_id, **options, **({} if item.get("cascade", True) else {"cascade": False}))
