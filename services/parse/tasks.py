"""Celery tasks of the normalize, ocr and parse workers (queues `normalize`, `ocr` and `parse`): the work on
one document (one page, for ocr); shared/stage.py runs it over a batch and commits statuses and hand-offs
together.

A scan goes normalize → ocr (a message per page) → normalize again: normalize passes the pages already read
and, while some are missing (NeedsOcr), plans them and hands each to the ocr queue; the ocr task reads one
page, and the one that finds every planned page read hands the document back to normalize. Text documents
never wait behind scans: OCR runs on its own workers.
"""
from __future__ import annotations

import logging
import os
import time

from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init

from services.parse import ocr_store
from services.parse.normalize import normalize
from services.parse.ocr import NeedsOcr, OcrPage
from services.parse.ocr.engine import warm_up
from services.parse.ocr.read import ocr_page, page_timeout
from services.parse.parser import parse
from services.parse.parser.recognise import refusal
from shared.clients import es_client, status_store, storage
from shared.document import NormalizedDoc
from shared.errors import ProcessingError
from shared.events import emit_event
from shared.stage import Batch, stage_task

log = logging.getLogger(__name__)
# A page whose task was started this often without finishing (its worker killed at the hard time limit, in
# C code the soft limit cannot interrupt) is given up as timed out instead of being handed out again forever.
MAX_PAGE_STARTS = 3
_STARTS = "nianbao:ocr:starts:"


@worker_process_init.connect
def _warm_ocr(**_: object) -> None:
    """The OCR engine (~1 s, a few hundred MB) is loaded in the OCR workers' processes only: their command sets
    NIANBAO_OCR_WARM=1 (scripts/run.sh, docker-compose.yml); other workers never load it."""
    if os.environ.get("NIANBAO_OCR_WARM") == "1":
        warm_up()


@stage_task("normalize")
def normalize_document(doc_id: str, batch: Batch) -> None:
    st = status_store().get(doc_id)
    if st is None or not storage().has_raw(doc_id):
        raise ProcessingError("unknown_document", "未找到该文档的原始文件", "raw document not found")
    read = ocr_store.pages_read(doc_id, ocr_store.plan_of(doc_id))
    try:
        doc = normalize(storage().get_raw(doc_id), doc_id, filename=st.filename,
                        content_type=st.content_type, source_url=st.source_url, ocr_pages=read or None)
    except NeedsOcr as need:
        # Only the missing pages go to the ocr queue, each its own message; pages already read are kept.
        plan = ocr_store.save_plan(doc_id, need.kind, [*need.pages, *read])
        ocr_store.report(doc_id, len(read), len(plan.pages))
        for page in need.pages:
            batch.hand_on("ocr", doc_id, page=page)
        return
    storage().put_model(doc_id, "normalized", doc)
    batch.advance(doc_id, "normalized")
    batch.hand_on("parse", doc_id)


@stage_task("ocr")
def ocr_document_page(doc_id: str, batch: Batch, page: int) -> None:
    """Read one page of a scan; the last page read hands the document back to normalize."""
    batch.evented.add(doc_id)  # one event per page read, below, with its own seconds
    plan = ocr_store.plan_of(doc_id)
    if plan is None:  # planned by a normalize whose artifacts are gone: normalize plans again
        _hand_back(doc_id, batch)
        return
    if page in plan.pages and ocr_store.read_page(doc_id, page) is None:  # else a redelivered or stale message
        ocr_store.put_page(doc_id, _read(doc_id, plan, page, batch.retries))
    done = len(ocr_store.pages_read(doc_id, plan))
    ocr_store.report(doc_id, done, len(plan.pages))
    # Two last pages finishing together may both get here: normalize twice does the same work twice, and
    # every later stage is idempotent (same statuses, same stored outputs, one Elasticsearch document).
    if done == len(plan.pages):
        _hand_back(doc_id, batch)


def _read(doc_id: str, plan: ocr_store.OcrPlan, page: int, retries: int) -> OcrPage:
    """OCR one page within the task's time limit; a page that does not make it fails alone."""
    r = status_store().r
    key = f"{_STARTS}{doc_id}:{page}"
    starts = int(r.incr(key))
    r.expire(key, 24 * 3600)
    t0 = time.monotonic()
    if starts > MAX_PAGE_STARTS:
        result = page_timeout(page)
    else:
        try:
            result = ocr_page(storage().get_raw(doc_id), plan.kind, page)
        except Exception as e:
            if not _timed_out(e):
                raise
            result = page_timeout(page)
    seconds = time.monotonic() - t0
    r.delete(key)
    if result.error is not None:
        log.warning("document %s page %d: %s", doc_id, page, result.error.message)
        emit_event(doc_id, "ocr", "failed", seconds, retries, result.error.message, code=result.error.code)
    else:
        emit_event(doc_id, "ocr", "ok", seconds, retries, None)
    return result


def _timed_out(e: BaseException | None) -> bool:
    """The soft time limit, even when the OCR engine wrapped it in its own error (RapidOCR raises
    ONNXRuntimeError from whatever interrupted the inference)."""
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, SoftTimeLimitExceeded):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


def _hand_back(doc_id: str, batch: Batch) -> None:
    """To normalize, unless the document has moved on already (a redelivered page of a finished scan)."""
    st = status_store().get(doc_id)
    if st is not None and st.status == "queued":
        batch.hand_on("normalize", doc_id)


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
