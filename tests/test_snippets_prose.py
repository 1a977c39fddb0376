"""services/search/query.py: snippets from prose — which highlight fragments are sentences, which are
table text (cells on their own lines, " | " rows, PDF columns)."""
from __future__ import annotations

from services.search.query import is_prose, prose_first, tidy_table_fragment, trim_prose

DEBRIS = "处理决定数量\n\n<mark>行政许可</mark>\n\n6\n\n其他\n\n0"
ROW = "（一）予以公开 | <mark>行政许可</mark> | 6 | 0 | 0"
COLUMNS = "103          0        0         0        0         0    103\n\n\n     四、政府信息公开<mark>行政复议</mark>"
PROSE = "本年度未发生因政府信息公开引起的<mark>行政复议</mark>、行政诉讼案件。"
WRAPPED = "政府信息公开<mark>行政复议</mark> 351\n件，其中结果维持 72 件，结果纠正 64 件"


def test_table_text_is_not_prose() -> None:
    for frag in (DEBRIS, ROW, COLUMNS, "<mark>行政许可</mark>"):
        assert not is_prose(frag), frag
    # HTML-escaped markup is not punctuation: "&lt;" holds a ";" but is no sentence.
    assert not is_prose("测试县&lt;script&gt;window.__xss=1&lt;&#x2F;script&gt;人民政府<mark>政府信息公开</mark>工作年度报告")


def test_sentences_are_prose_even_wrapped() -> None:
    assert is_prose(PROSE)
    assert is_prose(WRAPPED)
    assert trim_prose(WRAPPED) == "政府信息公开<mark>行政复议</mark> 351件，其中结果维持 72 件，结果纠正 64 件"
    # The heading a fragment runs into is dropped.
    assert trim_prose("、行政诉讼情况\n\n" + PROSE) == PROSE


def test_prose_first_prefers_prose_and_falls_back_to_tidied_tables() -> None:
    assert prose_first([DEBRIS, PROSE, ROW, WRAPPED]) == [PROSE, trim_prose(WRAPPED)]
    assert prose_first([DEBRIS, ROW]) == ["处理决定数量 | <mark>行政许可</mark> | 6 | 其他 | 0", ROW]
    assert tidy_table_fragment(COLUMNS) == "103 | 0 | 0 | 0 | 0 | 0 | 103 | 四、政府信息公开<mark>行政复议</mark>"
    assert len(prose_first([PROSE] * 5)) == 3
    assert prose_first([]) == []
