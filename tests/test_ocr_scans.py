"""Scans read by OCR (issue 16), in-process: image-only versions of the three real PDFs and of the seeds read
to the same figures as their originals, or — never silently wrong — a cell left null with a finding.

Every scan is OCR'd once per session, two at a time (one inference thread each), in a process pool."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from services.parse.normalize import normalize
from services.parse.ocr_inline import normalize_with_ocr
from services.parse.parser import parse
from shared.record import Record
from tests.paths import SHARED
from tests.scans import VARIANTS, image_files, multipage_tiff, seed_pdf, table_pages

pytestmark = pytest.mark.corpus

REAL_PDF = SHARED / "corpus" / "real-pdf"
SEEDS = SHARED / "corpus" / "seeds"
TABLES = ("active_disclosure", "applications", "review_litigation")
# (name, source, scan kind): each real PDF as a plain 150-dpi scan; one as a rough office scan (grey, JPEG,
# turned 1.5°), at 300 dpi, mixed (only its table pages scanned) and as a multi-page TIFF / PNG pages.
REAL_CASES = [(p.stem, "150dpi") for p in sorted(REAL_PDF.glob("*.pdf"))] + [
    ("2024_hongze_district", "rough"), ("2023_hongze_district", "300dpi"), ("2024_huaian_city", "mixed"),
    ("2023_hongze_district", "tiff")]
_SPAWN = multiprocessing.get_context("spawn")  # not fork: the parent may hold the OCR engine's threads
SEED_CASES = [(p.name, "300dpi") for p in sorted(SEEDS.glob("*.txt"))]


def _scan(source: bytes, kind: str) -> tuple[bytes, str]:
    if kind == "tiff":
        return multipage_tiff(source, dpi=150, grayscale=True), "r.tiff"
    return VARIANTS[kind].apply(source), "r.pdf"


def _read_real(case: tuple[str, str]) -> tuple[Record, Record, Any]:
    name, kind = case
    original = (REAL_PDF / f"{name}.pdf").read_bytes()
    data, filename = _scan(original, kind)
    doc = normalize_with_ocr(data, f"scan-{name}-{kind}", filename=filename)
    return parse(normalize(original, name, filename=f"{name}.pdf")), parse(doc), doc.ocr


def _read_seed(case: tuple[str, str]) -> tuple[dict, Record]:
    name, kind = case
    source, expected = seed_pdf(SEEDS / name)
    return expected, parse(normalize_with_ocr(VARIANTS[kind].apply(source), f"scan-{name}", filename="s.pdf"))


@pytest.fixture(scope="module")
def real_reads() -> dict[tuple[str, str], tuple[Record, Record, Any]]:
    with ProcessPoolExecutor(2, mp_context=_SPAWN) as pool:
        return dict(zip(REAL_CASES, pool.map(_read_real, REAL_CASES), strict=True))


@pytest.fixture(scope="module")
def seed_reads() -> dict[tuple[str, str], tuple[dict, Record]]:
    with ProcessPoolExecutor(2, mp_context=_SPAWN) as pool:
        return dict(zip(SEED_CASES, pool.map(_read_seed, SEED_CASES), strict=True))


def _cells(values_of: Any) -> dict[str, Any]:
    return {f"{t}.{r}.{c}": v for t in TABLES for r, cells in values_of(t).items() for c, v in cells.items()}


def _flagged(rec: Record, path: str) -> bool:
    """A null cell that says so: unknown in provenance and named by a finding of its table."""
    prov = rec.provenance.get(path)
    named = any(f.rule in ("INCOMPLETE_TABLE", "OCR_UNREADABLE") and isinstance(f.actual, list) and path in f.actual
                for f in rec.findings)
    return prov is not None and prov.source == "unknown" and named


@pytest.mark.parametrize("case", REAL_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_real_scan_reads_like_its_pdf(real_reads, case) -> None:
    original, scan, ocr = real_reads[case]
    want, got = _cells(lambda t: getattr(original, t)), _cells(lambda t: getattr(scan, t))
    assert sum(v is not None for v in want.values()) > 150  # the original itself reads (a guard on the fixture)
    right = [p for p, v in want.items() if got.get(p) == v]
    wrong = {p: (v, got.get(p)) for p, v in want.items() if got.get(p) != v}
    # never a wrong number: whatever differs is null and flagged
    assert all(g is None and _flagged(scan, p) for p, (_, g) in wrong.items()), wrong
    assert len(right) >= 0.99 * len(want), wrong
    assert (scan.meta.agency, scan.meta.year) == (original.meta.agency, original.meta.year)
    assert scan.meta.source.format == ("image" if case[1] == "tiff" else "pdf")
    assert scan.meta.source.ocr is not None and scan.meta.source.ocr.engine.startswith("rapidocr")
    assert scan.meta.source.ocr.pages == ocr.pages and ocr.pages
    assert scan.ocr_confidence and all(0 < c <= 1 for c in scan.ocr_confidence.values())
    assert set(scan.ocr_confidence) <= set(want)


def test_mixed_pdf_ocrs_only_its_scanned_pages(real_reads) -> None:
    original = (REAL_PDF / "2024_huaian_city.pdf").read_bytes()
    _, _, ocr = real_reads[("2024_huaian_city", "mixed")]
    assert ocr.pages == table_pages(original) and len(ocr.pages) < 6


@pytest.mark.parametrize("case", SEED_CASES, ids=lambda c: c[0][:3])
def test_seed_scan_reads_every_table_cell(seed_reads, case) -> None:
    expected, rec = seed_reads[case]
    want = _cells(lambda t: expected[t])
    got = _cells(lambda t: getattr(rec, t))
    assert {p: (v, got.get(p)) for p, v in want.items() if got.get(p) != v} == {}
    assert (rec.meta.agency, rec.meta.year) == (expected["meta"]["agency"], expected["meta"]["year"])


def test_png_page_is_a_document_of_its_own() -> None:
    """A PNG upload is one page: the report's first page, read by OCR, names its body and year."""
    original = (REAL_PDF / "2024_hongze_district.pdf").read_bytes()
    png = image_files(original, "png", dpi=150, pages=[0])[0]
    doc = normalize_with_ocr(png, "png-page", filename="p.png")
    rec, full = parse(doc), parse(normalize(original, "orig", filename="o.pdf"))
    assert rec.meta.source.format == "image" and doc.ocr is not None and doc.ocr.pages == [0]
    assert (rec.meta.agency, rec.meta.year) == (full.meta.agency, full.meta.year)
    assert "总体情况" in doc.text


def _unruled_pdf(seed: Path) -> tuple[bytes, dict]:
    """The seed typeset as tests/scans does, but its tables printed without rules (fpdf borders_layout NONE)."""
    import random

    from fpdf import FPDF

    from tests import scans
    from tests.synth.doc import build_blocks
    from tests.synth.layout_pdf import render_pdf
    from tests.synth.tables import Style

    table = FPDF.table

    def unruled(self, *args, **kwargs):
        return table(self, *args, **{**kwargs, "borders_layout": "NONE"})

    record = scans.seed_record(seed)
    rng = random.Random(f"unruled/{seed.name}")
    blocks = build_blocks(rng, scans._truth_of(record), scans._sections_of(record), Style(null_marker="/"))
    FPDF.table = unruled  # type: ignore[method-assign]
    try:
        return render_pdf(rng, blocks), scans.expected_of(record)
    finally:
        FPDF.table = table  # type: ignore[method-assign]


def test_unruled_table_scan_gives_no_wrong_figure() -> None:
    """A table printed without rules is read as lines of text (rows by y, words by x) by the parser's text
    readers: a number whose column the line does not fix is left null with a finding, never guessed."""
    source, expected = _unruled_pdf(SEEDS / "000_642ff1a02613d8d6.txt")
    rec = parse(normalize_with_ocr(VARIANTS["300dpi"].apply(source), "unruled", filename="u.pdf"))
    want, got = _cells(lambda t: expected[t]), _cells(lambda t: getattr(rec, t))
    wrong = {p: (v, got.get(p)) for p, v in want.items() if got.get(p) != v}
    assert all(g is None and _flagged(rec, p) for p, (_, g) in wrong.items()), wrong
    assert len(wrong) < len(want) / 2  # most of it still reads
    assert (rec.meta.agency, rec.meta.year) == (expected["meta"]["agency"], expected["meta"]["year"])
