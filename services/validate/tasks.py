"""Celery task of the validate worker (queue `validate`): record-local rules plus CROSS_YEAR against
the same body's previous-year report looked up in Elasticsearch."""
from __future__ import annotations

from services.search.neighbours import previous_report
from services.validate.cross_year import agency_key, cross_year
from services.validate.rules import validate
from shared.record import Record
from shared.stage import send_next, stage_task, status_store, storage


@stage_task("validate")
def validate_document(doc_id: str, cascade: bool = True) -> None:
    record = Record.model_validate(storage().get_artifact(doc_id, "parsed"))
    # Parse-level findings (MISSING_TABLE, AMBIGUOUS_CELLS) stay; validation findings are recomputed,
    # so re-validation after a neighbour arrives replaces rather than accumulates.
    findings = [*record.findings, *validate(record)]
    previous = None
    if record.meta.year is not None:
        previous = previous_report(agency_key(record), record.meta.year - 1, exclude_id=doc_id)
        if previous is not None:
            findings.extend(cross_year(previous, record))
    record.findings = findings
    storage().put_artifact(doc_id, "validated", record.model_dump(mode="json"))
    status_store().advance(doc_id, "validated")
    # The index task re-validates this report if a previous-year report turns up that it was not
    # compared with (one that arrived while this one was in flight).
    send_next("index", doc_id, cascade=cascade, compared_with=previous.id if previous else None)
