"""What OCR leaves in a record: cells OCR could not read are unknown (never 0) with an OCR_UNREADABLE
finding, and every cell read from an OCR'd table carries the engine's confidence (`ocr_confidence`)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from shared.document import Table
from shared.record import CellProvenance, Finding, Record
from shared.schema import TABLES

from .cells import UNREADABLE, value_of
from .findings import TABLE_ZH

_TABLE_EN = {t.key: t.en for t in TABLES}


def mark_unreadable(rec: Record) -> list[Finding]:
    """Cells printed as UNREADABLE that the identities did not fill: unknown, `by` OCR; one warning per table."""
    per_table: dict[str, list[str]] = {}
    for path, raw in rec.raw_cells.items():
        if raw != UNREADABLE:
            continue
        prov = rec.provenance.get(path)
        if prov is None or prov.source == "unknown":
            rec.provenance[path] = CellProvenance(source="unknown", by=["OCR"])
            per_table.setdefault(path.split(".", 1)[0], []).append(path)
    return [Finding(rule="OCR_UNREADABLE", severity="warning", where=table, actual=paths,
                    message=f"{TABLE_ZH[table]}中 {len(paths)} 个单元格 OCR 未能可靠识别，记为空 / {len(paths)} cells "
                            f"of the {_TABLE_EN[table]} table could not be read reliably by OCR and are left empty")
            for table, paths in per_table.items()]


def _record_rows(rec: Record) -> Iterator[tuple[list[str], list[object]]]:
    """Each row of the three tables in printed order: its cell paths and values (the review/litigation table
    is printed as one row of its 15 numbers)."""
    for table in ("active_disclosure", "applications"):
        for row, cells in (getattr(rec, table) or {}).items():
            yield [f"{table}.{row}.{c}" for c in cells], list(cells.values())
    rl = rec.review_litigation or {}
    paths = [f"review_litigation.{g}.{c}" for g, cells in rl.items() for c in cells]
    if paths:
        yield paths, [v for cells in rl.values() for v in cells.values()]


def _trailing_cells(row: list[str], conf: list[float | None], n: int) -> tuple[list[str], list[float | None]] | None:
    """The row's last n distinct cells (a merged cell repeats its text: counted once), from the right."""
    texts: list[str] = []
    confs: list[float | None] = []
    prev = None
    for text, c in zip(reversed(row), reversed(conf), strict=True):
        if (text, c) == prev and text:
            continue
        prev = (text, c)
        texts.append(text)
        confs.append(c)
        if len(texts) == n:
            return texts[::-1], confs[::-1]
    return None


def ocr_confidence(rec: Record, tables: Sequence[Table]) -> dict[str, float]:
    """Confidence of each table cell read by OCR, keyed by record path. Record rows are matched to the OCR
    grids' rows in printed order: the next grid row whose last cells hold the record row's values (an
    unreadable cell matches any value). A row with no such grid row gets no confidence."""
    grid = [(row, conf) for t in tables if t.ocr_confidence for row, conf in zip(t.rows, t.ocr_confidence, strict=True)]
    out: dict[str, float] = {}
    at = 0
    for paths, values in _record_rows(rec):
        for j in range(at, len(grid)):
            cells = _trailing_cells(grid[j][0], grid[j][1], len(values))
            if cells is None:
                continue
            texts, confs = cells
            if all(t == UNREADABLE or value_of(t) == v or (not t and v is None)
                   for t, v in zip(texts, values, strict=True)):
                out.update((p, c) for p, c, t in zip(paths, confs, texts, strict=True)
                           if c is not None and t != UNREADABLE)
                at = j + 1
                break
    return out
