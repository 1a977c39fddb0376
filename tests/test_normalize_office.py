""".doc, .wps, .xls and .xlsx read like the documents they were made from (issue 16 part 5).

The corpus (real HTML and text reports, a seed, a synthetic DOCX) is converted with LibreOffice at test
time; each converted file goes through the real normalize (LibreOffice / the sandboxed spreadsheet
reader) and parse stages and must give the same body, year and table values as its original."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from services.parse.normalize import normalize
from shared.record import Record
from tests.office import (
    FIGURES,
    HTML_TO_WRITER,
    TO_DOC,
    TO_XLS,
    UTF8_TEXT,
    reads_alike,
    record_of_bytes,
    soffice_convert,
    tables_workbook,
)
from tests.paths import REAL, SEEDS
from tests.synth import make_report

pytestmark = pytest.mark.corpus

HTML = [REAL / "2023_shuyang_fgj.html", REAL / "2019_shanghai_bgt.html"]
TEXT = [REAL / "2024_huaian_city.txt", SEEDS / "000_642ff1a02613d8d6.txt"]


@dataclass
class Case:
    name: str             # the converted file's name, which says its format
    data: bytes
    original: Record


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    """Each source converted once: to .doc (and the seed also to .wps: WPS writes the same format),
    and the reports with tables also as .xlsx (openpyxl) and .xls (LibreOffice from that .xlsx)."""
    tmp = tmp_path_factory.mktemp("office")
    synth = make_report(16, 5, layouts=["docx"], error_rate=0, traditional_rate=0, null_rate=0)
    synth_path = tmp / "src" / "synth.docx"
    synth_path.parent.mkdir()
    synth_path.write_bytes(synth.data)
    originals = {p.stem: record_of_bytes(p.read_bytes(), p.name) for p in [*HTML, *TEXT, synth_path]}

    docs = (soffice_convert(HTML, tmp / "doc", TO_DOC, HTML_TO_WRITER)
            + soffice_convert(TEXT, tmp / "doc", TO_DOC, UTF8_TEXT)
            + soffice_convert([synth_path], tmp / "doc", TO_DOC))
    cases = {f"{p.stem}.doc": Case(f"{p.stem}.doc", p.read_bytes(), originals[p.stem]) for p in docs}
    seed = docs[3]
    cases[f"{seed.stem}.wps"] = Case(f"{seed.stem}.wps", seed.read_bytes(), originals[seed.stem])

    books = []
    for path in [*HTML, synth_path]:
        doc = normalize(path.read_bytes(), path.stem, filename=path.name)
        book = tmp / "xlsx" / f"{path.stem}.xlsx"
        book.parent.mkdir(exist_ok=True)
        book.write_bytes(tables_workbook(originals[path.stem], [t.rows for t in doc.tables]))
        cases[book.name] = Case(book.name, book.read_bytes(), originals[path.stem])
        books.append(book)
    for xls in soffice_convert(books, tmp / "xls", TO_XLS):
        cases[xls.name] = Case(xls.name, xls.read_bytes(), originals[xls.stem])
    return cases


NAMES = ([f"{p.stem}.doc" for p in [*HTML, *TEXT]] + ["synth.doc", f"{TEXT[1].stem}.wps"]
         + [f"{p.stem}.{ext}" for ext in ("xlsx", "xls") for p in [*HTML, Path("synth")]])


@pytest.mark.parametrize("name", NAMES)
def test_converted_report_reads_like_its_original(office: dict[str, Case], name: str) -> None:
    case = office[name]
    assert all(getattr(case.original, t) for t in FIGURES), "the original itself must have its three tables"
    converted = record_of_bytes(case.data, case.name)
    assert converted.meta.source.format == Path(name).suffix.lstrip(".")
    reads_alike(case.original, converted)


def test_format_is_what_came_in_not_its_name(office: dict[str, Case]) -> None:
    """Content decides: a .doc sent as "report.txt" is still a .doc; a workbook named .docx still a workbook."""
    doc = office["2023_shuyang_fgj.doc"].data
    assert normalize(doc, "a", filename="report.txt", content_type="text/plain").format == "doc"
    assert normalize(doc, "a", content_type="application/vnd.ms-works").format == "wps"
    assert normalize(office["synth.xls"].data, "b", filename="report.doc").format == "xls"
    assert normalize(office["synth.xlsx"].data, "c", filename="report.docx").format == "xlsx"
