"""What every stage task shares: error handling, status updates, hand-off to the next queue, events.

A stage task takes a document id, reads its input from Storage, writes its output to Storage, marks
the status and sends the id on to the next stage. Re-running it gives the same result (idempotent), so
redelivery after a lost worker is harmless. A `ProcessingError` means the document itself is bad: the
status becomes `failed` with that message and the worker carries on. Unavailable Redis/Elasticsearch
is retried with exponential backoff and jitter; after the last retry the id goes to the dead-letter list.
"""
from __future__ import annotations

import functools
import logging
import socket
import time
from typing import Callable

import redis
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ApiError as ESApiError
from elasticsearch import ConnectionTimeout, TransportError

from shared.celery_app import app
from shared.errors import ProcessingError
from shared.events import emit_event
from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage

log = logging.getLogger(__name__)

from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError as KombuOperationalError

# Worth another try: the servers were unreachable, or the machine was too busy for the time limit.
TRANSIENT = (ESConnectionError, ConnectionTimeout, redis.ConnectionError, redis.TimeoutError,
             ConnectionError, TimeoutError, SoftTimeLimitExceeded,
             KombuOperationalError)  # the broker (Redis) unreachable while handing on to the next stage

_store: StatusStore | None = None
_storage: Storage | None = None


def status_store() -> StatusStore:
    global _store
    if _store is None:
        _store = StatusStore()
    return _store


def storage() -> Storage:
    global _storage
    if _storage is None:
        _storage = Storage(get_settings().storage_dir)
    return _storage


def send_next(stage: str, doc_id: str, **kwargs) -> None:
    app.send_task(f"nianbao.{stage}", args=[doc_id], kwargs=kwargs, queue=stage)


def stage_task(stage: str) -> Callable:
    """Wrap a function `fn(doc_id, **kw)` as the Celery task `nianbao.<stage>`."""
    s = get_settings()

    def deco(fn: Callable) -> Callable:
        @app.task(name=f"nianbao.{stage}", bind=True, acks_late=True, max_retries=s.index_max_retries)
        @functools.wraps(fn)
        def task(self, doc_id: str, **kwargs):
            t0 = time.monotonic()
            retries = self.request.retries
            _debug_delay(stage)
            try:
                result = fn(doc_id, **kwargs)
            except ProcessingError as e:
                status_store().fail(doc_id, e.code, e.message, stage)
                emit_event(doc_id, stage, "failed", time.monotonic() - t0, retries, e.message, code=e.code)
                return None
            except TRANSIENT + (TransportError, ESApiError) as e:
                # An HTTP answer from Elasticsearch is worth a retry only when it says "busy/not ready"
                # (503 while shards recover after a restart); any other status is a bug: dead letter.
                if isinstance(e, (TransportError, ESApiError)) and getattr(e, "status_code", 503) not in (429, 502, 503, 504) \
                        and not isinstance(e, (ESConnectionError, ConnectionTimeout)):
                    return _give_up(doc_id, stage, e, t0, retries)
                if retries >= self.max_retries:
                    return _give_up(doc_id, stage, e, t0, retries)
                # Exponential backoff with full jitter, capped.
                import random
                delay = random.uniform(0, min(s.retry_backoff_max, 2 ** retries))
                log.warning("stage %s doc %s: transient %r, retry %d in %.1fs", stage, doc_id, e, retries + 1, delay)
                raise self.retry(exc=e, countdown=delay)
            except Exception as e:  # noqa: BLE001 — a bug must not kill the worker nor lose the document
                log.exception("stage %s doc %s crashed", stage, doc_id)
                return _give_up(doc_id, stage, e, t0, retries)
            emit_event(doc_id, stage, "ok", time.monotonic() - t0, retries, None)
            return result
        return task
    return deco


def _give_up(doc_id: str, stage: str, e: BaseException, t0: float, retries: int) -> None:
    msg = f"内部错误，已放入死信队列 / internal error, moved to the dead-letter list: {type(e).__name__}: {e}"[:1000]
    try:
        status_store().fail(doc_id, "internal", msg, stage)
        status_store().dead_letter(doc_id, stage, msg)
    except Exception:  # noqa: BLE001
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
