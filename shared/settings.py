"""Settings from the environment (prefix NIANBAO_), one place for every service."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NIANBAO_", env_file=None)

    redis_url: str = "redis://127.0.0.1:6379/0"
    es_url: str = "http://127.0.0.1:9200"
    es_alias: str = "nianbao-reports"           # search reads the alias; indices are versioned behind it
    storage_dir: Path = ROOT / "var" / "storage"  # raw bytes (content-addressed) and stage artifacts
    max_upload_bytes: int = 50 * 1024 * 1024
    ingest_url: str = "http://127.0.0.1:8000"
    search_url: str = "http://127.0.0.1:8001"
    # Celery at-least-once: a task is acknowledged after it finishes; a message whose worker died is
    # redelivered after the visibility timeout, which must exceed the longest task (hard time limit).
    task_time_limit: int = 120
    visibility_timeout: int = 300
    index_max_retries: int = 12        # Elasticsearch/Redis unavailable: exponential backoff with jitter
    retry_backoff_max: int = 60
    public_search: bool = True
    # Fault injection for the crash tests only: "parse=3" makes the parse stage sleep 3 s before
    # working, so a test can SIGKILL a worker while it holds a task. Empty in every deployment.
    debug_stage_delay: str = ""


@lru_cache
def get_settings() -> Settings:
    return Settings()
