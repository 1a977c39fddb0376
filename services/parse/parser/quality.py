"""How completely a record's figures were read: the `quality` grade and the INCOMPLETE_TABLE findings.

A cell is read (a number printed where it stands), inferred (placed or valued by the table's
identities), blank (no number: the document's cell is empty or holds a null marker such as / — 无;
the sums count it 0, but no figure is stated) or unknown (null: the document does not say where its
number goes, or its row or table was not found). No unknown cell is ever silent: each table that has
some gets a warning naming them. The grade is complete only when every figure is known and the report's
body, year and place were found."""
from __future__ import annotations

from functools import cache

from shared.record import Finding, Quality, Record
from shared.schema import TABLES, table_cells

from .findings import TABLE_ZH

_TABLES = tuple(t.key for t in TABLES)
_TABLE_EN = {t.key: t.en for t in TABLES}  # "the <en> table"
_NAMED = 8  # cells named in a finding's message (all of them are in `actual`)


def expected_cells(table: str, template: str | None, two_level_other: bool) -> list[str]:
    """Every cell path a complete table of this template has (applications: the rows it prints, with or
    without the 2021 sub-rows of (六))."""
    if table == "applications":
        template = "2021" if two_level_other else "2019"
    return list(table_cells(table, template))


@cache
def _cells(table: str, template: str | None, two_level_other: bool) -> tuple[tuple[str, str, str], ...]:
    """expected_cells as (path, row, column), split once per shape rather than once per report."""
    out = []
    for path in expected_cells(table, template, two_level_other):
        row, col = path.split(".", 1)[1].rsplit(".", 1)
        out.append((path, row, col))
    return tuple(out)


def assess(rec: Record, found: dict[str, bool]) -> tuple[Quality, list[Finding]]:
    """The record's quality and one INCOMPLETE_TABLE warning per found table with unknown cells.
    `found`: table → whether it was found and read at all (MISSING_TABLE covers the others)."""
    two_level = "other.other" in rec.applications
    q = Quality()
    findings: list[Finding] = []
    for table in _TABLES:
        cells = _cells(table, rec.meta.template, two_level)
        if not found.get(table):
            q.cells_unknown += len(cells)
            q.reasons.append(f"未找到或无法读取{TABLE_ZH[table]} / the {_TABLE_EN[table]} table was not found or not read")
            continue
        q.tables_found += 1
        sources = _sources(rec, table, cells)
        unknown = [p for (p, _, _), s in zip(cells, sources, strict=True) if s == "unknown"]
        inferred, blank = sources.count("inferred"), sources.count("blank")
        q.cells_unknown += len(unknown)
        q.cells_inferred += inferred
        q.cells_blank += blank
        q.cells_read += len(cells) - len(unknown) - inferred - blank
        if blank:
            q.reasons.append(f"{TABLE_ZH[table]}有 {blank} 个单元格在文档中为空或无数字（如 /、—、无） / "
                             f"{blank} cells of the {_TABLE_EN[table]} table hold no number in the document")
        if unknown:
            q.reasons.append(f"{TABLE_ZH[table]}有 {len(unknown)} 个单元格无法确定 / "
                             f"{len(unknown)} cells of the {_TABLE_EN[table]} table could not be placed")
            findings.append(incomplete(table, unknown))
    m = rec.meta
    for missing, zh, en in ((not m.agency, "发布机关", "issuing body"), (not m.year, "报告年度", "report year"),
                            (not m.region.province, "所在省份", "province")):
        if missing:
            q.reasons.append(f"未能识别{zh} / the {en} was not found")
    if q.tables_found == 0 or q.cells_read + q.cells_inferred == 0:
        q.grade = "unreadable"
    elif q.cells_unknown or q.cells_blank or len(q.reasons):
        q.grade = "partial"
    return q, findings


def _sources(rec: Record, table: str, cells: tuple[tuple[str, str, str], ...]) -> list[str]:
    """read / inferred / blank / unknown for each cell (no provenance entry: as the table holds it)."""
    values = getattr(rec, table)
    prov = rec.provenance
    out: list[str] = []
    for path, row, col in cells:
        if prov and path in prov:
            out.append(prov[path].source)
            continue
        got = values.get(row)
        if got is None or col not in got:
            out.append("unknown")  # the row was not found
        elif got[col] is None:
            out.append("blank")  # no number printed: an empty cell or a null marker (raw_cells says which)
        else:
            out.append("read")
    return out


def incomplete(table: str, unknown: list[str]) -> Finding:
    named = "、".join(p.split(".", 1)[1] for p in unknown[:_NAMED]) + ("…" if len(unknown) > _NAMED else "")
    return Finding(
        rule="INCOMPLETE_TABLE", severity="warning", where=table, actual=unknown,
        message=f"{TABLE_ZH[table]}中 {len(unknown)} 个单元格的数值或所在列无法从文档确定，记为空（{named}）"
                f" / {len(unknown)} cells of the {_TABLE_EN[table]} table cannot be placed from the "
                f"document and are left empty ({named})")
