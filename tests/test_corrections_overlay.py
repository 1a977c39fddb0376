"""shared/corrections.py: the log, the overlay (effective values, provenance, history, reverts), and a
correction whose cell a later parse no longer has (issue 17 item 1). Records are parsed from real samples."""
from __future__ import annotations

import pytest

from services.validate.rules import validate
from shared.corrections import (
    RULE_NOT_APPLIED,
    CorrectionError,
    CorrectionStore,
    check_value,
    get_value,
    overlay,
)
from shared.record import CorrectionEvent, Record
from shared.storage import Storage
from tests.parse_support import record_of
from tests.paths import REPO

CELL = "applications.new_received.total"
ONLY_2021 = "applications.other.no_correction.natural_person"   # a row the 2019 template does not have


def event(eid: str, path: str, new, action: str = "set", reverts: str | None = None, at: str = "2026-01-01T00:00:00Z",
          report_id: str = "a" * 64) -> CorrectionEvent:
    return CorrectionEvent(id=eid, report_id=report_id, action=action, path=path, new=new, reason="原因 / why",
                           by="测试 (k1)", key_id="k1", at=at, reverts=reverts)


@pytest.fixture(scope="module")
def rec2021() -> Record:
    return record_of(REPO / "samples" / "000_642ff1a02613d8d6.txt")


@pytest.fixture(scope="module")
def rec2019() -> Record:
    return record_of(REPO / "samples" / "001_5a46c2b8c80e9869.txt")


def test_overlay_sets_value_marks_provenance_and_recomputes_findings(rec2021):
    assert rec2021.meta.template == "2021" and validate(rec2021) == []
    old = get_value(rec2021, CELL)
    rec = overlay(rec2021.model_copy(deep=True), [event("c_1", CELL, old + 900), event("c_2", "meta.agency", "某局")])
    assert get_value(rec, CELL) == old + 900 and rec.meta.agency == "某局"
    assert rec.provenance[CELL].source == "corrected" and rec.provenance[CELL].by == ["c_1"]
    assert [(c.id, c.applied) for c in rec.corrections] == [("c_1", True), ("c_2", True)]
    assert validate(rec), "a new-applications figure 900 higher breaks the table's arithmetic"
    assert get_value(rec2021, CELL) == old   # the parsed record itself is not touched by a copy's overlay


def test_newest_set_wins_and_a_revert_falls_back(rec2021):
    old = get_value(rec2021, CELL)
    log = [event("c_1", CELL, 1, at="2026-01-01T00:00:01Z"), event("c_2", CELL, 2, at="2026-01-01T00:00:02Z")]
    assert get_value(overlay(rec2021.model_copy(deep=True), log), CELL) == 2
    log.append(event("c_3", CELL, None, action="revert", reverts="c_2"))
    rec = overlay(rec2021.model_copy(deep=True), log)
    assert get_value(rec, CELL) == 1 and rec.provenance[CELL].by == ["c_1"]
    assert [c.reverted_by for c in rec.corrections] == [None, "c_3", None]
    log.append(event("c_4", CELL, None, action="revert", reverts="c_1"))
    rec = overlay(rec2021.model_copy(deep=True), log)
    assert get_value(rec, CELL) == old and CELL not in rec.provenance


def test_a_cell_the_record_lacks_is_kept_and_reported(rec2019):
    assert rec2019.meta.template == "2019"
    rec = overlay(rec2019.model_copy(deep=True), [event("c_9", ONLY_2021, 5)])
    assert get_value(rec, ONLY_2021) is None
    (f,) = [f for f in rec.findings if f.rule == RULE_NOT_APPLIED]
    assert f.where == ONLY_2021 and f.severity == "warning" and "c_9" in f.message
    assert rec.corrections[0].applied is False


def test_values_are_checked():
    assert check_value(CELL, 7.0) == 7 and check_value(CELL, None) is None
    assert check_value("meta.published", "2022-01-28") == "2022-01-28"
    for path, bad in ((CELL, -1), (CELL, True), (CELL, "7"), (CELL, float("nan")), ("meta.year", 20211),
                      ("meta.agency", None), ("meta.published", "2022-02-30"), ("meta.level", "国家")):
        with pytest.raises(CorrectionError):
            check_value(path, bad)


def test_store_keeps_the_log_durably(tmp_path):
    store = CorrectionStore(Storage(tmp_path))
    rid = "b" * 64
    assert store.events(rid) == [] and store.report_ids() == []
    with store.locked(rid) as events:
        events.append(event("c_1", CELL, 3, report_id=rid))
        store.save(rid, events)
    with store.locked(rid) as events:
        events.append(event("c_2", CELL, None, action="revert", reverts="c_1", report_id=rid,
                            at="2026-01-02T00:00:00Z"))
        store.save(rid, events)
    assert [e.id for e in CorrectionStore(Storage(tmp_path)).events(rid)] == ["c_1", "c_2"]
    assert store.report_ids() == [rid]
    assert [(e.id, e.reverted_by) for e in store.all_events()] == [("c_1", "c_2"), ("c_2", None)]
    with pytest.raises(ValueError):
        store.path("../etc")
