"""Report metadata read from the text: title, issuing body, year covered, date published."""
from __future__ import annotations

import re
from collections import Counter

# "标题:" at a line start; the literal first and the line-start check after it (a pattern that starts
# with re.M's "^" is tried at every position).
_HEADER_TITLE = re.compile(r"标题(?<![^\n]标题)[:：][ ]*(.+)$", re.M)
_HEADER_DATE = re.compile(r"(?:发布时间|发布日期|成文日期)[:：][ ]*(\d{4})-(\d{1,2})-(\d{1,2})")
_TITLE_LINE = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,12}(?:报告|年报)")
_NOT_TITLE = re.compile(r"^(?:本报告|根据|依据|按照|为|现将|当前位置)")
_YEAR = re.compile(r"((?:19|20)\d{2})[ ]*年")
_TITLE_AGENCY = re.compile(r"^(?P<a>.+?)(?:关于)?(?:(?:19|20)\d{2})[ ]*年度?")
_YEAR_FIRST_AGENCY = re.compile(r"^(?:19|20)\d{2}年度?(?P<a>.+?)(?:政府信息公开|政务公开|信息公开)")
_BODY = r"[\u4e00-\u9fff]{2,30}?(?:街道办事处|办事处|人民政府|委员会|管理局|局|委|厅|办公室|办|中心|院)"
_BY = re.compile(rf"本报告(?:由|是)(?P<a>{_BODY})(?:根据|依据|按照|依照|编制|制作|结合)")
_CONTACT = re.compile(rf"请(?:与|联系|致电)(?P<a>{_BODY})")
_SIGNATURE = re.compile(rf"(?P<a>{_BODY})[ \n]*\(?(?:19|20)\d{{2}}[ ]*年[ ]*\d{{1,2}}[ ]*月[ ]*\d{{1,2}}[ ]*日")
_DATE = re.compile(r"((?:19|20)\d{2})[ ]*年[ ]*(\d{1,2})[ ]*月[ ]*(\d{1,2})[ ]*日")
_DATE_NOT_SIGNATURE_AFTER = re.compile(r"[ ]*(?:印发|起|至|止|到|前|后|以来|期间)")
_DATE_NOT_SIGNATURE_BEFORE = re.compile(r"(?:自|至|从|到|截至|截止|于|在)[ ]*$")
_DATE_IN_PARENS = re.compile(r"\(" + _DATE.pattern + r"\)")
_PERIOD_YEAR = re.compile(r"统计期限(?:为|是|自|从)?[ ]*((?:19|20)\d{2})[ ]*年")
_WS = re.compile(r"\s+")
_PAGE_TITLE_SEP = re.compile(r"[-_|—–]+")
_SITE_SUFFIX = re.compile(r"((?:报告|年报))[-_|—–].*$")  # "…年度报告-沭阳县发改局": the site's name


def title(text: str) -> str | None:
    m = _HEADER_TITLE.search(text[:600])
    if m:
        return _SITE_SUFFIX.sub(r"\1", _WS.sub("", m.group(1)))
    lines = _first_lines(text[:1500], 8)
    for i, ln in enumerate(lines):
        if len(ln) > 70 or _NOT_TITLE.match(ln) or not _TITLE_LINE.search(ln):
            continue
        t = _WS.sub("", ln)
        # A title broken over two lines: the body's name alone on the line above.
        if i and re.match(r"^(?:19|20)\d{2}年", t) and len(lines[i - 1]) <= 30 \
                and re.fullmatch(r"[\u4e00-\u9fff ]+", lines[i - 1]):
            t = _WS.sub("", lines[i - 1]) + t
        return t
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
            return m.group("a")
        m = _YEAR_FIRST_AGENCY.match(title_text)
        if m:
            return m.group("a")
    m = _BY.search(text[:3000])
    if m:
        return m.group("a")
    tail = text[-300:]
    sig = list(_SIGNATURE.finditer(tail))
    if sig:
        return sig[0].group("a").strip()
    m = _CONTACT.search(text)
    return m.group("a") if m else None


def year(text: str, title_text: str | None) -> int | None:
    for src, pat in ((title_text, _YEAR), (text[:3000], _PERIOD_YEAR)):
        if src:
            m = pat.search(src)
            if m:
                return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:4000]))
    return years.most_common(1)[0][0] if years else None


def published(text: str, report_year: int | None) -> str | None:
    """The signature date at the end of the report; else the page's 发布时间; else a date under
    the title. ISO format."""
    tail_at = max(0, len(text) - 400)
    tail = text[tail_at:]
    for m in _DATE.finditer(tail):
        if _DATE_NOT_SIGNATURE_AFTER.match(tail, m.end()) or _DATE_NOT_SIGNATURE_BEFORE.search(tail[:m.start()]):
            continue
        y = int(m.group(1))
        if report_year is None or report_year <= y <= report_year + 1:
            return _iso(m.group(1), m.group(2), m.group(3))
    m = _HEADER_DATE.search(text[:800])
    if m:
        return _iso(*m.groups())
    m = _DATE_IN_PARENS.search(text[:400])
    return _iso(*m.groups()) if m else None


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
