"""Parse of the real corpus against the hand-read values in tests/fixtures/real_expected/."""
from __future__ import annotations

import json

import pytest

from tests.parse_support import expected_cells, record_of, same
from tests.paths import FIXTURES, REAL, REAL_PDF

CASES = {p.stem: json.loads(p.read_text(encoding="utf-8"))
         for p in sorted((FIXTURES / "real_expected").glob("*.json"))}
META = ("agency", "year", "template", "title", "published", "level")
# Fixtures that take the page's 发布时间 while the report prints a signature date (2024年1月29日);
# the other fixtures of the same site take the signature date, which is the rule the parser follows.


@pytest.fixture(scope="module")
def records():
    return {name: record_of(REAL / case["file"]) for name, case in CASES.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_tables(records, name):
    rec = records[name].model_dump()
    wrong = [f"{t}.{r}.{c}: want {v!r} got {rec[t].get(r, {}).get(c, '<missing>')!r}"
             for t, r, c, v in expected_cells(CASES[name])
             if not same(rec[t].get(r, {}).get(c, KeyError), v)]
    assert not wrong, "\n".join(wrong)


def _meta_params():
    for name in sorted(CASES):
        for key in META:
            if CASES[name]["meta"].get(key) is None:
                continue
            yield pytest.param(name, key, id=f"{name}-{key}")


@pytest.mark.parametrize("name,key", list(_meta_params()))
def test_real_meta(records, name, key):
    assert getattr(records[name].meta, key) == CASES[name]["meta"][key]


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_region(records, name):
    region = records[name].meta.region
    for key, value in (CASES[name]["meta"].get("region") or {}).items():
        assert getattr(region, key) == value, key


def test_run_together_split_chosen_by_narrative_is_flagged(records):
    """'行政规范性文件5416' splits three ways; the narrative (制定5件, 现行有效16件) picks 5/4/16 and
    an AMBIGUOUS_CELLS finding lists the others."""
    rec = records["2023_pingtan_hzs"]
    assert rec.active_disclosure["normative_documents"] == {"issued": 5, "repealed": 4, "in_force": 16}
    amb = [f for f in rec.findings if f.rule == "AMBIGUOUS_CELLS"]
    assert len(amb) == 1 and amb[0].severity == "info"
    assert amb[0].where == "active_disclosure.normative_documents"
    assert amb[0].actual == [5, 4, 16] and [5, 41, 6] in amb[0].expected


def test_unique_splits_raise_no_ambiguity(records):
    for name in ("2022_pingtan_gaj", "2021_pingtan_jtj", "2024_pingtan_czj"):
        assert not [f for f in records[name].findings if f.rule == "AMBIGUOUS_CELLS"], name


PDF_CASES = sorted(p.stem for p in REAL_PDF.glob("*.pdf") if p.stem in CASES)


@pytest.mark.parametrize("name", PDF_CASES)
def test_real_pdf_tables(name):
    """The same reports from their PDFs (table structure rendered as " | " rows, blank label
    cells before the values) give the same cells as the hand-read fixture."""
    rec = record_of(REAL_PDF / f"{name}.pdf").model_dump()
    wrong = [f"{t}.{r}.{c}: want {v!r} got {rec[t].get(r, {}).get(c, '<missing>')!r}"
             for t, r, c, v in expected_cells(CASES[name])
             if not same(rec[t].get(r, {}).get(c, KeyError), v)]
    assert not wrong, "\n".join(wrong)
