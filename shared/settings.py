"""Settings from the environment (prefix NIANBAO_), one place for every service."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NIANBAO_", env_file=None)

    redis_url: str = "redis://127.0.0.1:6379/0"
    es_url: str = "http://127.0.0.1:9200"
    es_alias: str = "nianbao-reports"           # search reads the alias; indices are versioned behind it
    # How soon an indexed report shows in search. Every refresh writes a new small segment that is later
    # merged: under a steady stream of reports, refreshing each second was most of Elasticsearch's CPU in
    # the pipeline (docs/benchmarks.md §2). Annual reports do not need sub-second freshness.
    es_refresh_interval: str = "1s"
    # Search hits (size > 0) go through Elasticsearch's shard request cache, as facet counts (size 0) do by
    # default: a repeated search (paging back, a facet clicked and unclicked, a popular word) skips the
    # query phase. Entries die with every refresh that changed the shard, so a result is never stale.
    search_request_cache: bool = True
    storage_dir: Path = ROOT / "var" / "storage"  # raw bytes (content-addressed) and stage artifacts
    max_upload_bytes: int = 50 * 1024 * 1024
    # OCR of scans (services/parse/ocr): render PDF pages at this resolution; refuse a page image larger
    # than this many pixels (a 20,000 × 20,000 px image) and more pages to OCR than this in one document;
    # cells read with less confidence than ocr_min_confidence are left null with a finding.
    ocr_dpi: int = 150
    ocr_max_pixels: int = 40_000_000
    ocr_max_pages: int = 60
    ocr_min_confidence: float = 0.9
    ocr_threads: int = 1
    ingest_url: str = "http://127.0.0.1:8000"
    search_url: str = "http://127.0.0.1:8001"
    # Celery at-least-once: a task is acknowledged after it finishes; a message whose worker died is
    # redelivered after the visibility timeout — so a killed worker's batch runs again within ~30 s. The
    # timeout must exceed the longest task (the hard time limit: a batch is split into single documents
    # when it hits the soft one) and the longest retry countdown (a retry waits, unacknowledged, in a
    # worker): otherwise a message still in hand would be handed out twice. Checked below.
    task_time_limit: int = 25
    visibility_timeout: int = 30
    index_max_retries: int = 40        # Elasticsearch/Redis unavailable: ≈ 5 min of retries on average
    retry_backoff_max: int = 15        # exponential backoff with full jitter, capped
    broker_wait_seconds: float = 10.0  # a batch ready to commit waits this long for Redis in place
    public_search: bool = True
    # Fault injection for the crash tests only: "parse=3" makes the parse stage sleep 3 s before
    # working, so a test can SIGKILL a worker while it holds a task. Empty in every deployment.
    debug_stage_delay: str = ""
    # Uploads accepted within this many seconds go to the normalize queue in one message (0 = each at
    # once): per-batch stage costs under load, at most this much added latency (services/ingest/enqueue_batcher.py).
    # Every later stage works in the batches formed here: 0.5 s instead of 0.1 s cut the pipeline's CPU
    # per report by about a quarter at 50–80 uploads/s (docs/benchmarks.md §2).
    enqueue_linger_seconds: float = 0.5
    # --- access control (services/ingest/auth.py, docs/webhooks.md) ------------------------------
    # Uploads and admin endpoints want an API key unless the operator opens them on purpose: closed by
    # default, and the decision is this setting alone, never data in Redis (a lost Redis key cannot open
    # the API). NIANBAO_OPEN_ACCESS=1 is for a local demo on 127.0.0.1 (scripts/run.sh, the test stack).
    open_access: bool = False
    # Kept for old deployments that set NIANBAO_REQUIRE_API_KEY=1: it forces keys even if open_access is on.
    require_api_key: bool = False
    api_key: str = ""                       # the key `nianbao ingest` sends (NIANBAO_API_KEY)
    # Origins whose pages may call the ingest API from a browser (CORS): the report page's in-place
    # corrections (docs/corrections.md). Comma-separated; empty = the search UI's own origin (search_url).
    cors_origins: str = ""
    rate_limit: str = "600/minute"          # per API key and per webhook source; `limits` notation; keys may override
    # --- webhooks (services/ingest/webhooks/) ----------------------------------------------------
    webhook_sources_file: Path | None = None  # JSON or TOML: {source: {secrets, allow_hosts, allow_private}}
    webhook_sources: str = ""                 # the same as inline JSON (used when no file is set)
    webhook_tolerance_seconds: int = 300      # replay guard: |now - webhook-timestamp| must be below this
    webhook_id_ttl_seconds: int = 86400       # remembered webhook-ids; always > the tolerance window
    fetch_timeout_seconds: float = 20.0       # URL deliveries: connect/read timeout of the fetch
    fetch_max_redirects: int = 3              # same-host redirects only
    # Orphan sweep (services/ingest/orphans.py): a document short of a final status with no message for it in
    # any queue (lost while the broker restarted: kombu takes a message off its queue and records it as
    # unacknowledged in two steps) is sent on again. 0 disables the sweep. The minimum age exceeds the
    # longest a live document can go unnamed by any message (the enqueue batcher's 30 s wait for the broker,
    # a stage's 10 s wait before handing on), so only lost ones are sent; a rare extra send is harmless.
    orphan_sweep_seconds: int = 10
    orphan_min_age_seconds: int = 40          # unchanged for this long, and orphaned on two sweeps in a row
    # --- monitoring (shared/events.py, shared/events_index.py, docs/monitoring.md) --------------
    # Celery's own task events (task-sent/-received/-succeeded…) are what Flower shows. Each costs a Redis
    # publish per hand-off and three per task (bench/pipeline.py), so they are on where Flower runs
    # (docker-compose.yml sets it) and off otherwise; Flower can also switch workers' events on itself.
    task_events: bool = False
    events_enabled: bool = True               # pipeline events for Kibana; best effort, never fails a stage
    events_prefix: str = "nianbao-events"     # daily indices <prefix>-YYYY.MM.DD
    events_linger_seconds: float = 1.0        # a process' events go out together, at most this late
    events_retention_days: int = 30           # older daily indices are deleted (0 = keep forever)
    queue_sample_seconds: float = 15.0        # queue-depth samples written by the ingest API (0 = off)
    kibana_url: str = "http://127.0.0.1:5601"
    # --- converters (services/parse/normalize/sandbox.py) ----------------------------------------
    # LibreOffice (.doc/.wps → DOCX) and the spreadsheet reader (.xls/.xlsx) run in a child process with
    # these limits, so a hostile file fails alone. The time limit used is at most the task's soft limit
    # (task_time_limit - 5) less a second: a conversion that hit the task's limit would be retried as
    # transient, again and again, instead of failing with conversion_timeout. A normal report converts in ~1 s.
    convert_timeout_seconds: float = 15.0
    convert_memory_bytes: int = 1 << 30       # address space (RLIMIT_AS) of the child

    @model_validator(mode="after")
    def _redelivery_after_work(self) -> Settings:
        if not self.visibility_timeout > max(self.task_time_limit, self.retry_backoff_max):
            raise ValueError(
                f"NIANBAO_VISIBILITY_TIMEOUT ({self.visibility_timeout}) 必须大于任务时限与最长重试间隔 / must exceed "
                f"the task time limit ({self.task_time_limit}) and the longest retry countdown ({self.retry_backoff_max})")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
