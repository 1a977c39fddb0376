"""NARRATIVE_MISMATCH: counts stated in the prose vs the table (new_received.total 6, carried over 1,
review total 2, litigation 0 in the factory record). Precision first: the negative cases matter."""
from __future__ import annotations

import pytest

from services.validate.rules.narrative import check_narrative, sentences, statements
from tests.validate_factory import record


def rules_for(s1: str = "", s3: str = "", s4: str = "", **kw) -> list:
    return check_narrative(record(s1=s1, s3=s3, s4=s4, **kw))


# --- positives -----------------------------------------------------------------------------------

def test_received_count_differs_from_table():
    (f,) = rules_for(s1="2021年,我局收到政府信息公开申请4件,与2020年相比基本持平。")
    assert (f.rule, f.severity, f.where, f.expected, f.actual) == (
        "NARRATIVE_MISMATCH", "warning", "applications.new_received.total", 6, 4)
    zh, en = f.message.split(" / ")
    assert "2021年,我局收到政府信息公开申请4件" in zh and "6" in zh
    assert "4" in en and "6" in en


@pytest.mark.parametrize("text", [
    "全年共受理政府信息公开申请9件。",
    "本年度新收政府信息公开申请数量 9 件。",
    "全年我局共收到依申请公开9件,均按时答复。",
    "(二)依申请公开情况。定期研判,2021 年收到政府信息公开申\n请 9\n件,均已答复。",  # PDF wraps
])
def test_received_phrasings(text):
    (f,) = rules_for(s1=text)
    assert (f.where, f.actual) == ("applications.new_received.total", 9)


def test_office_acting_for_the_government_counts_as_the_report_body():
    # 2024_hongze_district: the report's own text against its own table (hand-labelled a mismatch).
    (f,) = rules_for(s1="2024年,区政府办代表区政府受理政府信息公开申请17件。", agency="某区人民政府",
                    year=2024)
    assert f.actual == 17


def test_tiao_only_with_gongkai_shenqing():
    (f,) = rules_for(s3="2023年,共收到政府信息公开申请0条。", year=2023)  # 2023_pingtan_jjf
    assert (f.expected, f.actual) == (6, 0)


def test_handled_count_compares_with_received_plus_carried_over():
    assert rules_for(s3="全年共办理政府信息公开申请7件。") == []  # 6 new + 1 carried over
    (f,) = rules_for(s3="全年共办理政府信息公开申请3件。")
    assert (f.where, f.expected, f.actual) == ("applications.total.total", 7, 3)


def test_review_and_litigation_counts():
    (f,) = rules_for(s4="本年度发生政府信息公开行政复议5件。")
    assert (f.where, f.expected, f.actual) == ("review_litigation.review.total", 2, 5)
    (f,) = rules_for(s4="因政府信息公开引发行政复议2起、行政诉讼1起。")
    assert (f.where, f.expected, f.actual) == ("review_litigation.litigation_direct.total", 0, 1)


def test_falls_back_to_record_text_without_sections():
    r = record()
    r.sections = []
    r.text = "某市交通运输局2021年政府信息公开工作年度报告\n全年收到政府信息公开申请2件。"
    (f,) = check_narrative(r)
    assert f.actual == 2


# --- negatives: what must not raise it -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2021年收到政府信息公开申请6件,与2019年相比增加4件。",          # agrees; the 4 is a change
    "与2020年相比,收到申请增加4件。",                               # a change, not a count
    "2020年,我局收到政府信息公开申请4件。",                          # another year
    "2020年收到申请4件,2021年收到申请6件。",                         # 4 belongs to 2020
    "上年度收到政府信息公开申请4件。",                              # last year
    "较上年减少4件,全年收到申请6件。",                              # 4 is a change
    "局属下属单位共收到政府信息公开申请40件。",                       # another body
    "全市共受理政府信息公开申请300件。",                             # a department's report: 全市 = others
    "各部门共收到政府信息公开申请300件。",
    "2023年,我局共制发政府信息313条,依申请公开信息数130条。",          # 条 = information items
    "收到政府信息公开申请6件,其中网络申请2件,信函申请4件。",           # subsets
    "通过网络平台收到申请3件。",                                     # channel subset
    "收到自然人申请5件。",                                           # applicant subset
    "依法予以公开申请3件。",                                         # result subset
    "截至2021年底,累计收到政府信息公开申请120件。",                   # cumulative
    "累计受理政府信息公开申请120件。",
    "全年收到政府信息公开申请20余件。",                              # approximate
    "全年收到政府信息公开申请近20件。",
    "全年公开政策文件4件,收到人大建议12件。",                         # not about applications
    "申请事项均在20个工作日内答复。",                                # no count unit
    "2021年,因政府信息公开被行政复议纠正0件,败诉0件。",               # result subsets of cases
    "依法做好行政复议、行政诉讼案件的应诉工作,共办理相关案件2件。",    # review + litigation = 2
])
def test_sentences_that_must_not_raise(text):
    assert rules_for(s1=text) == [], text


def test_whole_region_counts_for_a_government_report():
    assert rules_for(s1="2021年全区受理政府信息公开申请6件。", agency="某区人民政府", level="county") == []
    (f,) = rules_for(s1="2021年全区受理政府信息公开申请21件。", agency="某区人民政府", level="county")
    assert f.actual == 21


def test_heading_words_do_not_leak_into_next_line():
    text = "三、收到和处理政府信息公开申请情况\n本年度共公开文件4件。"
    assert statements(record(s3=text)) == []


def test_agreeing_sentence_wins_over_a_disagreeing_one():
    # Two readings of the same figure: precision first, say nothing.
    assert rules_for(s1="全年收到政府信息公开申请6件。", s3="收到政府信息公开申请4件。") == []


def test_one_finding_per_metric():
    found = rules_for(s1="收到政府信息公开申请4件。", s3="本年收到政府信息公开申请5件。")
    assert [f.actual for f in found] == [4]


def test_table_lines_are_ignored():
    assert sentences("申请 | 4件 | 5\n正文。") == ["正文"]


# --- stated zeros --------------------------------------------------------------------------------

def test_zero_applications_stated_in_words():
    (f,) = rules_for(s3="2021年我局未收到政府信息公开申请。")
    assert (f.where, f.expected, f.actual) == ("applications.new_received.total", 6, 0)


def test_zero_cases_stated_in_words():
    (f,) = rules_for(s4="本年度未发生政府信息公开行政复议、行政诉讼案件。")
    assert (f.where, f.expected, f.actual) == ("review_litigation.review.total", 2, 0)
    r = record(s4="本年度没有因政府信息公开引发的行政诉讼。")
    assert check_narrative(r) == []  # litigation is 0 in the table


@pytest.mark.parametrize("text", [
    "2020年未收到政府信息公开申请。",                # another year
    "对未收到申请人补正材料的,不再处理。",          # not "no applications"
    "未经复议直接起诉的,依法应诉。",                # not "no cases"
    "实现行政复议零纠错,无败诉案件。",               # a result, not the count
    "下属单位未收到政府信息公开申请。",              # another body
])
def test_zero_sentences_that_must_not_raise(text):
    assert rules_for(s1=text) == [], text
