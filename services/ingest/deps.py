"""Dependencies of the ingest API: the process' status store and storage (shared/clients.py) and its
enqueue batcher."""
from __future__ import annotations

from collections.abc import Callable

from services.ingest.accept import enqueue
from services.ingest.enqueue_batcher import EnqueueBatcher
from shared.clients import status_store, storage
from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage


def get_status_store() -> StatusStore:
    return status_store()


def get_storage() -> Storage:
    return storage()


_batcher: EnqueueBatcher | None = None


def start_batcher() -> None:
    global _batcher
    linger = get_settings().enqueue_linger_seconds
    if linger > 0 and _batcher is None:
        _batcher = EnqueueBatcher(linger)
        _batcher.start()


def stop_batcher() -> None:
    global _batcher
    if _batcher is not None:
        _batcher.stop()
        _batcher = None


def get_enqueue() -> Callable[[str], None]:
    """How an accepted upload is put on the queue: batched with others (the API's lifespan started the
    batcher), or at once."""
    return _batcher.put if _batcher is not None else enqueue
