"""HTML extraction: span expansion, inline rendering, noise removal, tables written by scripts, deep nesting."""
from __future__ import annotations

import pytest

from services.parse.normalize import normalize
from shared.errors import ProcessingError


def _html(body: str) -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>标题页</title></head><body>{body}</body></html>".encode()


SPAN_TABLE = """
<table border=1>
  <tr><td rowspan="2">A</td><td colspan="2">B</td><td>C</td></tr>
  <tr><td>d</td><td>e</td><td rowspan="2">F</td></tr>
  <tr><td>g</td><td colspan="2">H</td></tr>
  <tr><th>i</th><td></td><td>k</td><td>l</td></tr>
</table>"""


def test_rowspan_colspan_grid() -> None:
    doc = normalize(_html("<p>前文</p>" + SPAN_TABLE + "<p>后文</p>"), "id")
    assert [t.rows for t in doc.tables] == [[
        ["A", "B", "B", "C"],
        ["A", "d", "e", "F"],
        ["g", "H", "H", "F"],
        ["i", "", "k", "l"],
    ]]
    # Rendered inline, at its position, one line per row; the empty cell stays an empty string.
    lines = doc.text.split("\n")
    start = lines.index("A | B | B | C")
    assert lines[start - 1] == "前文" and lines[start + 4] == "后文"
    assert lines[start + 3] == "i |  | k | l"


def test_thead_tbody_and_spans_past_row_end() -> None:
    html = """<table><thead><tr><th colspan=3>申请人情况</th></tr></thead>
      <tbody><tr><td rowspan=3>总计</td><td>1</td><td>2</td></tr><tr><td>3</td></tr><tr></tr></tbody></table>"""
    (table,) = normalize(_html(html), "id").tables
    assert table.rows == [["申请人情况"] * 3, ["总计", "1", "2"], ["总计", "3", ""], ["总计", "", ""]]


def test_cell_text_joins_wrapped_lines_and_folds_width() -> None:
    html = ("<table><tr><td>本年新<br/>制作数量</td><td><p>商业</p><p>企业</p></td></tr>"
            "<tr><td>１２</td><td>３，４５６</td></tr></table>")
    (table,) = normalize(_html(html), "id").tables
    assert table.rows == [["本年新制作数量", "商业企业"], ["12", "3,456"]]


def test_blocks_become_lines_and_noise_is_dropped() -> None:
    body = """<nav><a href='/'>首页</a><a>政务公开</a></nav><div class="mainNav">导航栏目</div>
    <div><h1>某局2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>正文<span>内联</span>继续<br>换行</p>
    <script>var x = "不要脚本";</script><style>.a{color:red}</style><form><input value="搜索词"></form></div>"""
    doc = normalize(_html(body), "id")
    lines = doc.text.split("\n")
    assert "标题页" not in doc.text  # <head> is metadata, <title> included
    assert "某局2023年政府信息公开工作年度报告" in lines and "一、总体情况" in lines
    assert "正文内联继续" in lines and "换行" in lines
    for noise in ("首页", "导航栏目", "不要脚本", "color", "搜索词"):
        assert noise not in doc.text


def test_layout_table_is_walked_into_and_inner_table_kept() -> None:
    html = """<table><tr><td><p>报告正文第一段</p>
      <table><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>3</td></tr></table>
      <p>报告正文第二段</p></td></tr></table>"""
    doc = normalize(_html(html), "id")
    assert [t.rows for t in doc.tables] == [[["规章", "0"], ["行政规范性文件", "3"]]]
    assert doc.text.split("\n") == ["报告正文第一段", "规章 | 0", "行政规范性文件 | 3", "报告正文第二段"]


def test_table_written_by_script_is_extracted() -> None:
    script = r"""<script type="text/javascript">
      var html = '<table border="1"><tr><td colspan="2">第二十条第（一）项</td></tr>';
      html += '<tr><td>规章</td>' + "<td>5<\/td><\/tr>";
      html += '<tr><td>\u884c\u653f\u89c4\u8303\u6027\u6587\u4ef6</td><td>7</td></tr></table>';
      document.getElementById("zoom").innerHTML = html;
      $("#xggj").remove();
    </script>"""
    doc = normalize(_html("<p>二、主动公开政府信息情况</p>" + script + "<p>三、收到和处理</p>"), "id")
    assert [t.rows for t in doc.tables] == [[["第二十条第(一)项"] * 2, ["规章", "5"], ["行政规范性文件", "7"]]]
    lines = doc.text.split("\n")
    i = lines.index("规章 | 5")
    assert lines[i - 2] == "二、主动公开政府信息情况" and lines[i + 2] == "三、收到和处理"
    assert "xggj" not in doc.text and "getElementById" not in doc.text


def test_script_without_table_contributes_nothing() -> None:
    doc = normalize(_html("<p>正文</p><script>var t = '<b>粗体</b>'; var s = 'tablet';</script>"), "id")
    assert doc.text == "正文"


@pytest.mark.parametrize("depth", [100_000])
def test_deeply_nested_markup(depth: int) -> None:
    html = "<html><body><p>开头</p>" + "<div>" * depth + "深处的文字" + "</div>" * depth + \
           "<table><tr><td>规章</td><td>1</td></tr><tr><td>文件</td><td>2</td></tr></table><p>结尾</p></body></html>"
    try:
        doc = normalize(html.encode(), "id")
    except ProcessingError as exc:
        assert exc.code == "html_too_deep"
        return
    assert "深处的文字" in doc.text and "结尾" in doc.text
    assert [t.rows for t in doc.tables] == [[["规章", "1"], ["文件", "2"]]]


def test_deeply_nested_unclosed_font_tags() -> None:
    html = "<html><body>" + "<font>字" * 50_000 + "<p>结尾</p></body></html>"
    doc = normalize(html.encode(), "id")
    assert doc.text.count("字") == 50_000 and doc.text.endswith("结尾")


def test_huge_colspan_is_bounded() -> None:
    html = "<table><tr><td colspan=99999999>a</td></tr><tr><td>b</td><td>c</td></tr></table>"
    (table,) = normalize(_html(html), "id").tables
    assert len(table.rows[0]) == 1000 and table.rows[1][:2] == ["b", "c"]


def test_markup_without_text_is_an_error() -> None:
    with pytest.raises(ProcessingError) as exc:
        normalize(b"<html><body><script>var a=1;</script><img src='x.png'></body></html>", "id")
    assert exc.value.code == "no_text"


def test_fragment_announced_as_html() -> None:
    data = "年度报告\n<p>一、总体情况</p><p>正文<br>第二行</p><p>二、主动公开</p><p>结尾</p>".encode()
    as_html = normalize(data, "id", content_type="text/html; charset=utf-8")
    assert as_html.format == "html" and as_html.text.split("\n") == ["年度报告", "一、总体情况", "正文", "第二行",
                                                                      "二、主动公开", "结尾"]
    assert normalize(data, "id").format == "text"  # without the hint, text with a few tags in it stays text


def test_empty_rows_dropped() -> None:
    html = "<table><tr><td>规章</td><td>1</td></tr><tr><td>&nbsp;</td><td> </td></tr><tr><td>文件</td><td>2</td></tr></table>"
    assert normalize(_html(html), "id").tables[0].rows == [["规章", "1"], ["文件", "2"]]


def _page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


_BODY_WITHOUT_TITLE = ("<p>本报告根据《中华人民共和国政府信息公开条例》编制。</p>"
                       "<p>一、总体情况</p><p>2023年，本局全年共收到信息公开申请7件。</p>")


@pytest.mark.parametrize("page_title", [
    "沭阳县发展和改革局2023年政府信息公开工作年度报告_沭阳县人民政府",
    "沭阳县人民政府网 - 沭阳县发展和改革局2023年政府信息公开工作年度报告",
    "沭陽縣發展和改革局2023年政府信息公開工作年度報告|沭陽縣人民政府",  # traditional, pipe separator
])
def test_page_title_is_the_title_when_the_body_has_none(page_title: str) -> None:
    from services.parse.parser import parse
    doc = normalize(_page(page_title, _BODY_WITHOUT_TITLE), "t" * 64, filename="r.html")
    meta = parse(doc).meta
    assert meta.title == "沭阳县发展和改革局2023年政府信息公开工作年度报告"
    assert meta.agency == "沭阳县发展和改革局" and meta.year == 2023


def test_body_title_wins_and_a_site_only_page_title_is_ignored() -> None:
    from services.parse.parser import parse
    body = "<h1>某某镇人民政府2022年政府信息公开工作年度报告</h1>" + _BODY_WITHOUT_TITLE
    assert parse(normalize(_page("别的标题_政府信息公开年报", body), "u" * 64)).meta.title == \
        "某某镇人民政府2022年政府信息公开工作年度报告"
    assert parse(normalize(_page("沭阳县人民政府 - 首页", _BODY_WITHOUT_TITLE), "v" * 64)).meta.title is None
