"""The Celery application: one queue per stage, at-least-once delivery.

Workers are started per queue (`celery -A shared.celery_app worker -Q parse`), so each stage scales
on its own. Messages carry the document id only; the bytes and stage outputs live in Storage.
"""
from __future__ import annotations

from celery import Celery
from celery.signals import worker_process_init
from kombu import Queue

from shared.settings import get_settings

# "ocr" reads one page of a scan per message, on its own workers (services/parse/tasks.py): a scan's pages
# never hold up the text documents behind them in `normalize`.
STAGE_QUEUES = ("normalize", "ocr", "parse", "validate", "index")

_s = get_settings()
app = Celery("nianbao", broker=_s.redis_url)
app.conf.update(
    task_queues=[Queue(q) for q in STAGE_QUEUES],
    task_default_queue="normalize",
    task_routes={f"nianbao.{q}": {"queue": q} for q in STAGE_QUEUES},
    task_acks_late=True,                  # ack after the task ran: a killed worker's task runs again
    task_reject_on_worker_lost=True,      # …and is requeued when the child process dies
    worker_prefetch_multiplier=1,         # don't hoard messages a dead worker would sit on
    task_ignore_result=True,              # status lives in Redis hashes (shared.status), not results
    task_time_limit=_s.task_time_limit,
    task_soft_time_limit=max(1, _s.task_time_limit - 5),
    # A dead worker's unacknowledged messages are handed out again once older than the visibility
    # timeout; kombu looks for them every interval × throttle seconds (default 10 × 10): every 5 s here,
    # so a killed worker's batch runs again within ~35 s, not minutes.
    broker_transport_options={"visibility_timeout": _s.visibility_timeout, "unacked_restore_interval": 5,
                              "unacked_restore_throttle": 1, "unacked_mutex_expire": _s.visibility_timeout},
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
    worker_send_task_events=_s.task_events,   # Flower (NIANBAO_TASK_EVENTS, see shared/settings.py)
    task_send_sent_event=_s.task_events,
)
app.autodiscover_tasks(["services.parse", "services.validate", "services.search"], related_name="tasks")


@worker_process_init.connect
def _warm_up(**_) -> None:
    """Load the slow dictionaries (OpenCC, cpca's division table + pandas) once per worker process at
    start, not inside the first task where they would eat into its time limit."""
    from shared.textnorm import to_simplified

    to_simplified("年報")
    try:
        import cpca

        cpca.transform(["湖北省武汉市硚口区"])
    except Exception:  # noqa: BLE001 — warm-up is an optimisation only
        pass
