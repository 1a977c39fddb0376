"""DOCX: paragraphs and tables in document order, merged cells expanded; bombs and broken packages refused."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest

from services.parse.normalize import normalize
from shared.errors import ProcessingError


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("某局２０２３年政府信息公开工作年度报告")
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            t.cell(r, c).text = f"{r}{c}"
    t.cell(0, 0).merge(t.cell(0, 1)).text = "第二十条第（一）项"
    t.cell(1, 0).merge(t.cell(3, 0)).text = "规章"
    t.cell(2, 2).text = ""
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_table_in_order_with_merges_expanded() -> None:
    doc = normalize(_docx(), "id", filename="report.docx")
    assert doc.format == "docx" and doc.encoding is None
    assert [t.rows for t in doc.tables] == [[
        ["第二十条第(一)项", "第二十条第(一)项", "02", "03"],
        ["规章", "11", "12", "13"],
        ["规章", "21", "", "23"],
        ["规章", "31", "32", "33"],
    ]]
    assert doc.text.split("\n") == [
        "某局2023年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第(一)项 | 第二十条第(一)项 | 02 | 03",
        "规章 | 11 | 12 | 13",
        "规章 | 21 |  | 23",
        "规章 | 31 | 32 | 33",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_docx_recognised_by_content_not_name() -> None:
    assert normalize(_docx(), "id", filename="report.txt", content_type="text/plain").format == "docx"


def _code(data: bytes, **kw) -> str:
    with pytest.raises(ProcessingError) as exc:
        normalize(data, "id", **kw)
    return exc.value.code


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_docx_zip_bomb_refused_before_inflating() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (80 << 20)})
    assert len(data) < 1 << 20  # small on the wire, 80 MiB inflated
    assert _code(data) == "too_large"


def test_docx_high_ratio_member_refused() -> None:
    data = _zip({"word/document.xml": b"<w:document/>", "word/media/x.bin": b"A" * (8 << 20)})
    assert _code(data) == "too_large"


def test_truncated_docx_is_corrupt() -> None:
    data = _docx()
    assert _code(data[: len(data) // 2], filename="r.docx") == "corrupt_docx"


def test_docx_with_broken_xml_is_corrupt() -> None:
    good = zipfile.ZipFile(io.BytesIO(_docx()))
    members = {n: good.read(n) for n in good.namelist()}
    members["word/document.xml"] = b"<w:document><w:body><w:p>"  # not well-formed
    assert _code(_zip(members)) == "corrupt_docx"


def test_zip_that_is_not_docx_is_unsupported() -> None:
    assert _code(_zip({"data.csv": b"a,b\n1,2\n"}), filename="x.docx") == "unsupported_format"


def test_docx_without_text() -> None:
    buf = io.BytesIO()
    docx.Document().save(buf)
    assert _code(buf.getvalue()) == "no_text"
