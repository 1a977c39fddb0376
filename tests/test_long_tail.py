"""Never silently wrong on layouts that lose a table's structure: generated reports whose page drops
empty cells (`sparse`) or breaks numbers across lines (`broken`) through the real normalize → parse →
validate path. Every cell must be the truth, or null, `unknown` in provenance and named by a finding;
bench/long_tail.py runs the same check over many more reports."""
from __future__ import annotations

from collections import Counter

import pytest

from services.pipeline import process_bytes
from shared.record import Record
from tests.synth import generate

pytestmark = pytest.mark.corpus  # sweeps of generated reports: tests/conftest.py

TABLES = ("active_disclosure", "applications", "review_litigation")


def judge(record: Record, truth: dict) -> tuple[Counter, list[str]]:
    """Cells right / unknown (null and flagged) / wrong, with the wrong ones' paths."""
    named = {p for f in record.findings if f.rule == "INCOMPLETE_TABLE" for p in (f.actual or [])}
    missing = {f.where for f in record.findings if f.rule == "MISSING_TABLE" and f.where}
    count: Counter = Counter()
    wrong: list[str] = []
    for table in TABLES:
        got = getattr(record, table)
        for row, cols in truth[table].items():
            for col, want in cols.items():
                path = f"{table}.{row}.{col}"
                value = got.get(row, {}).get(col)
                prov = record.provenance.get(path)
                if value == want or (value is not None and want is not None and abs(value - want) < 1e-6):
                    count["right"] += 1
                elif value is None and ((prov is not None and prov.source == "unknown" and path in named)
                                        or table in missing):
                    count["unknown"] += 1
                elif want is None and value == 0 and prov is not None and prov.source == "inferred":
                    count["right"] += 1  # a null marker (counted 0) whose column the sums fixed
                else:
                    count["wrong"] += 1
                    wrong.append(f"{path}: got {value!r} want {want!r}")
    return count, wrong


@pytest.mark.parametrize("layout", ["sparse", "broken"])
def test_no_cell_is_silently_wrong(layout: str) -> None:
    cells: Counter = Counter()
    for rep in generate(12, 23, layouts=(layout,), error_rate=0.2):
        record = process_bytes(rep.data, rep.filename)
        count, wrong = judge(record, rep.truth)
        assert not wrong, f"{rep.filename} ({rep.injection}): {wrong[:5]}"
        cells.update(count)
        assert record.quality is not None
        if count["unknown"]:
            assert record.quality.grade != "complete"
    assert cells["right"] > 0
    if layout == "broken":  # joins recover nearly everything
        assert cells["right"] > 0.95 * sum(cells.values())


def one_line(data: bytes, encoding: str | None) -> bytes:
    """The same report as a page that holds it all on one line (some Pingtan pages): every line break
    a space."""
    text = data.decode(encoding or "utf-8")
    return " ".join(line.strip() for line in text.splitlines() if line.strip()).encode("utf-8")


@pytest.mark.parametrize("layout", ["sparse", "broken", "lines"])
def test_no_cell_is_silently_wrong_on_one_line(layout: str) -> None:
    cells: Counter = Counter()
    for rep in generate(12, 29, layouts=(layout,), error_rate=0.0):
        record = process_bytes(one_line(rep.data, rep.encoding), rep.filename)
        count, wrong = judge(record, rep.truth)
        assert not wrong, f"{rep.filename} on one line: {wrong[:5]}"
        cells.update(count)
    assert cells["right"] > 0
