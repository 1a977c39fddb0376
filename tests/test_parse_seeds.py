"""Parse of each seed report gives exactly the hand-read values of seeds.expected.json."""
from __future__ import annotations

import json

import pytest

from tests.parse_support import expected_cells, record_of, same
from tests.paths import SEEDS, SHARED

EXPECTED = json.loads((SHARED / "spec" / "seeds.expected.json").read_text(encoding="utf-8"))
META = ("agency", "year", "template", "title", "published", "level")


@pytest.fixture(scope="module")
def records():
    return {name: record_of(SEEDS / name) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_tables(records, name):
    rec = records[name].model_dump()
    wrong = [f"{t}.{r}.{c}: want {v!r} got {rec[t].get(r, {}).get(c, '<missing>')!r}"
             for t, r, c, v in expected_cells(EXPECTED[name])
             if not same(rec[t].get(r, {}).get(c, KeyError), v)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_meta(records, name):
    meta = records[name].meta
    exp = EXPECTED[name]["meta"]
    for key in META:
        if key in exp:
            assert getattr(meta, key) == exp[key], key
    for key, value in (exp.get("region") or {}).items():
        if value is not None:
            assert getattr(meta.region, key) == value, key
    assert meta.source.traditional == exp["traditional"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_has_no_parse_level_problem(records, name):
    """Every seed has all three tables and six sections; no table is reported missing."""
    rec = records[name]
    assert not [f for f in rec.findings if f.rule == "MISSING_TABLE"]
    assert [s.no for s in rec.sections] in ([1, 2, 3, 4, 5, 6],)
    assert rec.id and rec.text


def test_traditional_seed_is_read_in_simplified():
    rec = record_of(SEEDS / "000_642ff1a02613d8d6.txt")
    assert rec.meta.source.traditional is True
    assert rec.meta.agency == "聊城市城市管理局"
    assert rec.sections[0].title == "总体情况"
