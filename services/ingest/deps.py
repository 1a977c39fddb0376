"""Dependencies of the ingest API: one StatusStore and Storage per process."""
from __future__ import annotations

from functools import lru_cache

from shared.settings import get_settings
from shared.status import StatusStore
from shared.storage import Storage


@lru_cache
def get_status_store() -> StatusStore:
    return StatusStore()


@lru_cache
def get_storage() -> Storage:
    return Storage(get_settings().storage_dir)
