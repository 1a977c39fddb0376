"""Queue-depth samples for the pipeline dashboard's backlog and worker-liveness panels, and the
automatic pruning of old event indices.

Runs as a daemon thread inside the ingest API (services/ingest/app.py). Every
`queue_sample_seconds` it writes one `queue_depth` event per stage: the messages waiting in the stage's
Celery queue (Redis list lengths, as GET /api/v1/health reports them) and how many live workers consume
that queue (Celery's inspect broadcast). A short Redis lock makes several ingest replicas write one
sample per period between them, not one each.
"""
from __future__ import annotations

import logging
import threading
import time

import redis

from shared.celery_app import STAGE_QUEUES
from shared.celery_app import app as celery_app
from shared.events import emit_queue_depth
from shared.settings import get_settings

log = logging.getLogger(__name__)

LOCK_KEY = "nianbao:queue-sampler"
PRUNE_EVERY_S = 6 * 3600
# Kombu's Redis transport keeps a priority's messages in "<queue>\x06\x16<p>"; priority 0 is "<queue>".
_PRIORITY_STEPS = (0, 3, 6, 9)


def queue_depths(r: redis.Redis) -> dict[str, int]:
    """Messages waiting (not yet delivered to a worker) in each stage queue."""
    out: dict[str, int] = {}
    for q in STAGE_QUEUES:
        keys = [q] + [f"{q}\x06\x16{p}" for p in _PRIORITY_STEPS[1:]]
        with r.pipeline(transaction=False) as p:
            for k in keys:
                p.llen(k)
            out[q] = sum(p.execute())
    return out


def live_workers(timeout: float = 1.0) -> dict[str, int] | None:
    """Live workers per stage queue, or None when the broadcast itself failed."""
    try:
        replies = celery_app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception as e:  # noqa: BLE001 — broker trouble: None, the caller tries again
        log.info("worker inspect failed: %r", e)
        return None
    counts = {q: 0 for q in STAGE_QUEUES}
    for queues in replies.values():
        for q in queues or ():
            if q.get("name") in counts:
                counts[q["name"]] += 1
    return counts


def sample_once(r: redis.Redis, period: float) -> bool:
    """Write one sample per stage unless another replica already did this period."""
    if not r.set(LOCK_KEY, "1", nx=True, px=max(int(period * 1000) - 100, 100)):
        return False
    depths = queue_depths(r)
    workers = live_workers()
    for q, n in depths.items():
        emit_queue_depth(q, n, None if workers is None else workers[q])
    return True


def prune_old_events() -> list[str]:
    days = get_settings().events_retention_days
    if days <= 0:
        return []
    from shared.clients import es_client
    from shared.events_index import prune_events
    deleted = prune_events(es_client(request_timeout=10), days)
    if deleted:
        log.info("pruned event indices older than %d days: %s", days, ", ".join(deleted))
    return deleted


class QueueSampler:
    def __init__(self, period: float | None = None) -> None:
        self.period = get_settings().queue_sample_seconds if period is None else period
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.period <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="queue-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        r = redis.Redis.from_url(get_settings().redis_url, socket_timeout=5)
        next_prune = 0.0
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                sample_once(r, self.period)
                if t0 >= next_prune:
                    next_prune = t0 + PRUNE_EVERY_S
                    prune_old_events()
            except Exception as e:  # noqa: BLE001 — Redis/ES down: try again next period
                log.info("queue sample failed: %r", e)
            self._stop.wait(max(0.0, self.period - (time.monotonic() - t0)))
