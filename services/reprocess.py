"""Reprocessing from the stored originals, and full re-indexing behind the alias.

`reprocess` re-runs normalize → parse → validate → index through the queues for chosen documents (all,
failed only, or records below a parser version): the raw bytes are kept forever (content-addressed), so
a better parser can be applied to everything received so far.

`reindex` rebuilds the search index from the stored validated records into a new versioned index and
points the alias at it only when every document reached it: search never sees a half-built index.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

import redis
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from packaging.version import InvalidVersion, Version

from services.ingest.accept import enqueue
from shared.celery_app import STAGE_QUEUES
from shared.es_index import alias_indices, create_next_index, swap_alias
from shared.messages import ids_of_message, send_next
from shared.settings import get_settings
from shared.status import DocumentStatus, StatusStore
from shared.storage import Storage

log = logging.getLogger(__name__)
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
    send_next("index", [doc_id], cascade=False, target=target)


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


# --- orphan sweep: documents whose next message was lost ---------------------------------------------
# Celery acknowledges late, so a killed worker's task comes back. But when the broker itself goes away
# at the wrong moment (a stage finished and could not hand on; the API registered a document and could
# not enqueue it), no message is left anywhere. The status and the stored artifacts say where such a
# document stands, so it is sent on again. Stages are idempotent: a rare extra message only costs work.
NEXT_STAGE = {"queued": "normalize", "normalized": "parse", "parsed": "validate", "validated": "index"}
_SUSPECTS = "nianbao:orphans:suspects"   # id → status signature seen orphaned on the previous sweep
_LOCK = "nianbao:orphans:lock"


def ids_in_flight(r: redis.Redis) -> set[str]:
    """Document ids named by a message waiting in a stage queue or held unacknowledged by a worker
    (which includes retries waiting for their countdown)."""
    found: set[str] = set()
    for q in STAGE_QUEUES:
        for key in r.scan_iter(match=f"{q}*"):  # priority levels live in suffixed keys
            if r.type(key) == "list":
                for raw in r.lrange(key, 0, -1):
                    found.update(ids_of_message(raw))
    for raw in r.hvals("unacked"):
        found.update(ids_of_message(raw))
    return found


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def sweep_orphans(statuses: StatusStore, min_age: float, lock_seconds: int = 5) -> list[str]:
    """One sweep; returns the ids sent on. A document counts as orphaned when it is short of a final
    status, unchanged for `min_age` seconds, named by no message, and was so on the previous sweep too."""
    r = statuses.r
    if not r.set(_LOCK, "1", nx=True, ex=max(1, lock_seconds)):
        return []  # another API process sweeps now
    in_flight = ids_in_flight(r)
    previous = r.hgetall(_SUSPECTS)
    now, suspects, sent = time.time(), {}, []
    ids = statuses.ids()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for doc_id, raw in zip(chunk, r.mget([f"nianbao:doc:{d}" for d in chunk])):
            if not raw or doc_id in in_flight:
                continue
            st = DocumentStatus.model_validate_json(raw)
            if st.status not in NEXT_STAGE or not st.stages:
                continue
            last = max(st.stages.values())
            if now - _ts(last) < min_age:
                continue
            sig = f"{st.status}|{last}"
            if previous.get(doc_id) == sig:
                send_next(NEXT_STAGE[st.status], [doc_id])
                sent.append(doc_id)
            else:
                suspects[doc_id] = sig
    with r.pipeline() as p:
        p.delete(_SUSPECTS)
        if suspects:
            p.hset(_SUSPECTS, mapping=suspects)
        p.execute()
    if sent:
        log.warning("orphan sweep: sent %d document(s) on again: %s", len(sent), sent[:10])
    return sent


class OrphanSweeper:
    """A daemon thread of the ingest API running `sweep_orphans` every `every` seconds."""

    def __init__(self, statuses: StatusStore, every: float, min_age: float) -> None:
        self.statuses, self.every, self.min_age = statuses, every, min_age
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="orphan-sweeper", daemon=True)

    def start(self) -> None:
        if self.every > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                sweep_orphans(self.statuses, self.min_age, lock_seconds=max(1, int(self.every) - 1))
            except Exception as e:  # noqa: BLE001 — Redis down: try again next time
                log.info("orphan sweep skipped: %r", e)
