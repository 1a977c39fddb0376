"""The parse building blocks on hand-written inputs: cell values, run-together splits, layouts,
ambiguity and missing-table findings, sections, figures, metadata."""
from __future__ import annotations

from services.parse.parser import parse
from services.parse.parser.cells import tokens, value_of
from services.parse.parser.region import correct_place, find_region, level
from services.parse.parser.split import resolve, splits
from services.parse.parser.text import join_labels
from shared.document import NormalizedDoc
from shared.record import APP_ROWS_2021, Region
from tests.parse_support import text_doc


# --- cells --------------------------------------------------------------------------------------
def test_null_markers_are_null_not_zero():
    for raw in ("", "/", "—", "-", "无", "不适用"):
        assert value_of(raw) is None, raw
    assert value_of("0") == 0


def test_null_marker_lines_stay_cells_when_labels_are_joined():
    # Wrapped labels are joined ("信息\n内容"), null-marker cells are not, indented or not.
    text = "行政强制\n 25\n 无\n\n 第二十条第(八)项\n 信息\n内容\n行政处罚\n 3\n\t不适用\n收费"
    got = join_labels(text.replace("\t", " "))
    assert "无\n" in got and "不适用\n" in got
    assert "信息内容" in got
    assert "无第二十条" not in got and "不适用收费" not in got


def test_units_and_signs():
    assert value_of("3168.0656(万元)", money=True) == 3168.0656
    assert value_of("251000元", money=True) == 25.1
    assert value_of("-3") == -3
    assert value_of("+1036") == 1036


def test_tokens_skip_years_numbering_and_glued_header_digits():
    seg = "| 类别 | 数据1 | 数据2 |\n| 本年新收 | 705 | 3 |"
    assert [t.value for t in tokens(seg)] == [705, 3]
    assert [t.value for t in tokens(" 0 0 1.属于国家秘密")] == [0, 0]
    assert [t.value for t in tokens(" 2021年,我局收到申请1件")] == []
    assert [t.raw for t in tokens(" 无 / 3 (四)无法提供")] == ["无", "/", "3"]


# --- run-together digits ------------------------------------------------------------------------
def _toks(s):
    return tokens(s)


def test_unique_split_of_seven_cells():
    assert splits(_toks("1000001"), 7) == [[1, 0, 0, 0, 0, 0, 1]]
    assert splits(_toks("1 0 0 0 0 01"), 7) == [[1, 0, 0, 0, 0, 0, 1]]
    assert splits(_toks("20 0 0 0 02"), 7) == [[2, 0, 0, 0, 0, 0, 2]]


def test_no_multi_digit_cell_starts_with_zero():
    assert splits(_toks("0012"), 3) == [[0, 0, 12]]


def test_ambiguous_split_lists_every_candidate():
    assert sorted(splits(_toks("5416"), 3)) == [[5, 4, 16], [5, 41, 6], [54, 1, 6]]


def test_arithmetic_picks_among_splits():
    res = resolve(_toks("12 0 0 0 0 012"), 7, lambda v: sum(v[:6]) == v[6])
    assert res.values == [12, 0, 0, 0, 0, 0, 12] and not res.candidates


def test_delimited_cells_are_never_resplit_even_when_sums_break():
    res = resolve(_toks("0 0 0 0 0 0 1"), 7, lambda v: sum(v[:6]) == v[6])
    assert res.values == [0, 0, 0, 0, 0, 0, 1]


# --- layouts through the whole parser ---------------------------------------------------------
APP_ROWS = [
    ("一、本年新收政府信息公开申请数量", [3, 0, 0, 0, 0, 0, 3]),
    ("二、上年结转政府信息公开申请数量", [0] * 7),
    ("(一)予以公开", [2, 0, 0, 0, 0, 0, 2]),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", [0] * 7),
    ("1.属于国家秘密", [0] * 7), ("2.其他法律行政法规禁止公开", [0] * 7),
    ("3.危及“三安全一稳定”", [0] * 7), ("4.保护第三方合法权益", [0] * 7),
    ("5.属于三类内部事务信息", [0] * 7), ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7), ("8.属于行政查询事项", [0] * 7),
    ("1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]), ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7), ("1.信访举报投诉类申请", [0] * 7), ("2.重复申请", [0] * 7),
    ("3.要求提供公开出版物", [0] * 7), ("4.无正当理由大量反复申请", [0] * 7),
    ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("3.其他", [0] * 7),
    ("(七)总计", [3, 0, 0, 0, 0, 0, 3]),
    ("四、结转下年度继续办理", [0] * 7),
]


def _report(row_fmt, ad_rows, rl_row) -> str:
    app = "\n".join(row_fmt(label, vals) for label, vals in APP_ROWS)
    return (
        "某某县交通运输局2022年政府信息公开工作年度报告\n一、总体情况\n全年共收到信息公开申请3件。\n"
        "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
        f"{ad_rows}\n三、收到和处理政府信息公开申请情况\n"
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) 申请人情况\n"
        f"{app}\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计\n"
        f"{rl_row}\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
    )


def _check_tables(rec):
    assert rec.meta.template == "2021"
    assert rec.applications["new_received"]["total"] == 3
    assert rec.applications["granted"]["natural_person"] == 2
    assert rec.applications["unable.not_held"]["natural_person"] == 1
    assert rec.applications["other"] == {c: 0 for c in rec.applications["other"]}
    assert list(rec.applications) == list(APP_ROWS_2021)
    assert rec.review_litigation["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert rec.active_disclosure["normative_documents"] == {"issued": 4, "repealed": 1, "in_force": 7}


def test_pipe_rows():
    text = _report(lambda label, v: label + " | " + " | ".join(map(str, v)) + " |",
                   "规章 | 0 | 0 | 0\n行政规范性文件 | 4 | 1 | 7",
                   " | ".join(["1", "0", "0", "0", "1"] + ["0"] * 10))
    _check_tables(parse(text_doc(text)))


def test_one_cell_per_line_with_blank_lines():
    text = _report(lambda label, v: label + "\n\n" + "\n".join(map(str, v)),
                   "规章\n0\n0\n0\n行政规范性文件\n\n4\n1\n7",
                   "\n".join(["1", "0", "0", "0", "1"] + ["0"] * 10))
    _check_tables(parse(text_doc(text)))


def test_run_together_web_text():
    text = _report(lambda label, v: label + "".join(map(str, v)), "规章000行政规范性文件417",
                   "100010000000000")
    rec = parse(text_doc(text.replace("\n", "")))
    _check_tables(rec)
    assert not [f for f in rec.findings if f.rule == "AMBIGUOUS_CELLS"]


def test_empty_html_cells_stay_null_with_raw_text():
    text = _report(lambda label, v: label + " | " + " | ".join("" if x == 0 else str(x) for x in v),
                   "规章 | / | / | /\n行政规范性文件 | 4 | 1 | 7", " | ".join(["1", "", "", "", "1"] + [""] * 10))
    rec = parse(text_doc(text))
    assert rec.applications["new_received"]["commercial"] is None
    assert rec.applications["new_received"]["total"] == 3
    assert rec.active_disclosure["regulations"]["issued"] is None
    assert rec.raw_cells["active_disclosure.regulations.issued"] == "/"
    assert rec.review_litigation["review"]["corrected"] is None


def test_ambiguous_run_together_row_is_reported():
    text = _report(lambda label, v: label + " " + " ".join(map(str, v)), "规章 0 0 0\n行政规范性文件3023", "0 " * 15)
    rec = parse(text_doc(text))
    amb = [f for f in rec.findings if f.rule == "AMBIGUOUS_CELLS"]
    # 30|2|3 would leave fewer in force than issued net of repeals: the record takes 3|0|23 and the
    # info finding names the other reading.
    assert rec.active_disclosure["normative_documents"] == {"issued": 3, "repealed": 0, "in_force": 23}
    assert [(f.where, f.severity, f.actual, f.expected) for f in amb] == [
        ("active_disclosure.normative_documents", "info", [3, 0, 23], [[30, 2, 3]])]


def test_arithmetic_ambiguity_in_application_row_is_resolved_and_reported():
    """'120000012' reads four ways as seven cells; only 12|0|0|0|0|0|12 has its row sum right."""
    text = _report(lambda label, v: label + " " + ("120000012" if label.startswith("一、") else " ".join(map(str, v))),
                   "规章 0 0 0\n行政规范性文件 4 1 7", "0 " * 15)
    rec = parse(text_doc(text))
    assert list(rec.applications["new_received"].values()) == [12, 0, 0, 0, 0, 0, 12]
    amb = [f for f in rec.findings if f.rule == "AMBIGUOUS_CELLS"]
    assert [f.where for f in amb] == ["applications.new_received"]
    assert amb[0].actual == [12, 0, 0, 0, 0, 0, 12] and len(amb[0].expected) == 3


def test_unknown_layout_degrades_to_missing_tables():
    rec = parse(text_doc("这不是一份年度报告。\n只有一些文字, 2021年, 共3件。"))
    missing = sorted(f.where for f in rec.findings if f.rule == "MISSING_TABLE")
    assert missing == ["active_disclosure", "applications", "review_litigation"]
    assert rec.applications == {} and rec.meta.template is None


def test_garbage_never_raises():
    for text in ("", "|||", "一、\n二、\n" * 50, "第二十条" + "0" * 500, "本年新收" + "1 " * 400):
        rec = parse(NormalizedDoc(id="x", format="text", text=text, original_text=text))
        assert rec.id == "x"


# --- sections, figures, meta -------------------------------------------------------------------
def test_sections_in_any_numbering_style():
    text = ("报告\n(一)总体情况\n甲。\n(二)主动公开政府信息情况\n乙。\n(三)收到和处理政府信息公开申请情况\n丙。\n"
            "(四)政府信息公开行政复议、行政诉讼情况\n丁。\n(五)存在的主要问题及改进情况\n戊。\n(六)其他需要报告的事项\n己。")
    rec = parse(text_doc(text))
    assert [(s.no, s.text) for s in rec.sections] == [(1, "甲。"), (2, "乙。"), (3, "丙。"),
                                                      (4, "丁。"), (5, "戊。"), (6, "己。")]
    assert rec.sections[3].title == "政府信息公开行政复议、行政诉讼情况"


def test_figures_from_narrative():
    rec = parse(text_doc("一、总体情况\n全年共收到信息公开申请7件,全年公开发布政务信息860条。"))
    figs = {(f.label, f.value, f.unit, f.section) for f in rec.figures}
    assert ("收到信息公开申请", 7, "件", 1) in figs
    assert ("公开发布政务信息", 860, "条", 1) in figs
    assert all("。" not in f.context[:-1] for f in rec.figures)


def test_meta_from_title_signature_and_source():
    text = "硚口区城管执法局2021年度政府信息公开工作年度报告\n一、总体情况\n略。\n\n硚口区城市管理执法局\n2022年1月4日"
    doc = text_doc(text, "a.txt").model_copy(update={"source_url": "http://x"})
    m = parse(doc).meta
    assert (m.agency, m.year, m.published, m.level) == ("硚口区城管执法局", 2021, "2022-01-04", "county")
    assert (m.region.province, m.region.city, m.region.county) == ("湖北省", "武汉市", "硚口区")
    assert m.agency_type == "城市管理" and m.source.filename == "a.txt" and m.source.source_url == "http://x"


def test_region_and_level_rules():
    assert level("漳浒寨街道办事处", Region()) == "township"
    assert level("某市城乡建设局", Region()) == "city"  # 城乡 is not a township
    r = find_region("平潭综合实验区财政金融局")
    assert (r.province, r.city, r.county) == ("福建省", "平潭综合实验区", None)
    assert find_region("沐阳县人民政府").province is None  # no guessing from a one-character match
    assert correct_place("沐阳县人民政府") == ("沐阳县", "沭阳县")
    assert correct_place("淮安市人民政府") is None
