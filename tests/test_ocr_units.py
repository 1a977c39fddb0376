"""The pure parts of reading scans: what a cell's OCR text becomes, how an unreadable cell reaches the record
(unknown, never 0), the confidence per record cell, and putting back a character OCR dropped from a place."""
from __future__ import annotations

import pytest

from services.parse.ocr.cells import cell_text
from services.parse.parser.cells import UNREADABLE, pipe_cells
from services.parse.parser.ocr_marks import mark_unreadable, ocr_confidence
from services.parse.parser.placement import BLANK
from services.parse.parser.region import restore_dropped
from services.parse.parser.split import resolve
from shared.document import Table
from shared.record import Record


@pytest.mark.parametrize("text,conf,want", [
    ("447", 0.99, "447"), ("447", 0.5, UNREADABLE), ("3168.0656", 0.95, "3168.0656"),
    ("の", 0.99, UNREADABLE), ("12O", 0.99, UNREADABLE), ("无", 0.95, "无"), ("无", 0.5, UNREADABLE),
    ("（一）予以公开", 0.6, "（一）予以公开"), ("", 0.0, ""),
])
def test_cell_text(text: str, conf: float, want: str) -> None:
    assert cell_text(text, conf, 0.9) == want


def test_unreadable_cell_is_blank_for_the_identities_not_zero() -> None:
    toks = pipe_cells(f"| 5 | {UNREADABLE} | 0 | 0 | 0 | 0 | 9", 7)
    assert toks is not None
    res = resolve(toks, 7)
    assert res.values[1] is None and list(res.options) == [[5, BLANK, 0, 0, 0, 0, 9]]


def test_unreadable_cell_in_a_row_of_unknown_shape_blanks_the_row() -> None:
    toks = pipe_cells(f"| 5 | {UNREADABLE} | 0 | 9", 4)
    assert toks is not None
    assert list(resolve(toks[:3], 4).options) == [[BLANK] * 4]


def test_mark_unreadable_makes_unknown_and_a_finding() -> None:
    rec = Record(id="x", text="")
    rec.raw_cells = {"applications.granted.total": UNREADABLE, "applications.granted.other_org": "/"}
    findings = mark_unreadable(rec)
    assert rec.provenance["applications.granted.total"].source == "unknown"
    assert rec.provenance["applications.granted.total"].by == ["OCR"]
    assert "applications.granted.other_org" not in rec.provenance
    assert [(f.rule, f.where, f.actual) for f in findings] == [
        ("OCR_UNREADABLE", "applications", ["applications.granted.total"])]


def test_mark_unreadable_keeps_a_cell_the_identities_inferred() -> None:
    from shared.record import CellProvenance
    rec = Record(id="x", text="")
    rec.raw_cells = {"applications.granted.total": UNREADABLE}
    rec.provenance = {"applications.granted.total": CellProvenance(source="inferred", by=["APP_ROW_SUM"])}
    assert mark_unreadable(rec) == []
    assert rec.provenance["applications.granted.total"].source == "inferred"


def test_ocr_confidence_follows_the_rows_in_order() -> None:
    rec = Record(id="x", text="")
    rec.applications = {
        "new_received": {"natural_person": 0, "total": 0},
        "carried_over": {"natural_person": 0, "total": 0},
        "granted": {"natural_person": 3, "total": None},
    }
    table = Table(rows=[["一、本年新收", "0", "0"], ["二、上年结转", "0", "0"], ["(一)予以公开", "3", UNREADABLE]],
                  ocr_confidence=[[0.99, 0.91, 0.92], [0.99, 0.93, 0.94], [0.99, 0.97, 0.1]])
    conf = ocr_confidence(rec, [table])
    assert conf == {"applications.new_received.natural_person": 0.91, "applications.new_received.total": 0.92,
                    "applications.carried_over.natural_person": 0.93, "applications.carried_over.total": 0.94,
                    "applications.granted.natural_person": 0.97}


@pytest.mark.parametrize("agency,want", [
    ("烟台市芝区发展和改革局", ("烟台市芝区", "烟台市芝罘区")),
    ("烟台市芝罘区发展和改革局", None),      # a listed county: nothing to put back
    ("淮安市人民政府", None),                # no county named
    ("淮安市洪泽区人民政府", None),
])
def test_restore_dropped(agency: str, want: tuple[str, str] | None) -> None:
    assert restore_dropped(agency) == want
