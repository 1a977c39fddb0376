"""Full re-indexing behind the alias (`nianbao reindex`): the search index is rebuilt from the stored
validated records into a new versioned index, and the alias points at it only when every document
reached it — search never sees a half-built index."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from shared.es_index import create_next_index, swap_alias
from shared.messages import send_next
from shared.settings import get_settings
from shared.storage import Storage

Progress = Callable[[int], None]   # called with how many more documents are done


@dataclass
class ReindexResult:
    index: str
    expected: int
    reached: int
    swapped: bool
    old: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def live_ids(es: Elasticsearch, alias: str) -> list[str]:
    return [h["_id"] for h in scan(es, index=alias, query={"query": {"match_all": {}}}, _source=False)]


def _send_index(doc_id: str, target: str) -> None:
    send_next("index", [doc_id], cascade=False, target=target)


def _ids_in(es: Elasticsearch, index: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 1000):
        res = es.mget(index=index, ids=ids[i:i + 1000], source=False)
        found.update(d["_id"] for d in res["docs"] if d.get("found"))
    return found


def reindex(es: Elasticsearch, storage: Storage, progress: Progress, timeout: float,
            keep_old: bool = False) -> ReindexResult:
    alias = get_settings().es_alias
    ids = live_ids(es, alias)
    without_record = [i for i in ids if not storage.artifact_path(i, "validated").exists()]
    if without_record:  # rebuilding would drop them: refuse, leave everything as it is
        return ReindexResult(index="", expected=len(ids), reached=0, swapped=False, missing=without_record)
    target = create_next_index(es, alias)
    for doc_id in ids:
        _send_index(doc_id, target)
    reached: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(reached) < len(ids) and time.monotonic() < deadline:
        es.indices.refresh(index=target)
        now = _ids_in(es, target, [i for i in ids if i not in reached])
        if now:
            progress(len(now))
            reached |= now
        if len(reached) < len(ids):
            time.sleep(1)
    result = ReindexResult(index=target, expected=len(ids), reached=len(reached), swapped=False,
                           missing=sorted(set(ids) - reached))
    if result.missing:
        es.indices.delete(index=target)  # the live alias was never touched
        return result
    result.old = swap_alias(es, target, alias)
    result.swapped = True
    # Documents indexed into the old index while we were building: bring them over.
    late = [i for old in result.old for i in live_ids(es, old) if i not in reached]
    for doc_id in late:
        _send_index(doc_id, target)
    if not keep_old and not late:
        for old in result.old:
            es.indices.delete(index=old)
    return result
