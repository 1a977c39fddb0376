"""Reprocessing from the stored originals, and full re-indexing behind the alias.

`reprocess` re-runs normalize → parse → validate → index through the queues for chosen documents (all,
failed only, or records below a parser version): the raw bytes are kept forever (content-addressed), so
a better parser can be applied to everything received so far.

`reindex` rebuilds the search index from the stored validated records into a new versioned index and
points the alias at it only when every document reached it: search never sees a half-built index.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from packaging.version import InvalidVersion, Version

from services.ingest.accept import enqueue
from shared.celery_app import app as celery_app
from shared.es_index import alias_indices, create_next_index, swap_alias
from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage

Progress = Callable[[int], None]   # called with how many more documents are done
DONE = ("indexed", "failed")


def _version(v: str | None) -> Version:
    try:
        return Version(v or "0")
    except InvalidVersion:
        return Version("0")


def stored_parser_version(storage: Storage, doc_id: str) -> str | None:
    """The parser version of a document's last record (validated, else parsed), or None when it has none."""
    for stage in ("validated", "parsed"):
        try:
            return storage.get_artifact(doc_id, stage).get("parser_version")
        except (FileNotFoundError, ValueError):
            continue
    return None


def select(statuses: StatusStore, storage: Storage, *, failed: bool = False,
           below_version: str | None = None) -> list[str]:
    """Ids to reprocess: every document with stored bytes, or only the failed ones, or only those whose
    record was made by a parser older than `below_version` (documents without a record count as older)."""
    out = []
    for doc_id in statuses.ids():
        if not storage.has_raw(doc_id):
            continue
        if failed:
            st = statuses.get(doc_id)
            if st is None or st.status != "failed":
                continue
        if below_version is not None and _version(stored_parser_version(storage, doc_id)) >= _version(below_version):
            continue
        out.append(doc_id)
    return out


def requeue(ids: Iterable[str], statuses: StatusStore) -> list[str]:
    """Put each document back at the start of the pipeline (and off the dead-letter list)."""
    sent = []
    for doc_id in ids:
        statuses.clear_dead_letter(doc_id)
        statuses.requeue(doc_id)
        enqueue(doc_id)
        sent.append(doc_id)
    return sent


def wait_done(ids: list[str], statuses: StatusStore, progress: Progress, timeout: float) -> dict[str, str]:
    """Poll until every id is indexed or failed (or the timeout); returns id → final status."""
    pending, final = set(ids), {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        done_now = 0
        for doc_id in list(pending):
            st = statuses.get(doc_id)
            if st is not None and st.status in DONE:
                final[doc_id] = st.status
                pending.discard(doc_id)
                done_now += 1
        if done_now:
            progress(done_now)
        if pending:
            time.sleep(0.5)
    return final


# --- reindex -----------------------------------------------------------------------------------
@dataclass
class ReindexResult:
    index: str
    expected: int
    reached: int
    swapped: bool
    old: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def live_ids(es: Elasticsearch, alias: str) -> list[str]:
    return [h["_id"] for h in scan(es, index=alias, query={"query": {"match_all": {}}}, _source=False)]


def _send_index(doc_id: str, target: str) -> None:
    celery_app.send_task("nianbao.index", args=[doc_id], kwargs={"cascade": False, "target": target}, queue="index")


def _ids_in(es: Elasticsearch, index: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 1000):
        res = es.mget(index=index, ids=ids[i:i + 1000], source=False)
        found.update(d["_id"] for d in res["docs"] if d.get("found"))
    return found


def reindex(es: Elasticsearch, storage: Storage, progress: Progress, timeout: float,
            keep_old: bool = False) -> ReindexResult:
    alias = get_settings().es_alias
    ids = live_ids(es, alias)
    without_record = [i for i in ids if not storage.artifact_path(i, "validated").exists()]
    if without_record:  # rebuilding would drop them: refuse, leave everything as it is
        return ReindexResult(index="", expected=len(ids), reached=0, swapped=False, missing=without_record)
    target = create_next_index(es, alias)
    for doc_id in ids:
        _send_index(doc_id, target)
    reached: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(reached) < len(ids) and time.monotonic() < deadline:
        es.indices.refresh(index=target)
        now = _ids_in(es, target, [i for i in ids if i not in reached])
        if now:
            progress(len(now))
            reached |= now
        if len(reached) < len(ids):
            time.sleep(1)
    result = ReindexResult(index=target, expected=len(ids), reached=len(reached), swapped=False,
                           missing=sorted(set(ids) - reached))
    if result.missing:
        es.indices.delete(index=target)  # the live alias was never touched
        return result
    result.old = swap_alias(es, target, alias)
    result.swapped = True
    # Documents indexed into the old index while we were building: bring them over.
    late = [i for old in result.old for i in live_ids(es, old) if i not in reached]
    for doc_id in late:
        _send_index(doc_id, target)
    if not keep_old and not late:
        for old in result.old:
            es.indices.delete(index=old)
    return result
