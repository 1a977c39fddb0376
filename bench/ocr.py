"""The OCR path as the pipeline runs it (services/parse/ocr: ruled grid, each cell read line by line, text lines
outside tables), on one core: pages per second, and how the scans' table cells read against their originals.

    .venv/bin/python bench/ocr.py                 # the 3 real PDFs as 150-dpi scans
    .venv/bin/python bench/ocr.py --seeds         # and the 5 seeds as 300-dpi scans
    .venv/bin/python bench/ocr.py --variant rough --variant 300dpi

A cell is *right* when the scan's record holds the original's value, *flagged* when it is null, unknown in
provenance and named by a finding, *wrong* otherwise (a number that differs, or a silent null). Seconds are
the OCR of the pages alone (services/parse/ocr/read.ocr_page; rendering included, parsing not); the process
is pinned to one CPU and the engine runs one inference thread (NIANBAO_OCR_THREADS=1, the default).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import typer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.parse.normalize import normalize  # noqa: E402
from services.parse.ocr import engine  # noqa: E402
from services.parse.ocr.models import NeedsOcr, OcrPage  # noqa: E402
from services.parse.ocr.read import ocr_page  # noqa: E402
from services.parse.parser import parse  # noqa: E402
from shared.record import Record  # noqa: E402
from tests.paths import SHARED  # noqa: E402
from tests.scans import VARIANTS, seed_pdf  # noqa: E402

TABLES = ("active_disclosure", "applications", "review_litigation")
app = typer.Typer(add_completion=False)


def _cells(values_of: Any) -> dict[str, Any]:
    return {f"{t}.{r}.{c}": v for t in TABLES for r, cells in values_of(t).items() for c, v in cells.items()}


def _read(scan: bytes) -> tuple[Record, int, float]:
    """(record, pages OCR'd, seconds of OCR)."""
    pages: dict[int, OcrPage] = {}
    seconds = 0.0
    while True:
        try:
            return parse(normalize(scan, "bench", filename="scan.pdf", ocr_pages=pages)), len(pages), seconds
        except NeedsOcr as need:
            for p in need.pages:
                t0 = time.process_time()
                pages[p] = ocr_page(scan, need.kind, p)
                seconds += time.process_time() - t0


def _score(want: dict[str, Any], rec: Record) -> tuple[int, int, int]:
    got = _cells(lambda t: getattr(rec, t))
    flagged_paths = {p for f in rec.findings if isinstance(f.actual, list) for p in f.actual}
    right = flagged = wrong = 0
    for p, v in want.items():
        if got.get(p) == v:
            right += 1
        elif got.get(p) is None and rec.provenance.get(p) is not None and p in flagged_paths:
            flagged += 1
        else:
            wrong += 1
    return right, flagged, wrong


@app.command()
def main(variant: list[str] = typer.Option(["150dpi"], help="scan kinds of the real PDFs (tests/scans.VARIANTS)"),
         seeds: bool = typer.Option(False, help="also the 5 seeds as 300-dpi scans")) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cases: list[tuple[str, bytes, dict[str, Any]]] = []
    for pdf in sorted((SHARED / "corpus" / "real-pdf").glob("*.pdf")):
        original = pdf.read_bytes()
        rec = parse(normalize(original, pdf.stem, filename=pdf.name))
        for v in variant:
            cases.append((f"{pdf.stem} {v}", VARIANTS[v].apply(original), _cells(lambda t, r=rec: getattr(r, t))))
    if seeds:
        for seed in sorted((SHARED / "corpus" / "seeds").glob("*.txt")):
            source, expected = seed_pdf(seed)
            cases.append((f"{seed.name[:3]} seed 300dpi", VARIANTS["300dpi"].apply(source),
                          _cells(lambda t, e=expected: e[t])))
    engine.warm_up()  # load the engine before timing
    print(f"{'scan':<36} {'pages':>5} {'s/page':>7} {'right':>6} {'flagged':>7} {'wrong':>5} {'right %':>7}")
    total = [0, 0.0, 0, 0, 0]
    for name, scan, want in cases:
        rec, n, secs = _read(scan)
        right, flagged, wrong = _score(want, rec)
        print(f"{name:<36} {n:>5} {secs / max(n, 1):>7.2f} {right:>6} {flagged:>7} {wrong:>5} "
              f"{100 * right / len(want):>6.1f}%")
        for i, v in enumerate((n, secs, right, flagged, wrong)):
            total[i] += v
    n, secs, right, flagged, wrong = total
    cells = right + flagged + wrong
    print(f"{'all':<36} {n:>5} {secs / max(n, 1):>7.2f} {right:>6} {flagged:>7} {wrong:>5} {100 * right / cells:>6.1f}%")
    print(f"OCR pages/s per core: {n / secs:.2f}  (CPU seconds, one core, one inference thread)")


if __name__ == "__main__":
    app()
