"""Parse stage: NormalizedDoc → Record (meta, sections, three tables, narrative figures).

Layout-independent by design: the text is brought to one canonical form (text.py), the tables are
found between their anchors (regions.py) and read row by row from their labels (rows.py), with
run-together digits recovered from the table's shape and arithmetic (split.py). Whatever cannot
be read stays null with a MISSING_TABLE finding; parse never raises on a document.
"""
from __future__ import annotations

import logging

from shared.document import NormalizedDoc
from shared.record import CellProvenance, Finding, Meta, Record, Source

from . import meta as meta_mod
from .figures import figures
from .findings import ambiguous, missing_table
from .ocr_marks import mark_unreadable, ocr_confidence
from .quality import assess
from .region import correct_place, find_region, level, restore_dropped
from .regions import find_regions
from .sections import find_headings, sections
from .tables import active_disclosure, applications, review_litigation
from .tables.base import TableResult
from .template import detect
from .text import clean, join_labels

log = logging.getLogger(__name__)


def parse(doc: NormalizedDoc) -> Record:
    rec = Record(id=doc.id, text=doc.text,  # meta passed in: no default Meta built and replaced
                 meta=Meta(source=Source(format=doc.format, encoding=doc.encoding, traditional=doc.traditional,
                                         filename=doc.filename, source_url=doc.source_url)))
    try:
        _parse_into(rec, doc.text, doc.page_title)
        if doc.ocr is not None:
            rec.meta.source.ocr = doc.ocr
            rec.ocr_confidence = ocr_confidence(rec, doc.tables)
    except Exception:  # a document must never fail parsing; say what is missing instead
        log.exception("parse failed for %s", doc.id)
        rec.findings.append(Finding(rule="MISSING_TABLE", severity="warning",
                                    message="解析出错，部分内容未能读取 / Parsing failed; some content was not read"))
    return rec


def _parse_into(rec: Record, raw_text: str, page_title: str | None = None) -> None:
    text = clean(raw_text)
    _fill_meta(rec.meta, text, page_title)
    joined = join_labels(text)
    heads = find_headings(joined)
    rec.sections = sections(joined, heads)
    rec.figures = figures(joined, heads)

    reg = find_regions(joined, heads)
    template = detect(joined[reg.ad[0]:reg.ad[1]] if reg.ad else "", joined[reg.app[0]:reg.app[1]] if reg.app else "")
    rec.meta.template = template  # type: ignore[assignment]  # detect gives one of the Template values (or None)

    results: dict[str, TableResult] = {}
    if reg.ad:
        if template:
            results["active_disclosure"] = active_disclosure.parse(joined, *reg.ad, template, joined)
        else:  # shape unknown: keep the reading that finds more rows
            both = [active_disclosure.parse(joined, *reg.ad, t, joined) for t in ("2021", "2019")]
            results["active_disclosure"] = max(both, key=lambda r: r.rows_found)
    if reg.app:
        results["applications"] = applications.parse(joined, *reg.app, template, joined)
    if reg.rl:
        results["review_litigation"] = review_litigation.parse(joined, *reg.rl)

    found: dict[str, bool] = {}
    for name in ("active_disclosure", "applications", "review_litigation"):
        res = results.get(name)
        found[name] = res is not None and res.readable
        if res is None or not res.readable:
            rec.findings.append(missing_table(name))
            if res is None:
                continue
        setattr(rec, name, res.values)
        rec.raw_cells.update(res.raw)
        if res.provenance:
            rec.provenance.update((p, CellProvenance(source=c.source, by=list(c.by)))
                                  for p, c in res.provenance.items())
        rec.findings.extend(ambiguous(a) for a in res.ambiguities)
    ocr_unread = mark_unreadable(rec)
    rec.quality, incomplete = assess(rec, found)
    rec.findings.extend(ocr_unread)
    rec.findings.extend(incomplete)


def _fill_meta(m: Meta, text: str, page_title: str | None = None) -> None:
    title = meta_mod.title(text) or meta_mod.title_from_page(page_title)
    agency = meta_mod.agency(text, title)
    if agency:
        fix = correct_place(agency) or restore_dropped(agency)
        if fix:  # an OCR-misread place name (沐阳县 → 沭阳县)
            wrong, fixed = fix
            agency = fixed + agency[len(wrong):]
            title = title.replace(wrong, fixed) if title else title
    m.title, m.agency = title, agency
    m.year = meta_mod.year(text, title)
    m.published = meta_mod.published(text, m.year)
    m.region = find_region(agency, title)
    m.level = level(agency, m.region)  # type: ignore[assignment]  # level gives one of the Level values (or None)
    m.agency_type = meta_mod.agency_type(agency)
