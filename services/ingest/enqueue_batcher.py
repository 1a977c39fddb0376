"""Accepted documents of one API process go to the normalize queue together.

An upload is answered once its bytes are stored (fsynced) and its status registered (`queued`); its id
is then put here and sent with whatever else arrived within `linger` seconds, in one message. Under
load a message names many documents, so every stage after it works — and pays Celery's, Redis' and
Elasticsearch's per-message costs — per batch (shared/stage.py). An id whose message could not be sent
(the broker gone for longer than the retries) keeps its `queued` status and is sent on by the orphan
sweep (services/ingest/orphans.py) once the broker is back: accepted documents are never dropped.
"""
from __future__ import annotations

import logging
import queue
import threading
import time

from tenacity import retry, stop_after_delay, wait_exponential_jitter

from shared.messages import MAX_BATCH, send_next

log = logging.getLogger(__name__)


# A broker restart takes seconds: wait it out here, in the batcher's own thread (uploads meanwhile get
# 503 from the status store, so few ids pile up), rather than leave the ids to the orphan sweep, which
# needs minutes to be sure a document is orphaned.
@retry(stop=stop_after_delay(30), wait=wait_exponential_jitter(multiplier=0.2, max=2), reraise=True)
def _send(ids: list[str]) -> None:
    send_next("normalize", ids)


class EnqueueBatcher:
    def __init__(self, linger: float, max_batch: int = MAX_BATCH) -> None:
        self.linger, self.max_batch = linger, max_batch
        self._q: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="enqueue-batcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, doc_id: str) -> None:
        self._q.put(doc_id)

    def stop(self) -> None:
        """Send what is still waiting, then end the thread."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _take(self) -> list[str]:
        """The next batch: the first id waited for, then others for at most `linger` seconds."""
        try:
            batch = [self._q.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.linger
        while len(batch) < self.max_batch:
            left = deadline - time.monotonic()
            try:
                batch.append(self._q.get(timeout=left) if left > 0 else self._q.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while not (self._stop.is_set() and self._q.empty()):
            batch = self._take()
            if not batch:
                continue
            try:
                _send(batch)
            except Exception as e:  # noqa: BLE001 — the orphan sweep sends them once the broker is back
                log.error("could not enqueue %d document(s), left to the orphan sweep: %r", len(batch), e)
