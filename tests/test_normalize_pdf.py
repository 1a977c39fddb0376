"""PDF: text and tables with pdfplumber, in reading order; scans, encryption and broken files refused."""
from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from services.parse.normalize import normalize
from services.parse.ocr import NeedsOcr
from shared.errors import ProcessingError
from tests.paths import REAL, REAL_PDF

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei


def _ascii_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, text="Annual report 2023 on government information disclosure", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, text="Section two. Proactive disclosure.", new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        for row in (("Item", "Issued", "Repealed", "In force"), ("Rules", "1", "0", "11"),
                    ("Normative documents", "8", "26", "66")):
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(5)
    pdf.multi_cell(0, text="Section three. After the table.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_table_structure_and_order() -> None:
    doc = normalize(_ascii_pdf(), "id", filename="r.pdf")
    assert doc.format == "pdf" and doc.encoding is None
    assert [t.rows for t in doc.tables] == [[
        ["Item", "Issued", "Repealed", "In force"], ["Rules", "1", "0", "11"], ["Normative documents", "8", "26", "66"],
    ]]
    assert doc.text.split("\n") == [
        "Annual report 2023 on government information disclosure",
        "Section two. Proactive disclosure.",
        "Item | Issued | Repealed | In force",
        "Rules | 1 | 0 | 11",
        "Normative documents | 8 | 26 | 66",
        "Section three. After the table.",
    ]


def test_pdf_chinese_with_full_width_digits() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    pdf.set_font("wqy", size=12)
    pdf.multi_cell(0, text="某局２０２３年政府信息公开工作年度报告\n一、总体情况　本年新收申请１２件",
                   new_x="LMARGIN", new_y="NEXT")
    with pdf.table(headings_style=FontFace(emphasis=None)) as table:
        for row in (("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "１", "０", "１１")):
            cells = table.row()
            for text in row:
                cells.cell(text)
    doc = normalize(bytes(pdf.output()), "id")
    assert doc.text.split("\n") == [
        "某局2023年政府信息公开工作年度报告",
        "一、总体情况 本年新收申请12件",
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 1 | 0 | 11",
    ]


REAL_TITLES = {
    "2023_hongze_district": ["洪泽区人民政府", "2023 年政府信息公开工作年度报告"],
    "2024_hongze_district": ["淮安市洪泽区人民政府", "2024 年政府信息公开工作年度报告"],
    "2024_huaian_city": ["淮安市人民政府", "2024 年政府信息公开工作年度报告"],
}


def _cjk(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"[\u4e00-\u9fff]", text))


@pytest.fixture(scope="module")
def real_pdfs() -> dict[str, object]:
    return {name: normalize((REAL_PDF / f"{name}.pdf").read_bytes(), name) for name in REAL_TITLES}


@pytest.mark.parametrize("name", sorted(REAL_TITLES))
def test_real_pdf_text_matches_its_text_version(real_pdfs, name) -> None:
    doc = real_pdfs[name]
    assert doc.format == "pdf" and not doc.traditional
    assert doc.text.split("\n")[:2] == REAL_TITLES[name]
    # Same words as the pdftotext version beside it: nearly every CJK character is recovered.
    reference = _cjk((REAL / f"{name}.txt").read_text(encoding="utf-8"))
    got = _cjk(doc.text)
    recalled = sum(min(n, got[ch]) for ch, n in reference.items()) / sum(reference.values())
    assert recalled > 0.97
    assert not re.search(r"^-\s*\d+\s*-$", doc.text, re.M)  # page numbers dropped
    assert len(doc.tables) >= 4


def test_real_pdf_tables(real_pdfs) -> None:
    doc = real_pdfs["2024_huaian_city"]
    rows = [row for t in doc.tables for row in t.rows]
    # The application table runs over a page break and comes back as one table.
    (apps,) = [t for t in doc.tables if any("本年新收政府信息公开申请数量" in c for c in t.rows[3])]
    assert apps.rows[3][-7:] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert any(r[-7:] == ["2932", "53", "0", "0", "61", "4", "3050"] for r in apps.rows)
    assert any(r[:2] == ["行政事业性收费", "96171.6"] for r in rows)
    assert ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"] in rows
    # Wrapped cell text joins without a gap.
    assert ["商业企业", "科研机构", "社会公益组织", "法律服务机构"] == apps.rows[2][4:8]


@pytest.mark.parametrize("name", sorted(REAL_TITLES))
def test_real_pdf_tables_hold_no_prose(real_pdfs, name) -> None:
    # Word's white paragraph shading must not turn lines of prose into table rows.
    for table in real_pdfs[name].tables:
        assert not any(len(set(row)) == 1 and row[0].endswith("。") for row in table.rows)
    # A cell whose top border sits on the previous page still gets its text.
    rows = [row for t in real_pdfs[name].tables for row in t.rows]
    assert ["信息内容", "本年处理决定数量"] in rows


def _code(data: bytes) -> str:
    with pytest.raises(ProcessingError) as exc:
        normalize(data, "id", filename="r.pdf")
    return exc.value.code


def test_scanned_page_goes_to_ocr() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_page()
    pdf.image(Image.new("RGB", (400, 300), "white"), x=10, y=10, w=180)  # page 2: a picture over 30% of it
    with pytest.raises(NeedsOcr) as exc:
        normalize(bytes(pdf.output()), "id", filename="r.pdf")
    assert (exc.value.kind, exc.value.pages) == ("pdf", [1])


def test_pdf_without_text_or_scan_has_no_text_layer() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (400, 300), "white"), x=10, y=10, w=40)  # a logo, not a scanned page
    assert _code(bytes(pdf.output())) == "no_text_layer"


def test_encrypted_pdf() -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="secret annual report text")
    assert _code(bytes(pdf.output())) == "encrypted"


def test_truncated_and_garbage_pdf_are_corrupt() -> None:
    data = _ascii_pdf()
    assert _code(data[: len(data) // 2]) == "corrupt_pdf"
    assert _code(b"%PDF-1.7\n" + b"\x00garbage\xff" * 200) == "corrupt_pdf"


def test_real_pdf_truncated_is_refused_not_crashed() -> None:
    data = (REAL_PDF / "2024_huaian_city.pdf").read_bytes()
    with pytest.raises(ProcessingError):
        normalize(data[:50_000], "id")
