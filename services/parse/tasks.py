"""Celery tasks of the normalize and parse workers (queues `normalize` and `parse`): the work on one
document; shared/stage.py runs it over a batch and commits statuses and hand-offs together."""
from __future__ import annotations

import logging

from services.parse.normalize import normalize
from services.parse.parser import parse
from services.parse.parser.recognise import refusal
from shared.clients import es_client, status_store, storage
from shared.document import NormalizedDoc
from shared.errors import ProcessingError
from shared.stage import Batch, stage_task

log = logging.getLogger(__name__)


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
    # Kept even when refused: its parser_version tells `nianbao reprocess --outdated` that this parser
    # already judged it (retried after an upgrade, not at every start), and it shows what was found.
    storage().put_model(doc_id, "parsed", record)
    refused = refusal(record)
    if refused is not None:
        _forget(doc_id)
        raise refused  # failed with not_a_report; the raw bytes stay stored
    batch.advance(doc_id, "parsed")
    batch.hand_on("validate", doc_id)


def _forget(doc_id: str) -> None:
    """A document an older parser took for a report (reprocessed after an upgrade) and this one refuses:
    its validated record goes, and so does its search entry. Only a document validated before can be
    in the index, so a new upload never costs an Elasticsearch request here."""
    stale = storage().artifact_path(doc_id, "validated")
    if not stale.exists():
        return
    from shared.es_index import alias_indices
    from shared.settings import get_settings
    es = es_client()
    # each index behind the alias (two during `nianbao reindex`); a delete through an alias needs one
    for index in alias_indices(es, get_settings().es_alias):
        es.options(ignore_status=404).delete(index=index, id=doc_id, refresh=True)
    stale.unlink(missing_ok=True)
    log.info("document %s is not an annual report: removed from the index", doc_id)
