"""The per-document status store on the real test Redis: stage advances (one Lua script), failures,
requeues and re-sent documents keep the rules users see at GET /api/v1/documents/{id}."""
from __future__ import annotations

import uuid

import pytest
import redis

from shared.status import StatusStore
from tests.integration.stack import REDIS_DB, REDIS_PORT


@pytest.fixture
def store(servers) -> StatusStore:
    r = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=REDIS_DB, decode_responses=True)
    return StatusStore(r)


def _new(store: StatusStore, name: str = "报告.html") -> str:
    doc_id = uuid.uuid4().hex * 2
    st, created = store.create(doc_id, filename=name, content_type="text/html", source_url=None, size=10)
    assert created and st.status == "queued"
    return doc_id


def test_advance_moves_forward_and_records_each_stage_time(store: StatusStore) -> None:
    doc_id = _new(store)
    for status in ("normalized", "parsed", "validated", "indexed"):
        assert store.advance(doc_id, status)
        assert store.get(doc_id).status == status
    st = store.get(doc_id)
    assert list(st.stages) == ["queued", "normalized", "parsed", "validated", "indexed"]
    assert st.stages["queued"] <= st.stages["normalized"] <= st.stages["indexed"]
    assert st.filename == "报告.html"  # non-ASCII survives the script's JSON round trip


def test_redelivered_earlier_stage_does_not_move_backwards(store: StatusStore) -> None:
    doc_id = _new(store)
    store.advance(doc_id, "normalized")
    store.advance(doc_id, "parsed")
    store.advance(doc_id, "validated")
    store.advance(doc_id, "parsed")  # a redelivered parse task finishing late
    st = store.get(doc_id)
    assert st.status == "validated"
    assert "parsed" in st.stages


def test_success_after_failure_clears_the_error(store: StatusStore) -> None:
    doc_id = _new(store)
    store.advance(doc_id, "normalized")
    store.fail(doc_id, "internal", "内部错误 / internal error", "parse")
    failed = store.get(doc_id)
    assert failed.status == "failed" and failed.error.code == "internal"
    store.advance(doc_id, "parsed")  # the retried task succeeded
    st = store.get(doc_id)
    assert st.status == "parsed" and st.error is None


def test_unknown_document_and_unknown_status(store: StatusStore) -> None:
    assert store.advance("f" * 64, "parsed") is False
    assert store.get("f" * 64) is None
    with pytest.raises(ValueError):
        store.advance(_new(store), "failed")  # type: ignore[arg-type]  # an invalid status, on purpose


def test_resent_document_keeps_its_first_status_and_time(store: StatusStore) -> None:
    doc_id = _new(store)
    store.advance(doc_id, "normalized")
    first_score = store.r.zscore("nianbao:docs", doc_id)
    st, created = store.create(doc_id, filename="again.html", content_type=None, source_url=None, size=10)
    assert not created
    assert st.status == "normalized" and st.filename == "报告.html"
    assert store.r.zscore("nianbao:docs", doc_id) == first_score
