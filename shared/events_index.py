"""The pipeline-events index family: an index template for the daily indices `<prefix>-YYYY.MM.DD`
and their retention.

Retention without commercial features: the Elasticsearch used here (the integ-test distribution with
only x-pack-core and x-pack-security) has neither ILM nor data streams, so each UTC day gets its own
index and `prune_events` deletes whole indices older than N days — cheap, exact, and it works the same
on every distribution. The ingest API prunes on its own (see shared/queue_sampler.py);
`nianbao events-prune --days N` does it by hand or from cron.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from shared.settings import get_settings

TEMPLATE_PRIORITY = 150  # distinct from the reports template (100): overlapping patterns never tie
EVENT_TYPES = ("stage", "queue_depth")


def events_prefix() -> str:
    return get_settings().events_prefix


def index_for(ts: datetime, prefix: str | None = None) -> str:
    """The daily index an event at `ts` (UTC) belongs to."""
    return f"{prefix or events_prefix()}-{ts.astimezone(UTC):%Y.%m.%d}"


def events_pattern(prefix: str | None = None) -> str:
    return f"{prefix or events_prefix()}-*"


def events_mappings() -> dict[str, Any]:
    kw = {"type": "keyword"}
    return {
        "dynamic": "false",  # an unexpected key is kept in _source and never changes a field's type
        "properties": {
            "@timestamp": {"type": "date"},
            "event_type": kw,              # "stage": a stage ran for a document; "queue_depth": a sample
            "document_id": kw,
            "stage": kw,                   # normalize | parse | validate | index (also the queue name)
            "status": kw,                  # ok | failed | dead_letter
            "duration_ms": {"type": "double"},
            "retries": {"type": "integer"},
            "error_code": kw,              # ProcessingError code, "internal" for dead letters
            "error_message": {"type": "text", "fields": {"kw": {"type": "keyword", "ignore_above": 512}}},
            "host": kw,                    # worker host name
            "worker": kw,                  # host:pid of the worker process
            "queue_depth": {"type": "long"},  # queue_depth samples: messages waiting in the stage queue
            "workers": {"type": "integer"},   # queue_depth samples: live workers consuming that queue
        },
    }


def template_body(prefix: str | None = None) -> dict[str, Any]:
    return {
        "index_patterns": [events_pattern(prefix)],
        "priority": TEMPLATE_PRIORITY,
        "template": {
            # Events are best effort (shared/events.py) and the dashboards refresh every 30 s: no fsync per
            # bulk request and few refreshes, so the events cost Elasticsearch little next to the reports.
            "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": "30s",
                         "translog": {"durability": "async", "sync_interval": "5s"}},
            "mappings": events_mappings(),
        },
        "_meta": {"managed_by": "nianbao", "retention": "daily indices, deleted by events-prune"},
    }


def ensure_events_template(es: Elasticsearch, prefix: str | None = None) -> str:
    """Create or update the index template (idempotent). Returns its name."""
    name = prefix or events_prefix()
    es.indices.put_index_template(name=name, **template_body(prefix))
    return name


_DAY = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})$")


def _day_of(index: str, prefix: str) -> date | None:
    if not index.startswith(prefix + "-"):
        return None
    m = _DAY.match(index[len(prefix) + 1:])  # exact: another prefix's "<prefix>-x-YYYY.MM.DD" is never ours
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def events_indices(es: Elasticsearch, prefix: str | None = None) -> dict[str, date]:
    """Existing daily event indices and their day."""
    prefix = prefix or events_prefix()
    try:
        names = es.indices.get(index=events_pattern(prefix), expand_wildcards="open,closed").keys()
    except NotFoundError:
        return {}
    return {n: d for n in names if (d := _day_of(n, prefix)) is not None}


def prune_events(es: Elasticsearch, days: int, prefix: str | None = None, *, today: date | None = None,
                 dry_run: bool = False) -> list[str]:
    """Delete the daily indices whose day is more than `days` days before today (UTC); today's index
    and the `days` before it are kept. Returns the deleted (or, with dry_run, the doomed) index names."""
    if days < 1:
        raise ValueError("days must be at least 1")
    today = today or datetime.now(UTC).date()
    cutoff = today - timedelta(days=days)
    doomed = sorted(n for n, d in events_indices(es, prefix).items() if d < cutoff)
    if doomed and not dry_run:
        # Explicit names: wildcard deletes are refused by default (action.destructive_requires_name).
        for i in range(0, len(doomed), 50):
            es.indices.delete(index=",".join(doomed[i:i + 50]), ignore_unavailable=True)
    return doomed
