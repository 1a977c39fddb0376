"""Celery tasks of the normalize and parse workers (queues `normalize` and `parse`): the work on one
document; shared/stage.py runs it over a batch and commits statuses and hand-offs together."""
from __future__ import annotations

from services.parse.normalize import normalize
from services.parse.parser import parse
from shared.document import NormalizedDoc
from shared.errors import ProcessingError
from shared.stage import Batch, stage_task, status_store, storage


@stage_task("normalize")
def normalize_document(doc_id: str, batch: Batch) -> None:
    st = status_store().get(doc_id)
    if st is None or not storage().has_raw(doc_id):
        raise ProcessingError("unknown_document", "未找到该文档的原始文件", "raw document not found")
    doc = normalize(storage().get_raw(doc_id), doc_id, filename=st.filename,
                    content_type=st.content_type, source_url=st.source_url)
    storage().put_model(doc_id, "normalized", doc)
    batch.advance(doc_id, "normalized")
    batch.hand_on("parse", doc_id)


@stage_task("parse")
def parse_document(doc_id: str, batch: Batch) -> None:
    doc = storage().get_model(doc_id, "normalized", NormalizedDoc)
    record = parse(doc)
    storage().put_model(doc_id, "parsed", record)
    batch.advance(doc_id, "parsed")
    batch.hand_on("validate", doc_id)
