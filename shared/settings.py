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


@lru_cache
def get_settings() -> Settings:
    return Settings()
