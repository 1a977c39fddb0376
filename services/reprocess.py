"""Reprocessing from the stored originals (`nianbao reprocess`).

Re-runs normalize → parse → validate → index through the queues for chosen documents (all, failed
only, or records below a parser version): the raw bytes are kept forever (content-addressed), so a
better parser can be applied to everything received so far. Re-indexing behind the alias is
services/reindex.py; the orphan sweep of the ingest API is services/ingest/orphans.py.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from packaging.version import InvalidVersion, Version

from shared.messages import send_next
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
        send_next("normalize", [doc_id])
        sent.append(doc_id)
    return sent


def wait_done(ids: list[str], statuses: StatusStore, progress: Progress, timeout: float) -> dict[str, str]:
    """Poll until every id is indexed or failed (or the timeout); returns id → final status."""
    pending = set(ids)
    final: dict[str, str] = {}
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
