"""What every stage task shares: batches of document ids, error handling per document, status updates,
hand-off to the next queue, events.

A stage task takes a list of document ids (a batch; a single id is a batch of one), reads each one's
input from Storage, writes its output to Storage, and then, for the whole batch at once, marks the
statuses (one Redis round trip), indexes (one bulk request, index stage) and sends the ids on to the
next stage in one message. Per-message costs of Celery, Redis and Elasticsearch are paid once per batch
instead of once per document (bench/pipeline.py); the work itself stays per document.

Re-running a task gives the same result (idempotent), so redelivery after a lost worker is harmless.
A `ProcessingError` means that document itself is bad: its status becomes `failed` with that message
and the rest of the batch carries on; a bug in one document's processing dead-letters that document
only. Unavailable Redis/Elasticsearch is retried for the whole batch by Celery's own machinery
(`StageTask`: autoretry with exponential backoff and full jitter); a moment's Redis outage while the
batch commits is waited out in place. After the last retry the batch's ids go to the dead-letter list.
A worker that dies mid-batch leaves its message unacknowledged; Redis hands it out again after the
visibility timeout (30 s, shared/celery_app.py).
"""
from __future__ import annotations

import functools
import json
import logging
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded
from elasticsearch import ApiError as ESApiError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ConnectionTimeout, TransportError
from elasticsearch.helpers import streaming_bulk
from kombu.exceptions import OperationalError as KombuOperationalError
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from shared.celery_app import app
from shared.clients import es, status_store
from shared.errors import ProcessingError, ServiceBusy
from shared.events import emit_event
from shared.messages import MAX_BATCH, Item, batch_size, items_of, send_next
from shared.settings import get_settings
from shared.status import Status

log = logging.getLogger(__name__)

# Worth another try: the servers were unreachable, or the machine was too busy for the time limit.
TRANSIENT = (ESConnectionError, ConnectionTimeout, redis.ConnectionError, redis.TimeoutError,
             ConnectionError, TimeoutError, SoftTimeLimitExceeded,
             KombuOperationalError,  # the broker (Redis) unreachable while handing on to the next stage
             ServiceBusy)

# --- one task run ------------------------------------------------------------------------------------
@dataclass
class Batch:
    """What the documents of one task run produced, committed together when all were processed."""
    stage: str
    retries: int = 0
    advanced: list[tuple[str, Status]] = field(default_factory=list)
    handoffs: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))
    # Index stage: bulk actions in order, each with its document and what to do once Elasticsearch
    # has it; document None = a best-effort update of another document (a missing one is no error).
    actions: list[tuple[str | None, dict, Callable[[], None] | None]] = field(default_factory=list)
    # Documents whose events the stage wrote itself (the ocr stage: one per page, with the page's seconds).
    evented: set[str] = field(default_factory=set)
    _started: dict[str, float] = field(default_factory=dict)
    _lost: set[str] = field(default_factory=set)

    def advance(self, doc_id: str, status: Status) -> None:
        self.advanced.append((doc_id, status))

    def hand_on(self, stage: str, doc_id: str, **options: Any) -> None:
        self.handoffs[stage].append({"id": doc_id, **options})

    def index(self, doc_id: str, action: dict, then: Callable[[], None]) -> None:
        self.actions.append((doc_id, action, then))

    def update_other(self, action: dict) -> None:
        self.actions.append((None, action, None))

    @contextmanager
    def document(self, doc_id: str) -> Iterator[None]:
        """One document's work: its own failure fails it alone; a transient error goes up to the task."""
        self._started.setdefault(doc_id, time.monotonic())
        try:
            yield
        except ProcessingError as e:
            self._lost.add(doc_id)
            status_store().fail(doc_id, e.code, e.message, self.stage)
            emit_event(doc_id, self.stage, "failed", self._took(doc_id), self.retries, e.message, code=e.code)
        except TRANSIENT:
            raise
        except (TransportError, ESApiError) as e:
            if _is_busy(e):
                raise
            self._lost.add(doc_id)
            _give_up(doc_id, self.stage, e, self._started[doc_id], self.retries)
        except Exception as e:  # a bug must not kill the worker nor lose the document
            log.exception("stage %s doc %s crashed", self.stage, doc_id)
            self._lost.add(doc_id)
            _give_up(doc_id, self.stage, e, self._started[doc_id], self.retries)

    def _took(self, doc_id: str) -> float:
        return time.monotonic() - self._started.get(doc_id, time.monotonic())

    def commit(self) -> None:
        """Elasticsearch first (index stage), then statuses, then the next stages' messages: a document
        is marked done only once its output exists, and handed on only once marked."""
        if self.actions:
            self._bulk()
        if self.advanced:
            _patiently(status_store().advance_many, [(d, s) for d, s in self.advanced if d not in self._lost])
        for stage, items in self.handoffs.items():
            unique = {json.dumps(i, sort_keys=True): i for i in items}.values()  # one re-validation, not two
            kept = [i for i in unique if i["id"] not in self._lost]
            size = batch_size(stage)
            for i in range(0, len(kept), size):
                _patiently(send_next, stage, kept[i:i + size])
        for doc_id, t0 in self._started.items():
            if doc_id not in self._lost and doc_id not in self.evented:
                emit_event(doc_id, self.stage, "ok", time.monotonic() - t0, self.retries, None)

    def _bulk(self) -> None:
        busy: list[dict] = []
        results = streaming_bulk(es(), (a for _, a, _ in self.actions), chunk_size=MAX_BATCH,
                                 max_chunk_bytes=50 * 1024 * 1024, raise_on_error=False, raise_on_exception=True)
        # streaming_bulk answers in the order of the actions
        for (doc_id, _, _), (ok, info) in zip(self.actions, results, strict=True):
            res = next(iter(info.values()))
            if ok or doc_id is None:
                continue
            if res.get("status") in (429, 502, 503, 504):
                busy.append(res)
            else:  # this document was refused (a mapping error…): it alone is dead-lettered
                self._lost.add(doc_id)
                _give_up(doc_id, self.stage, RuntimeError(f"bulk index refused: {res.get('error')}"),
                         self._started.get(doc_id, time.monotonic()), self.retries)
        if busy:
            raise TransportError(f"Elasticsearch busy for {len(busy)} document(s): {busy[0].get('error')}")
        for doc_id, _, then in self.actions:
            if doc_id is not None and then is not None and doc_id not in self._lost:
                with self.document(doc_id):
                    then()


BROKER_DOWN = (redis.ConnectionError, redis.TimeoutError, KombuOperationalError)


def _patiently(fn: Callable[..., None], *args: Any) -> None:
    """Redis (statuses and broker) unreachable for a moment — a restart —: wait for it here, a few
    seconds, rather than hand the batch back. Work already done is not redone, the statuses of documents
    already in Elasticsearch follow within a second of Redis being back, and Celery's own retry would
    need the broker too."""
    for attempt in Retrying(retry=retry_if_exception_type(BROKER_DOWN), reraise=True,
                            wait=wait_exponential(multiplier=0.1, max=1),
                            stop=stop_after_delay(get_settings().broker_wait_seconds)):
        with attempt:
            fn(*args)


def _is_busy(e: BaseException) -> bool:
    """An HTTP answer from Elasticsearch is worth a retry only when it says "busy/not ready" (503
    while shards recover after a restart); any other status is a bug."""
    if isinstance(e, (ESConnectionError, ConnectionTimeout)):
        return True
    return getattr(e, "status_code", 503) in (429, 502, 503, 504)


class Unrecoverable(Exception):
    """An error no retry can fix (Elasticsearch refusing a request as malformed): the batch's documents
    go to the dead letters at once."""


class StageTask(Task):
    """Celery's own retry machinery for every stage task: transient errors (a server unreachable or
    busy, the time limit hit on a busy machine) retry the whole batch with exponential backoff and full
    jitter, capped below the visibility timeout (shared/settings.py); when the retries are spent, or on
    an unexpected error, `on_failure` puts the batch's documents in the dead-letter list."""

    abstract = True
    acks_late = True
    autoretry_for = TRANSIENT + (TransportError, ESApiError)   # the body lets only "busy" ES errors through
    dont_autoretry_for = (Unrecoverable,)
    retry_backoff = True
    retry_jitter = True

    def retry(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().retry(*args, **kwargs)
        except Reject as e:
            # Celery could not publish the retry (the broker is down) and would drop the message
            # (requeue=False). Requeue it instead; if the broker cannot take even that, the message stays
            # unacknowledged and Redis hands it out again after the visibility timeout (~30 s).
            raise Reject(e.reason, requeue=True) from None

    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
        batch = _running.pop(task_id, None) or Batch(self.name.removeprefix("nianbao."))
        log.error("stage %s, batch failed for good: %r", batch.stage, exc)
        for item in items_of(args[0] if args else [], kwargs):
            if item["id"] not in batch._lost:
                _give_up(item["id"], batch.stage, exc, batch._started.get(item["id"], time.monotonic()),
                         batch.retries)

    def after_return(self, status: str, retval: Any, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
        _running.pop(task_id, None)


_running: dict[str, Batch] = {}   # task id → the batch it works on, for on_failure (same process)


def stage_task(stage: str, whole_batch: bool = False) -> Callable:
    """Wrap `fn(doc_id, batch, **options)`, the work on one document, as the Celery task
    `nianbao.<stage>` taking a batch of items (see shared/messages.py). With `whole_batch`,
    `fn(batch, items)` gets the whole batch, for look-ups made once for all its documents; it wraps each
    document's work in `batch.document(doc_id)` itself."""
    s = get_settings()

    def deco(fn: Callable) -> Callable:
        @app.task(name=f"nianbao.{stage}", base=StageTask, bind=True, max_retries=s.index_max_retries,
                  retry_backoff_max=s.retry_backoff_max)
        @functools.wraps(fn)
        def task(self: StageTask, docs: str | list, **options: Any) -> None:
            items = items_of(docs, options)
            batch = _running[self.request.id or ""] = Batch(stage, retries=self.request.retries)
            _debug_delay(stage)
            try:
                if whole_batch:
                    fn(batch, items)
                else:
                    for item in items:
                        opts = {k: v for k, v in item.items() if k != "id"}
                        with batch.document(item["id"]):
                            fn(item["id"], batch, **opts)
                batch.commit()
            except SoftTimeLimitExceeded:
                if len(items) == 1:
                    raise
                # Too much for one run: each document on its own rather than the batch again.
                for item in items:
                    send_next(stage, [item])
            except (TransportError, ESApiError) as e:
                if _is_busy(e):
                    raise
                raise Unrecoverable(f"{type(e).__name__}: {e}") from e
        return task
    return deco


def _give_up_all(items: list[Item], stage: str, e: BaseException, batch: Batch) -> None:
    for item in items:
        if item["id"] not in batch._lost:
            _give_up(item["id"], stage, e, batch._started.get(item["id"], time.monotonic()), batch.retries)


def _give_up(doc_id: str, stage: str, e: BaseException, t0: float, retries: int) -> None:
    msg = f"内部错误，已放入死信队列 / internal error, moved to the dead-letter list: {type(e).__name__}: {e}"[:1000]
    try:
        status_store().fail(doc_id, "internal", msg, stage)
        status_store().dead_letter(doc_id, stage, msg)
    except Exception:
        log.exception("could not record failure of %s", doc_id)
    emit_event(doc_id, stage, "dead_letter", time.monotonic() - t0, retries, msg)
    return None


HOST = socket.gethostname()


def _debug_delay(stage: str) -> None:
    spec = get_settings().debug_stage_delay
    for part in filter(None, spec.split(",")):
        name, _, secs = part.partition("=")
        if name.strip() == stage:
            time.sleep(float(secs))
