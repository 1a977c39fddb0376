"""Character clean-up and the traditional/simplified decision."""
from __future__ import annotations

import timeit

import pytest

from services.parse.normalize import chinese, normalize
from services.parse.normalize.textnorm import normalize_cell, normalize_text
from tests.paths import SEEDS


@pytest.mark.parametrize("raw,expected", [
    ("本年新收申请１２件，占比９８．５％", "本年新收申请12件，占比98.5%"),   # digits, %, full stop in a number
    ("（一）予以公开：３件", "(一)予以公开:3件"),                        # structural brackets and colon
    ("１，２３４件，其中", "1,234件，其中"),                              # comma folded only between digits
    ("规章｜１｜０", "规章|1|0"),
    ("信息、公开。《条例》“三安全一稳定”", "信息、公开。《条例》“三安全一稳定”"),  # Chinese punctuation kept
    ("ＡＢＣ　ｘｙｚ", "ABC xyz"),                                       # letters; ideographic space → space
    ("a\u00a0b\u200bc\ufeffd", "a bcd"),                                # nbsp → space; zero-width removed
    ("结 果 维 持", "结果维持"),                                          # spaced-out label collapsed
    ("总　　计 | 1 0 0", "总计 | 1 0 0"),                                # numbers keep their gaps
    ("结果 维持 纠正", "结果 维持 纠正"),                                 # word boundaries (columns) kept
    ("2022年度 政府信息", "2022年度 政府信息"),
    ("行 政 复 议    行 政 诉 讼", "行政复议    行政诉讼"),                # a wide gap still separates columns
    ("line one  \r\nline two\t\rthree", "line one\nline two\nthree"),   # CRLF/CR, trailing blanks
    ("page1\x0cpage2", "page1\npage2"),
])
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_leading_layout_kept() -> None:
    assert normalize_text("    规章            1          0        11") == "    规章            1          0        11"


@pytest.mark.parametrize("raw,expected", [
    ("商业企\n业", "商业企业"),
    ("结 果\n维持", "结果维持"),
    ("三、\n 本年度", "三、本年度"),
    ("  1 0 0 \n", "1 0 0"),
    ("a|b", "a/b"),
    ("３，４５６", "3,456"),
])
def test_normalize_cell(raw: str, expected: str) -> None:
    assert normalize_cell(raw) == expected


def test_traditional_detection() -> None:
    traditional = (SEEDS / "000_642ff1a02613d8d6.txt").read_text(encoding="utf-8")
    simplified = (SEEDS / "001_5a46c2b8c80e9869.txt").read_text(encoding="utf-8")
    assert chinese.is_traditional(traditional)
    assert not chinese.is_traditional(simplified)
    # A simplified page with a "繁體版" link and a traditional name is still simplified.
    assert not chinese.is_traditional(simplified + "\n繁體版 國")
    assert chinese.is_traditional("政府資訊公開工作報告，本機關處理申請。")


def test_simplified_conversion_keeps_numbers_and_rows() -> None:
    doc = normalize("行政處罰 | 62 | ||\n總計 1 0 0\n".encode(), "id")
    assert doc.traditional and doc.text == "行政处罚 | 62 | ||\n总计 1 0 0"
    assert doc.original_text == "行政處罰 | 62 | ||\n總計 1 0 0\n"


def test_traditional_html_tables_are_simplified_too() -> None:
    html = ("<html><body><p>政府資訊公開年度報告</p><table><tr><td>行政處罰</td><td>６２</td></tr>"
            "<tr><td>總計</td><td>６２</td></tr></table></body></html>")
    doc = normalize(html.encode("big5"), "id")
    assert doc.traditional and doc.encoding == "big5"
    assert doc.tables[0].rows == [["行政处罚", "62"], ["总计", "62"]]
    assert "行政处罚 | 62" in doc.text


def test_plain_text_normalize_is_fast() -> None:
    # The budget is ~2 ms per report for normalize + parse; normalize of a 10 KB seed takes ~0.2 ms. The bound
    # here is loose (shared CI machine) and only catches a per-character Python loop creeping back in.
    data = (SEEDS / "001_5a46c2b8c80e9869.txt").read_bytes()
    normalize(data, "id")
    per_doc = min(timeit.repeat(lambda: normalize(data, "id"), number=20, repeat=3)) / 20
    assert per_doc < 0.005
