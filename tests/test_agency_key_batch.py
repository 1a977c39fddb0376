"""Agency keys located for a whole batch in one cpca call are the keys located one record at a time."""
from __future__ import annotations

import random

import pytest

from services.parse.normalize import normalize
from services.parse.parser import parse
from shared import agency_key as ak
from tests.paths import REAL, SEEDS


@pytest.fixture(scope="module")
def records():
    files = sorted(REAL.iterdir()) + sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".html"))
    return [parse(normalize(f.read_bytes(), "0" * 64, filename=f.name)) for f in files]


def test_batch_location_gives_the_same_keys(records):
    ak._located.clear()
    one_by_one = [ak.agency_key(r) for r in records]
    assert len(set(one_by_one)) > 10  # real, distinct bodies: the comparison means something
    ak._located.clear()
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    ak.prepare(shuffled)
    assert len(ak._located) >= len(set(one_by_one)) - 1  # located in that one call
    assert [ak.agency_key(r) for r in records] == one_by_one


def test_a_failing_batch_call_falls_back_to_one_by_one(records, monkeypatch):
    import cpca
    ak._located.clear()
    expected = [ak.agency_key(r) for r in records[:3]]
    ak._located.clear()
    real = cpca.transform
    monkeypatch.setattr(cpca, "transform", lambda texts, *a, **k: (_ for _ in ()).throw(RuntimeError("boom"))
                        if len(texts) > 1 else real(texts, *a, **k))
    ak.prepare(records[:3])  # logs, does not raise
    assert ak._located == {}
    assert [ak.agency_key(r) for r in records[:3]] == expected
