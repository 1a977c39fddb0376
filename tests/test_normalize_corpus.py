"""Every seed and real corpus file normalizes, with the right format, encoding and traditional flag; the same
report in GB18030 / Big5 / with a BOM comes out identical to its UTF-8 form."""
from __future__ import annotations

import json
import re

import pytest

from services.parse.normalize import normalize
from tests.paths import REAL, SEEDS, SHARED

SEED_FILES = sorted(SEEDS.glob("*.txt"))
REAL_FILES = sorted(REAL.iterdir())
EXPECTED = json.loads((SHARED / "spec" / "seeds.expected.json").read_text(encoding="utf-8"))


def test_corpus_present() -> None:
    assert len(SEED_FILES) == 5 and len(REAL_FILES) == 19


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed(path) -> None:
    doc = normalize(path.read_bytes(), "id", filename=path.name)
    assert doc.format == "text" and doc.encoding == "utf-8"
    assert doc.traditional is EXPECTED[path.name]["meta"]["traditional"]
    # The expected title (simplified) is in the normalized text, whatever script the file uses.
    title = EXPECTED[path.name]["meta"].get("title")
    if title:
        assert title in doc.text
    assert doc.tables == []  # plain text is passed through: rebuilding tables is the parser's job


def test_traditional_seed_is_simplified_and_keeps_its_original() -> None:
    doc = normalize((SEEDS / "000_642ff1a02613d8d6.txt").read_bytes(), "id")
    assert "政府信息公開工作報告" in doc.original_text
    assert "政府信息公开工作报告" in doc.text and "公開" not in doc.text
    # The seed's flattened table rows survive line by line.
    assert "行政处罚 | 62 |" in doc.text


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real(path) -> None:
    doc = normalize(path.read_bytes(), "id", filename=path.name)
    assert doc.traditional is False and doc.encoding == "utf-8"
    assert "政府信息公开" in doc.text
    if path.suffix == ".html":
        assert doc.format == "html"
        assert not re.search(r"</?[a-zA-Z][a-zA-Z0-9:]*[\s/>]", doc.text)  # no markup left
        assert len(doc.tables) >= 3
        for table in doc.tables:  # each table is a rectangular grid rendered inline, row by row
            width = len(table.rows[0])
            assert all(len(row) == width for row in table.rows)
            assert " | ".join(table.rows[-1]) in doc.text
    else:
        assert doc.format == "text"


def test_text_with_stray_markup_stays_text() -> None:
    # This crawl holds Word's "<!--[if !supportLists]-->" comments inside plain text: still text.
    doc = normalize((REAL / "2021_pingtan_czj.txt").read_bytes(), "id")
    assert doc.format == "text" and "<!--[if" in doc.text


@pytest.mark.parametrize("path", [p for p in SEED_FILES if not EXPECTED[p.name]["meta"]["traditional"]],
                         ids=lambda p: p.name)
@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_gb_encodings_match_utf8(path, codec) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:  # a character outside GBK: keep the lines that fit
        text = "\n".join(line for line in text.split("\n") if _fits(line, codec))
        data = text.encode(codec)
    reference = normalize(text.encode("utf-8"), "id")
    doc = normalize(data, "id")
    assert doc.encoding == "gb18030"  # GBK/GB2312 detections decode as their superset
    assert doc.text == reference.text


def _fits(line: str, codec: str) -> bool:
    try:
        line.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def test_big5_traditional_seed_matches_utf8() -> None:
    text = (SEEDS / "000_642ff1a02613d8d6.txt").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.split("\n") if _fits(line, "big5"))
    assert len(text) > 2000  # most of the report fits Big5
    reference = normalize(text.encode("utf-8"), "id")
    doc = normalize(text.encode("big5"), "id")
    assert doc.encoding == "big5" and doc.traditional
    assert doc.text == reference.text and doc.original_text == reference.original_text
    assert "聊城市城市管理局2021年度政府信息公开工作报告" in doc.text


@pytest.mark.parametrize("bom_codec,name", [("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("utf-32", "utf-32")])
def test_bom_is_respected(bom_codec, name) -> None:
    text = (SEEDS / "002_2dc0b5ebceb3839d.txt").read_text(encoding="utf-8")
    doc = normalize(text.encode(bom_codec), "id")
    assert doc.encoding == name
    assert doc.text == normalize(text.encode("utf-8"), "id").text
    assert not doc.text.startswith("\ufeff")


def _page(charset: str, body: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"</head><body><p>{body}</p></body></html>")


BODY = "烟台市芝罘区发展和改革局2020年政府信息公开工作年度报告，本年新收申请12件。"


def test_declared_gb2312_but_really_utf8() -> None:
    doc = normalize(_page("gb2312", BODY).encode("utf-8"), "id")
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert BODY in doc.text


def test_declared_gb2312_really_gbk() -> None:
    doc = normalize(_page("gb2312", BODY).encode("gbk"), "id")
    assert doc.encoding == "gb18030" and BODY in doc.text


def test_declared_big5_really_big5() -> None:
    body = "聊城市城市管理局政府信息公開工作報告，本年新收申請12件。"
    doc = normalize(_page("big5", body).encode("big5"), "id")
    assert doc.encoding == "big5"
    assert body in doc.original_text


def test_declared_latin1_but_really_gb18030() -> None:
    doc = normalize(_page("iso-8859-1", BODY * 3).encode("gb18030"), "id")
    assert doc.encoding == "gb18030" and BODY in doc.text


def test_content_type_charset_used_when_detection_agrees() -> None:
    data = BODY.encode("gb18030") * 5
    doc = normalize(data, "id", content_type="text/plain; charset=GBK")
    assert doc.encoding == "gb18030" and BODY in doc.text


def test_metadata_passed_through() -> None:
    doc = normalize(BODY.encode(), "abc", filename="r.txt", source_url="http://example.gov.cn/r.txt")
    assert (doc.id, doc.filename, doc.source_url) == ("abc", "r.txt", "http://example.gov.cn/r.txt")
