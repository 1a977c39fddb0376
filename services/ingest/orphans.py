"""The orphan sweep of the ingest API: documents whose next message was lost.

Celery acknowledges late, so a killed worker's task comes back. But when the broker itself goes away
at the wrong moment (a stage finished and could not hand on; the API registered a document and could
not enqueue it), no message is left anywhere. The status and the stored artifacts say where such a
document stands, so it is sent on again. Stages are idempotent: a rare extra message only costs work.

A scan being OCR'd stays `queued` for minutes (a 60-page scan): its pages' messages wait in the `ocr` queue or
are held by an OCR worker, which names it in flight, and each page read moves its progress on, which counts
as a change. A page message lost in a crash leaves the document unnamed and unchanged: it is sent to
normalize, which hands on only the pages still missing.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from shared.messages import ids_in_flight, send_next
from shared.status import DocumentStatus, StatusStore

log = logging.getLogger(__name__)
NEXT_STAGE = {"queued": "normalize", "normalized": "parse", "parsed": "validate", "validated": "index"}
_SUSPECTS = "nianbao:orphans:suspects"   # id → status signature seen orphaned on the previous sweep
_LOCK = "nianbao:orphans:lock"


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
        for doc_id, raw in zip(chunk, r.mget([f"nianbao:doc:{d}" for d in chunk]), strict=True):
            if not raw or doc_id in in_flight:
                continue
            st = DocumentStatus.model_validate_json(raw)
            if st.status not in NEXT_STAGE or not st.stages:
                continue
            # the latest step: a stage reached, or a page of a scan read (progress within `queued`)
            last = max([*st.stages.values(), *([st.progress.at] if st.progress else [])])
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
            p.hset(_SUSPECTS, mapping=suspects)  # type: ignore[arg-type]  # redis' stub: a Mapping invariant in its key
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
