"""Report metadata read from the text: title, issuing body, year covered, date published."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .region import correct_place, is_place, place_at
from .text import repair_prose

# "标题:" at a line start; the literal first and the line-start check after it (a pattern that starts
# with re.M's "^" is tried at every position).
_HEADER_TITLE = re.compile(r"标题(?<![^\n]标题)[:：][ ]*(.+)$", re.M)
_HEADER_DATE = re.compile(r"(?:发布时间|发布日期|成文日期)[:：][ ]*(\d{4})-(\d{1,2})-(\d{1,2})")
_TITLE_LINE = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,12}(?:报告|年报)")
_NOT_TITLE = re.compile(r"^(?:本报告|根据|依据|按照|为|现将|当前位置)")
_YEAR = re.compile(r"((?:19|20)\d{2})[ ]*年")
_TITLE_AGENCY = re.compile(r"^(?P<a>.+?)(?:关于)?(?:(?:19|20)\d{2})[ ]*年度?")
_YEAR_FIRST_AGENCY = re.compile(r"^(?:19|20)\d{2}年度?(?P<a>.+?)(?:政府信息公开|政务公开|信息公开)")
_BODY_ENDS = r"(?:街道办事处|办事处|人民政府|委员会|管理局|局|委|厅|办公室|办|中心|院)"
_BODY = rf"[\u4e00-\u9fff]{{2,30}}?{_BODY_ENDS}"
_BODY_END = re.compile(rf"{_BODY_ENDS}$|(?:政府|实验区|管委会|管理委员会)$")
_BY = re.compile(rf"本报告(?:由|是)(?P<a>{_BODY})(?:根据|依据|按照|依照|编制|制作|结合)")
_CONTACT = re.compile(rf"请(?:与|联系|致电)(?P<a>{_BODY})")
_SIGNATURE = re.compile(rf"(?P<a>{_BODY})[ \n]*\(?(?:19|20)\d{{2}}[ ]*年[ ]*\d{{1,2}}[ ]*月[ ]*\d{{1,2}}[ ]*日")
_DATE = re.compile(r"((?:19|20)\d{2})[ ]*年[ ]*(\d{1,2})[ ]*月[ ]*(\d{1,2})[ ]*日")
_DATE_NOT_SIGNATURE_AFTER = re.compile(r"[ ]*(?:印发|起|至|止|到|前|后|以来|期间)")
_DATE_NOT_SIGNATURE_BEFORE = re.compile(r"(?:自|至|从|到|截至|截止|于|在)[ ]*$")
_DATE_IN_PARENS = re.compile(r"\(" + _DATE.pattern + r"\)")
_PERIOD_YEAR = re.compile(r"统计期限(?:为|是|自|从)?[ \n]*((?:19|20)\d{2})[ ]*年")
# The page's own address as crawled ("原文链接: https://…/202403/t20240308_87885.htm"): content
# systems name a page after the day it was published.
_LINK_DATE = re.compile(r"(?:链接|网址|地址|URL|url)[:：][ ]*\S*?/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+\.s?html?")
# A report title inside running text (a page with no title line, a whole report on one line): the
# year, then the words up to 报告 / 年报; the body's name is the run of ideographs right before it.
# Found from its "政府信息公开" / "政务公开" (a literal start the regex engine skips ahead to), then
# the year looked for right before it.
_TITLE_TAIL = re.compile(r"(?:政府信息公开|政务公开)[\u4e00-\u9fff]{0,10}?(?:年度报告|年报|报告)")
_TITLE_YEAR = re.compile(r"(?:19|20)\d{2}[ ]*年度?[\u4e00-\u9fff]{0,30}$")
_NAME_RUN = re.compile(r"[\u4e00-\u9fff]{2,30}$")
_LEAD_VERB = re.compile(r"^(?:现予|现将|现|特|予以|特此)?(?:公布|发布|印发|编制|制定|形成|公开|报送)?")
_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff])[ ]*\n[ \n]*(?=[\u4e00-\u9fff])")
# A header title line that runs on into the next field or the report (a page on one line).
_TITLE_RUN_ON = re.compile(r"^.{4,70}?(?:报告|年报)(?=[ ]|[^\u4e00-\u9fff]|(?:发布|文号|来源|栏目|正文))")
_WS = re.compile(r"\s+")
_PAGE_TITLE_SEP = re.compile(r"[-_|—–]+")
_SITE_SUFFIX = re.compile(r"((?:报告|年报))[-_|—–].*$")  # "…年度报告-沭阳县发改局": the site's name


# Numbers and dates broken across lines ("20\n21\n年", text.repair_prose) are rejoined only where a
# field is not found as printed: the head for the title and the year, the tail for the signature.
def title(text: str) -> str | None:
    found = _title(text)
    if found is None or not _YEAR.search(found):
        fixed = repair_prose(text[:1500])
        if fixed != text[:1500]:
            found = _title(fixed) or found
    return found


def _title(text: str) -> str | None:
    m = _HEADER_TITLE.search(text[:600])
    if m:
        t = m.group(1)
        if len(t) > 70:  # the header runs on (a page on one line): up to the end of the title
            run_on = _TITLE_RUN_ON.match(t)
            t = run_on.group() if run_on else t
        return _SITE_SUFFIX.sub(r"\1", _WS.sub("", t))
    lines = _first_lines(text[:1500], 8)
    for i, ln in enumerate(lines):
        if len(ln) > 70 or _NOT_TITLE.match(ln) or not _TITLE_LINE.search(ln) \
                or "。" in ln.rstrip("。") or "报告格式" in ln:  # a sentence; the template's name
            continue
        t = _WS.sub("", ln)
        # A title broken over two lines: the body's name alone on the line above.
        if i and re.match(r"^(?:19|20)\d{2}年", t) and len(lines[i - 1]) <= 30 \
                and re.fullmatch(r"[\u4e00-\u9fff ]+", lines[i - 1]):
            t = _WS.sub("", lines[i - 1]) + t
        return t
    return _title_in_text(text[:1500])


def _title_in_text(head: str) -> str | None:
    """A title stated inside the text ("…现公布三明市人民政府2021年政府信息公开工作年度报告。"), when
    no line is one: the body's name before the year must read as a body or a place."""
    for tail in _TITLE_TAIL.finditer(head):
        window_at = max(0, tail.start() - 40)
        yr = _TITLE_YEAR.search(head, window_at, tail.start())
        if yr is None or (yr.start() > 0 and head[yr.start() - 1].isdecimal()):
            continue
        phrase = _WS.sub("", yr.group() + tail.group())
        before = _CJK_BREAK.sub("", head[max(0, yr.start() - 40):yr.start()])  # "三明\n市人民政府"
        run = _NAME_RUN.search(before)
        name = run.group() if run else ""
        at = place_at(name) if name else None
        name = name[at:] if at else _LEAD_VERB.sub("", name)
        if name and (_BODY_END.search(name) or is_place(name)):
            return name + phrase
        if not name and not before[-1:].strip("《“\"( ") and _YEAR_FIRST_AGENCY.match(phrase):
            return phrase  # "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    return None


def title_from_page(page_title: str | None) -> str | None:
    """The HTML <title> as the report's title, when it names one (without the site's suffix)."""
    if not page_title:
        return None
    # "网站名 - 标题", "标题_栏目名": the part that reads as a report title
    for t in _PAGE_TITLE_SEP.split(_WS.sub("", page_title)):
        if len(t) <= 70 and not _NOT_TITLE.match(t) and _TITLE_LINE.search(t):
            return t
    return None


def _first_lines(text: str, n: int) -> list[str]:
    """The first n non-empty lines, stripped of blanks and markdown "#" (stops there: a table in
    one-cell-per-line layout puts hundreds of lines in the first 1500 characters)."""
    out: list[str] = []
    for ln in text.split("\n"):
        ln = ln.strip().lstrip("#").strip()
        if ln:
            out.append(ln)
            if len(out) == n:
                break
    return out


def agency(text: str, title_text: str | None) -> str | None:
    if title_text:
        m = _TITLE_AGENCY.match(title_text)
        if m and len(m.group("a")) >= 2:
            return _government(m.group("a"))
        m = _YEAR_FIRST_AGENCY.match(title_text)
        if m:
            return _government(m.group("a"))
    m = _BY.search(text[:3000])
    if m:
        return m.group("a")
    tail = text[-300:]
    sig = list(_SIGNATURE.finditer(tail))
    if not sig:  # a signature date broken across lines
        fixed = repair_prose(text[-450:])[-300:]
        sig = list(_SIGNATURE.finditer(fixed)) if fixed != tail else []
    if sig:
        return sig[0].group("a").strip()
    m = _CONTACT.search(text)
    return m.group("a") if m else None


@lru_cache(maxsize=4096)  # agencies recur across a body's yearly reports
def _government(name: str) -> str:
    """A title that names only a place ("三明市2021年政府信息公开工作年度报告") is the report of the
    place's people's government: "三明市" → "三明市人民政府" (also when the place is OCR-misread,
    沐阳县: the parse step corrects the place after). A department, a zone (平潭综合实验区) or
    anything the gazetteer does not list as a whole is kept as printed."""
    if is_place(name):
        return name + "人民政府"
    fix = correct_place(name)
    if fix and fix[0] == name and is_place(fix[1]):
        return name + "人民政府"
    return name


def year(text: str, title_text: str | None) -> int | None:
    if title_text:
        m = _YEAR.search(title_text)
        if m:
            return int(m.group(1))
    m = _PERIOD_YEAR.search(text[:3000])
    if m is None:
        fixed = repair_prose(text[:4000])
        m = _PERIOD_YEAR.search(fixed[:3000])
        text = fixed
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:4000]))
    return years.most_common(1)[0][0] if years else None


def published(text: str, report_year: int | None) -> str | None:
    """The signature date at the end of the report; else the page's 发布时间; else a date under
    the title; else the date in the page's address. ISO format."""
    tail = text[max(0, len(text) - 400):]
    date = _signature_date(tail, report_year)
    if date is None:  # a signature broken across lines ("2021\n年\n1\n月\n8\n日")
        fixed = repair_prose(text[max(0, len(text) - 600):])[-400:]
        date = _signature_date(fixed, report_year) if fixed != tail else None
    if date:
        return date
    m = _HEADER_DATE.search(text[:800])
    if m:
        return _iso(*m.groups())
    m = _DATE_IN_PARENS.search(text[:400])
    if m:
        return _iso(*m.groups())
    m = _LINK_DATE.search(text[:1000])
    if m and (report_year is None or report_year <= int(m.group(1)) <= report_year + 1):
        return _iso(*m.groups())
    return None


def _signature_date(tail: str, report_year: int | None) -> str | None:
    for m in _DATE.finditer(tail):
        if _DATE_NOT_SIGNATURE_AFTER.match(tail, m.end()) or _DATE_NOT_SIGNATURE_BEFORE.search(tail[:m.start()]):
            continue
        y = int(m.group(1))
        if report_year is None or report_year <= y <= report_year + 1:
            return _iso(m.group(1), m.group(2), m.group(3))
    return None


def _iso(y: str, mo: str, d: str) -> str:
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


_TYPES: tuple[tuple[str, str], ...] = (
    ("发展和改革|发改", "发展和改革"), ("城市管理|城管", "城市管理"), ("市政", "市政"),
    ("财政", "财政"), ("公安", "公安"), ("国有资产|国资", "国有资产"), ("交通", "交通运输"),
    ("行政审批", "行政审批"), ("经济发展|经济和信息化|工业和信息化", "经济发展"),
    ("教育", "教育"), ("卫生|健康", "卫生健康"), ("司法", "司法"),
    ("人力资源|社会保障", "人力资源和社会保障"), ("自然资源|国土", "自然资源"),
    ("生态环境|环境保护", "生态环境"), ("住房|建设", "住房和城乡建设"), ("水利|水务", "水利"),
    ("农业|农村", "农业农村"), ("商务", "商务"), ("文化|旅游", "文化和旅游"),
    ("市场监督|市场监管", "市场监督管理"), ("应急", "应急管理"), ("税务", "税务"),
    ("统计", "统计"), ("审计", "审计"), ("退役军人", "退役军人事务"), ("医疗保障|医保", "医疗保障"),
    ("(?<!人)民政", "民政"),
    ("办公厅|办公室", "办公厅(室)"), ("街道|[乡镇](?:人民)?政府", "乡镇街道"), ("人民政府", "人民政府"),
)
_TYPE_RE = [(re.compile(p), t) for p, t in _TYPES]


def agency_type(agency_text: str | None) -> str | None:
    if not agency_text:
        return None
    for pat, t in _TYPE_RE:
        if pat.search(agency_text):
            return t
    return None
