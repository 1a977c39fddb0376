"""Meta and prose on the long tail of sites (issue 15): a city's or county's own report titled with
the place only, words and digits broken across lines (Sanming pages), headings broken after "、",
a whole report on one line (Pingtan pages). Snippets are hand-made in the layouts of
shared/corpus/wild-dev; the last tests read the wild-dev files themselves."""
from __future__ import annotations

import hashlib
import json
import random

import pytest

from services.parse.normalize import normalize
from services.parse.parser import _fill_meta, parse
from services.parse.parser.figures import figures
from services.parse.parser.region import find_region, is_place, level, place_at
from services.parse.parser.regions import find_regions
from services.parse.parser.sections import find_headings
from services.parse.parser.text import clean, join_labels, prose_breaks, repair_prose
from services.validate.rules.narrative import check_narrative
from shared.record import Meta
from tests.parse_support import doc_of, text_doc
from tests.paths import SHARED
from tests.synth import generate
from tests.validate_factory import record as factory_record

WILD = SHARED / "corpus" / "wild-dev"
SIX = ("一、总体情况\n略。\n二、主动公开政府信息情况\n略。\n三、收到和处理政府信息公开申请情况\n略。\n"
       "四、政府信息公开行政复议、行政诉讼情况\n略。\n五、存在的主要问题及改进情况\n略。\n六、其他需要报告的事项\n无。")


def _prose_read(text: str):
    """(meta, section numbers, figures) of `text` through normalize and the parse steps that read
    prose, without the tables (the parse stage's own order: meta from `clean`, the rest from
    `join_labels`)."""
    return _read(text_doc(text).text)


def _read(normalized: str):
    m = Meta()
    _fill_meta(m, clean(normalized))
    joined = join_labels(clean(normalized))
    heads = find_headings(joined)
    return m, heads, figures(joined, heads)


def _meta(text: str):
    return _prose_read(text)[0]


# --- 1. a report titled with the place only is its people's government's ------------------------
@pytest.mark.parametrize("title,agency,region,lvl", [
    ("三明市2021年政府信息公开工作年度报告", "三明市人民政府", ("福建省", "三明市", None), "city"),
    ("宁化县2022年政府信息公开工作年度报告", "宁化县人民政府", ("福建省", "三明市", "宁化县"), "county"),
    ("洪泽区2023年政府信息公开工作年度报告", "洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "county"),
    ("淮安市洪泽区2024年政府信息公开工作年度报告", "淮安市洪泽区人民政府", ("江苏省", "淮安市", "洪泽区"), "county"),
    ("永安市2021年度政府信息公开工作年度报告", "永安市人民政府", ("福建省", "三明市", "永安市"), "county"),
    ("福建省2021年政府信息公开工作年度报告", "福建省人民政府", ("福建省", None, None), "province"),
    ("2021年三明市政府信息公开工作年度报告", "三明市人民政府", ("福建省", "三明市", None), "city"),
    # not a bare place: kept as printed
    ("三明市财政局2021年政府信息公开工作年度报告", "三明市财政局", ("福建省", "三明市", None), "city"),
    ("三明市人民政府2021年政府信息公开工作年度报告", "三明市人民政府", ("福建省", "三明市", None), "city"),
    ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", ("福建省", "平潭综合实验区", None), "city"),
    ("平潭综合实验区财政金融局2022年度政府信息公开工作年度报告", "平潭综合实验区财政金融局",
     ("福建省", "平潭综合实验区", None), "city"),
])
def test_place_only_title_is_the_peoples_government(title, agency, region, lvl):
    for text in (f"{title}\n{SIX}", f"标题：{title}\n发布时间：\n正文：\n{SIX}"):
        m = _meta(text)
        assert (m.title, m.agency, m.level) == (title, agency, lvl)
        assert (m.region.province, m.region.city, m.region.county) == region


def test_ocr_misread_place_only_title():
    m = _meta(f"沐阳县2025年政府信息公开工作年度报告\n{SIX}")
    assert (m.agency, m.level, m.region.county) == ("沭阳县人民政府", "county", "沭阳县")


def test_is_place_and_place_at():
    assert is_place("三明市") and is_place("淮安市洪泽区") and is_place("上海市") and is_place("上海市浦东新区")
    assert not is_place("三明市财政局") and not is_place("平潭综合实验区") and not is_place("三明")
    assert not is_place("县") and not is_place(None)
    assert place_at("现公布三明市人民政府") == 3 and place_at("制定莆田市科学技术局") == 2
    assert place_at("平潭综合实验区自然资源与生态环境局") == 0 and place_at("我局") is None
    assert level("三明市人民政府", find_region("三明市人民政府")) == "city"


# --- 2. words and digits broken across lines ------------------------------------------------------
SANMING_HEAD = (
    "根据新修订的《中华人民共和国政府信息公开条例》规定，现公布\n三明\n市人民政府20\n21\n"
    "年政府信息公开工作年度报告。本报告由总体情况\n、\n主动公开政府信息情况组成，内容涵盖\n三明\n市\n人民\n"
    "政府20\n21\n年1月1日至12月31日期间的政府信息公开工作情况。\n（\n对本报告有疑问，请联系三明市人民政府办公室，\n"
    "联系电话：0598—\n8231086\n。）\n")
SANMING_BODY = (
    "一、总体情况\n202\n1\n年，全\n市\n对外公开规章\n1\n件，规范性文件\n507\n件；行政许可、行政处罚处理决定数量\n"
    "分别为\n554782\n项、\n244523\n项；\n行政事业性收费\n4\n1994万元。\n"
    "全\n市\n共受理政府信息公开申请\n30\n2\n件，上年结转\n1\n件。\n"
    "二、主动公开政府信息情况\n略。\n三、收到和处理政府信息公开申请情况\n略。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n略。\n五、存在的主要问题及改进情况\n略。\n六、\n其他需要报告的事项\n无。\n"
    "三明\n市人民政府\n202\n2\n年\n3\n月\n7\n日\n")


def test_repair_prose_joins_numbers_dates_and_counts():
    assert repair_prose("现公布\n三明\n市人民政府20\n21\n年政府") == "现公布\n三明\n市人民政府2021年政府"
    assert repair_prose("一、总体情况\n202\n1\n年，") == "一、总体情况\n2021年，"  # a year keeps its line
    assert repair_prose("规章\n1\n件，规范性文件\n507\n件；") == "规章1件，规范性文件507件；"
    assert repair_prose("分别为\n554782\n项、\n244523\n项") == "分别为554782项、244523项"
    assert repair_prose("受理申请\n30\n2\n件") == "受理申请302件"  # a count in pieces, its unit on its own line
    assert repair_prose("期限为\n2023\n年\n1\n月\n1\n日到\n2023\n年\n12\n月\n31\n日") == \
        "期限为\n2023年1月1日到\n2023年12月31日"
    assert repair_prose("联系电话：0598—\n8231086\n，") == "联系电话：0598—8231086\n，"


@pytest.mark.parametrize("text", [
    "规章\n0\n0\n5\n规范性文件\n1\n2\n3\n",            # one cell per line: digits on separate lines are cells
    "总计\n1\n60\n0\n0\n2\n0\n0\n1\n62\n四、结转下年度继续办理\n0\n0\n",
    "2023 年", "3.\n5件", "年\n13\n月", "第\n32\n日", "5\n2\n0\n1\n年",  # no date, no year: left alone
    "政府集中采购\n2\n8620000元\n",  # two cells, the second with its unit: never one number
    "行政事业性收费\n4\n1994万元。",  # the same shape in prose (Sanming): left alone, no figure rather than a wrong one
    "行政事业性收费\n6456000元\n",  # a cell with its unit on a line of its own keeps its line
])
def test_repair_prose_leaves_cells_and_non_numbers(text):
    assert repair_prose(text) == text


def test_meta_and_figures_read_through_breaks_without_a_title_line():
    rec = parse(text_doc(SANMING_HEAD + SANMING_BODY))  # the whole parse stage, once
    m = rec.meta
    assert (m.title, m.agency, m.year, m.published) == (
        "三明市人民政府2021年政府信息公开工作年度报告", "三明市人民政府", 2021, "2022-03-07")
    assert (m.region.province, m.region.city, m.level) == ("福建省", "三明市", "city")
    figs = {(f.label, f.value, f.unit) for f in rec.figures}
    assert {("对外公开规章", 1, "件"), ("规范性文件", 507, "件"),
            ("受理政府信息公开申请", 302, "件"), ("上年结转", 1, "件")} <= figs
    assert not {f for f in figs if f[0].endswith("收费")}  # "4\n1994万元": left alone
    assert all(f.section == 1 for f in rec.figures)
    assert [s.no for s in rec.sections] == [1, 2, 3, 4, 5, 6]


def test_year_from_a_broken_period_and_published_from_a_broken_signature():
    text = ("本年度报告中所列数据统计期限为\n2023\n年\n1\n月\n1\n日到\n2023\n年\n12\n月\n31\n日。\n" + SIX
            + "\n三明\n市人民政府\n202\n4\n年\n3\n月\n6\n日")
    m = _meta(text)
    assert (m.year, m.published) == (2023, "2024-03-06")


def test_narrative_check_reads_counts_broken_across_lines():
    """收到…申请N件 with N broken over lines, in a city government's report (全市 is its own)."""
    (f,) = check_narrative(factory_record(s1="2021年，全\n市\n共受理政府信息公开申请\n1\n2\n件。",
                                          agency="三明市人民政府"))
    assert (f.where, f.actual) == ("applications.new_received.total", 12)


def test_prose_repair_never_joins_table_cells():
    """The table readers never see the repaired text (they read `join_labels`); and even in it, on
    generated reports of every layout (one cell per line among them), no break between two numbers
    inside a table's region is dropped: the repair cannot merge two cells."""
    for rep in generate(300, 7, layouts=("lines", "tabs")):
        data = rep.data
        doc = normalize(data, hashlib.sha256(data).hexdigest(), filename=rep.filename)
        joined = join_labels(clean(doc.text))
        reg = find_regions(joined, find_headings(joined))
        tables = [r for r in (reg.ad, reg.app, reg.rl) if r]
        for s, e in prose_breaks(joined):
            between_digits = joined[s - 1].isdigit() and joined[e].isdigit()
            assert not (between_digits and any(a <= s < b for a, b in tables)), (rep.filename, joined[s - 20:e + 20])


# --- 3. headings broken after "、", a whole report on one line ----------------------------------
def test_heading_broken_after_the_numeral():
    text = "一、\n总体情况\n甲。\n二、\n主动公开政府信息情况\n乙。\n六、\n其他需要报告的事项\n无。"
    rec = parse(text_doc(text))  # no table: the parse is quick
    assert [(s.no, s.title, s.text) for s in rec.sections] == [
        (1, "总体情况", "甲。"), (2, "主动公开政府信息情况", "乙。"), (6, "其他需要报告的事项", "无。")]


ONE_LINE_BODY = (
    "本报告根据《中华人民共和国政府信息公开条例》编制而成。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    "如对本报告有任何疑问，请与平潭综合实验区管委会办公室联系。 一、总体情况 2023年，全区共主动公开政府信息13561条。"
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
    "行政事业性收费0.5万元"
    "三、收到和处理政府信息公开申请情况申请人情况自然人总计一、本年新收政府信息公开申请数量9000009"
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼000000000000000"
    "五、存在的主要问题及改进情况一是部分单位信息发布属性界定还不够精确。"
    "六、其他需要报告的事项2023年，无收取信息处理费情况。")


def test_whole_report_on_one_line():
    header = ("标题: 平潭综合实验区2023年度政府信息公开工作年度报告\n发布时间: 2024-03-08 15:34\n文号: \n"
              "原文链接: https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm\n"
              "==================== 正文 ====================\n")
    for text in (header + ONE_LINE_BODY, header.replace("\n", " ") + ONE_LINE_BODY):
        m, heads, figs = _prose_read(text)
        assert (m.title, m.agency, m.year, m.published) == (
            "平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", 2023, "2024-03-08")
        assert (m.region.province, m.region.city, m.level) == ("福建省", "平潭综合实验区", "city")
        assert [h.no for h in heads] == [1, 2, 3, 4, 5, 6]
        assert heads[2].title == "收到和处理政府信息公开申请情况"  # after "万元三、…"
        assert ("主动公开政府信息", 13561, "条") in {(f.label, f.value, f.unit) for f in figs}


def test_title_inside_running_text():
    text = "当前位置： 首页政务公开 莆田市林业局2020年度政府信息公开工作年度报告 来源： 时间：2021-01-11 " + ONE_LINE_BODY
    m = _meta(text)
    assert (m.title, m.agency, m.year) == ("莆田市林业局2020年度政府信息公开工作年度报告", "莆田市林业局", 2020)


def test_published_from_the_page_address_when_nothing_else_dates_it():
    text = ("标题：三明市2023年政府信息公开工作年度报告\n发布时间：\n"
            "原始链接：https://www.sm.gov.cn/smsrmzfbgs/smsrmzf/zfxxgkndbg/202403/t20240306_2006885.htm\n" + SIX)
    assert _meta(text).published == "2024-03-06"
    # a page address years later (a re-published page) is not the report's date
    assert _meta(text.replace("t20240306", "t20260306")).published is None


# --- the wild-dev files ---------------------------------------------------------------------------
MANIFEST = json.loads((WILD / "manifest.json").read_text(encoding="utf-8")) if WILD.exists() else []
PUBLISHED = {  # the signature date, else the page's 发布时间, else the date in the page's address
    "2019_putian_city.txt": "2020-03-05", "2020_pingtan_zrz.txt": "2021-01-21",
    "2020_putian_lyj.txt": "2021-01-08", "2021_sanming_city.txt": "2022-03-07",
    "2022_putian_kjj.txt": "2023-01-12", "2023_pingtan_region.txt": "2024-03-08",
    "2023_sanming_city.txt": "2024-03-06", "2024_putian_wlj.txt": "2025-01-20",
}


@pytest.mark.parametrize("item", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_wild_dev_meta(item):
    m, heads, _ = _read(doc_of(WILD / item["file"]).text)
    assert (m.agency, m.year, m.region.province, m.region.city) == (
        item["agency"], item["year"], item["province"], item["city"])
    assert m.level == "city"  # city bodies, city governments and the zone (a prefecture-level area)
    assert m.published == PUBLISHED[item["file"]]
    assert [h.no for h in heads] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("item", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_wild_dev_meta_without_the_page_header_or_on_one_line(item):
    """The same report as a page with everything on one line keeps its meta; the body without the
    crawl's header keeps year and region (agency where the body prints the title)."""
    raw = (WILD / item["file"]).read_text(encoding="utf-8", errors="replace").replace("\r", "")
    m = _meta(raw.replace("\n", ""))
    assert (m.agency, m.year, m.region.city) == (item["agency"], item["year"], item["city"])
    body = raw.split("正文", 1)[1].split("\n", 1)[1]
    m = _meta(body)
    assert (m.year, m.region.province, m.region.city) == (item["year"], item["province"], item["city"])


def test_random_line_breaks_inside_prose_numbers_keep_figures():
    """Breaking every number of a prose sentence at a random digit keeps the figures' values."""
    rng = random.Random(3)
    base = "一、总体情况\n全年共收到政府信息公开申请{a}件，主动公开政府信息{b}条，发布政策解读{c}篇。"
    for _ in range(30):
        a, b, c = rng.randint(10, 999), rng.randint(10, 99999), rng.randint(10, 999)

        def broken(n: int) -> str:
            s = str(n)
            i = rng.randint(1, len(s) - 1)
            return f"\n{s[:i]}\n{s[i:]}\n"
        _, _, figs = _prose_read(base.format(a=broken(a), b=broken(b), c=broken(c)))
        got = {(f.label, f.value) for f in figs}
        assert {("收到政府信息公开申请", a), ("主动公开政府信息", b), ("发布政策解读", c)} <= got
