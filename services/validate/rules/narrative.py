"""NARRATIVE_MISMATCH (warning): a count stated in the prose differs from the table.

Warning, not error: the prose is read with patterns, and either the text or the table may be the
wrong one. Precision matters more than recall, so a number is used only when its clause plainly
states this body's own total for the report year:

- metrics: applications received (收到/受理…申请N件), applications handled (办理/处理…申请N件),
  administrative review cases (复议N件/起), litigation cases (诉讼/起诉N件/起); "N条" only in
  "…公开申请N条" (elsewhere 条 counts information items: 依申请公开信息数245条);
- skipped: another year (a different YYYY年 before it, 上年, 同比, 与…相比, 增加/减少), another body
  (下属单位, 各部门; 全市/全区/全县 in a department's report), a subset (其中, 含, 分别, 通过网络…,
  自然人…, 予以公开…), a cumulative figure (累计, 截至), an approximation (余, 近, 约, 以上);
- a stated zero is read too, in tight forms only: 未收到政府信息公开申请, 未发生/没有/无…行政复议/行政诉讼;
- a metric is reported only when no qualifying sentence agrees with the table, once per metric.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from shared.record import Finding, Record

from ._common import finding, fmt

SENTENCE_END = re.compile(r"[。;；!！?？]")
# A count, as a pattern: `_counts` finds exactly its matches, reading them from the unit backwards.
COUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(余|多)?(件|起|宗|例|条)")
# A unit right after a digit, 余 or 多: units are far rarer than digits, so scanning for them (and
# reading the number backwards) is several times cheaper than a regex scan for the digits.
_UNIT_AFTER_NUMBER = re.compile(r"[件起宗例条](?<=[\d余多].)")
YEAR = re.compile(r"(\d{4})年")

OTHER_TIME = re.compile(r"上年|去年|上一年|前年|同比|环比|相比|比上|较|增加|减少|增长|下降|持平|结转|累计|截至|截止|历年|以来")
OTHER_BODY = re.compile(r"下属|所属|直属|各单位|各部门|各乡镇|各街道|各县|各区|各地|各级|系统内|全系统|基层|二级单位")
WHOLE_REGION = re.compile(r"全(省|市|区|县|州|盟|旗|镇|乡|街道)")
SUBSET = re.compile(r"其中|包括|包含|含|分别|占")
CHANNEL = re.compile(r"网络|网上|在线|信函|邮寄|当面|现场|传真|电子邮件|邮箱|电话|平台|网站|窗口|来信|来访")
APPLICANT = re.compile(r"自然人|法人|企业|律师|机构")
EVERYONE = re.compile(r"公民[、,，]?法人(和|或|及|以及)其他组织")
RESULT = re.compile(r"予以公开|部分公开|不予|无法提供|不掌握|不再处理|驳回|维持|纠正|"
                    r"败诉|胜诉|撤诉|撤销|审结|办结率|按时|逾期|重复|信访")
APPROX = re.compile(r"(近|约|超过|超|逾)$")
RECEIVE = re.compile(r"收到|受理|接收|新收|接到|收悉|登记")
HANDLE = re.compile(r"办理|处理|办结|答复")
REVIEW = re.compile(r"复议")
LITIGATION = re.compile(r"诉讼|起诉")

ZERO_RECEIVED = re.compile(r"(未|没有)(收到|受理|接到|接收)(任何)?(政府)?(信息公开申请|依申请公开|申请公开)")
ZERO_CASES = re.compile(r"(未|没有|无)(发生|出现|产生|涉及)?(因|关于|有关)?[^,，]{0,15}?(行政复议|行政诉讼)")

_GOVERNMENT_NAME = re.compile(r"政府$|街道办事处$|街道$|[乡镇]$")
_ONE_LITIGATION_GROUP = re.compile(r"复议后|经复议|直接起诉")

SOURCE_SECTIONS = (1, 3, 4)
HEADING = re.compile(r"[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|"
                     r"\d+[、.．](?!\d)|第[一二三四五六七八九十]+")
CLAUSE_SEP = ",，:："
_CLAUSE_SPLIT = re.compile(f"[{CLAUSE_SEP}]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Statement:
    metric: str   # "received" | "handled" | "review" | "litigation" | "review_litigation"
    value: int
    quote: str    # the clause stating it, for the message


def prose(record: Record) -> str:
    """Text of sections 一, 三, 四 (where these counts are narrated); the whole text as fallback."""
    parts = [s.text for s in record.sections if s.no in SOURCE_SECTIONS]
    return "\n".join(parts) if any(p.strip() for p in parts) else (record.text or "")


# A heading line: stripped, it starts with "#", or it is at most 30 characters, starts like HEADING
# and does not end in , ， 、. Found in one regex pass over the "\n"-joined lines (reports in
# one-cell-per-line layout have hundreds of lines; a Python call per line was a third of this rule's
# time). Anchored on the "\n" before the line: a literal first character lets the regex engine skip
# ahead. Possessive quantifiers keep it from backtracking through long lines.
_HEADING_LINE = re.compile(
    r"\n[^\S\n]*+"                              # the line break before the line, its leading blanks
    r"(?:#[^\n]*+"                                # "#…", or
    r"|(?=" + HEADING.pattern + r")"              # a numbered heading
    r"(?=[^\n]{0,30}+[^\S\n]*+(?:\n|\Z))"         # whose text (blanks after it aside) is ≤ 30 characters
    r"\S++(?:[^\S\n]++\S++)*+(?<![,，、])"         # and does not end in , ， 、
    r"[^\S\n]*+)")


def _joined(text: str) -> str:
    """The prose as one line of sentences (see `sentences`)."""
    lines = text.splitlines()
    if "|" in text or "\t" in text:
        lines = [ln for ln in lines if "|" not in ln and "\t" not in ln]
    marked = _HEADING_LINE.sub("\\g<0>。", "\n" + "\n".join(lines))  # "。" after each heading line
    return "".join(marked.split())  # all whitespace out (str.split and regex \s agree on what it is)


def sentences(text: str) -> list[str]:
    """Sentences of the prose. Table lines are dropped; a heading line ends a sentence (its words
    must not lend a keyword to the next line); other line breaks (PDF wraps) and all whitespace are
    removed so "行政复议 351\\n件" reads as one number."""
    return [s for s in SENTENCE_END.split(_joined(text)) if s]


class Count(NamedTuple):
    """One match of COUNT: where it is, the number as printed, 余/多 (or None), the unit."""
    start: int
    end: int
    number: str
    approx: str | None
    unit: str


_new = tuple.__new__  # Count(...) runs Python code; tuple.__new__(Count, …) does not


def _run_start(text: str, end: int) -> int:
    """Start of the run of decimal digits (regex \\d) that ends at `end`."""
    while end > 0 and text[end - 1].isdecimal():
        end -= 1
    return end


def _number_start(text: str, end: int) -> int | None:
    """Where COUNT's number that ends at `end` starts, or None. Forwards, the number starts at the
    earliest position not after a digit or "." from which "1-3 digits, then ',' + exactly 3 digits,
    repeated" or a plain digit run reaches `end`. Backwards: the digit run before `end`, or the
    earliest run from which only ',ddd' groups lead to `end`."""
    plain = _run_start(text, end)
    if plain == end:
        return None
    start = plain if plain == 0 or text[plain - 1] != "." else None
    if end - plain != 3:
        return start  # only a 3-digit run can end a comma-grouped number
    group = plain
    while group >= 2 and text[group - 1] == "," and text[group - 2].isdecimal():
        first = _run_start(text, group - 1)
        width = group - 1 - first
        if width > 3 or (first > 0 and text[first - 1] == "."):
            break
        start = first  # 1-3 digits here, then ",ddd" groups up to `end`
        if width < 3:
            break  # a shorter run can only be the first group
        group = first
    return start


def _counts(text: str) -> list[tuple[int, int, str, str | None, str]]:
    """COUNT's matches in `text`, in order, as the fields of Count."""
    out = []
    for u in _UNIT_AFTER_NUMBER.finditer(text):
        at = u.start()
        approx = text[at - 1] if text[at - 1] in "余多" else None
        end = at - 1 if approx else at
        start = _number_start(text, end)
        if start is not None:
            out.append((start, at + 1, text[start:end], approx, u.group()))
    return out


def _sentences_with_counts(text: str) -> Iterator[tuple[str, list[Count]]]:
    """`sentences(text)`, each with its counts (positions in the sentence). The counts are found in
    one pass over the whole prose: no count spans a sentence end, and the character before a
    sentence (a sentence end) is neither a digit nor ".", as COUNT requires of a start."""
    joined = _joined(text)
    counts = _counts(joined)
    i, pos = 0, 0
    for sent in SENTENCE_END.split(joined):
        stop = pos + len(sent)
        here: list[Count] = []
        while i < len(counts) and counts[i][0] < stop:
            start, end, number, approx, unit = counts[i]
            here.append(_new(Count, (start - pos, end - pos, number, approx, unit)))
            i += 1
        if sent:
            yield sent, here
        pos = stop + 1  # past the one-character sentence end


def quote(sent: str, start: int, end: int) -> str:
    """From where the count's own text starts to the end of its clause, for the message."""
    rights = [i for i in (sent.find(c, end) for c in CLAUSE_SEP) if i != -1]
    return sent[start:min(rights) if rights else len(sent)].lstrip(CLAUSE_SEP + "、")


def is_government(record: Record) -> bool:
    """A people's government or township reports for its whole territory, so 全区/全县 is itself."""
    agency = record.meta.agency or ""
    return bool(_GOVERNMENT_NAME.search(agency)) or record.meta.level == "township"


def _metric(segment: str) -> str | None:
    review, lit = bool(REVIEW.search(segment)), bool(LITIGATION.search(segment))
    if review and lit:
        # "复议后起诉"/"直接起诉" name one litigation group only: too fine-grained to trust.
        return None if _ONE_LITIGATION_GROUP.search(segment) else "review_litigation"
    if review:
        return "review"
    if lit:
        return "litigation"
    if "申请" not in segment:
        return None
    if RECEIVE.search(segment):
        return "received"
    if HANDLE.search(segment):
        return "handled"
    return None


def _excluded(segment: str, before: str, year: int | None, government: bool) -> bool:
    years = YEAR.findall(before)
    if years and (year is None or int(years[-1]) != year):
        return True
    if OTHER_TIME.search(segment) or OTHER_BODY.search(segment) or CHANNEL.search(segment):
        return True
    if WHOLE_REGION.search(segment) and not government:
        return True
    if APPLICANT.search(EVERYONE.sub("", segment)) or RESULT.search(segment):
        return True
    return bool(APPROX.search(segment))


def statements(record: Record) -> list[Statement]:
    """Counts the prose states as this body's totals for the report year."""
    year, government = record.meta.year, is_government(record)
    out: list[Statement] = []
    for sent, counts in _sentences_with_counts(prose(record)):
        start = 0
        for c in counts:
            segment = sent[start:c.start]
            if SUBSET.search(segment):
                break  # 其中/含/分别: everything after is a breakdown, not a total
            # The cheap tests first; the exclusions (a dozen patterns) only for a count that names a metric.
            metric = None if c.approx else _metric(segment)
            if c.unit == "条" and not (metric in ("received", "handled") and "公开申请" in segment):
                metric = None  # 条 counts information items (依申请公开信息数245条), except "…公开申请N条"
            if metric and not _excluded(segment, sent[:c.start], year, government):
                out.append(Statement(metric, int(c.number.replace(",", "")), quote(sent, start, c.end)))
            start = c.end
        # A clause can state a zero only if the sentence holds one of the two forms somewhere, and
        # both start with 未, 没有 or 无 (substring tests are far cheaper than a regex pass).
        if _may_state_zero(sent):
            out.extend(_zero_statements(sent, year, government))
    return out


def _may_state_zero(sent: str) -> bool:
    if "未" not in sent and "没" not in sent and "无" not in sent:  # (没: a one-character test is cheaper)
        return False
    return bool(ZERO_RECEIVED.search(sent) or ZERO_CASES.search(sent))


def _zero_statements(sent: str, year: int | None, government: bool) -> list[Statement]:
    """"未收到政府信息公开申请", "未发生行政复议、行政诉讼": a stated 0, read only from clauses without
    digits and in these tight forms (the negation right before the verb or the case type)."""
    out: list[Statement] = []
    offset = 0
    for part in _CLAUSE_SPLIT.split(sent):
        before, offset = sent[:offset], offset + len(part) + 1
        if not (ZERO_RECEIVED.search(part) or ZERO_CASES.search(part)):  # the cheap test first
            continue
        if _DIGIT.search(YEAR.sub("", part)) or _excluded(part, before + part, year, government):
            continue
        metric = _metric(part)
        if metric and metric != "handled":
            out.append(Statement(metric, 0, part))
    return out


def _table(record: Record) -> dict[str, tuple[set[int | float], int | float | None, str, str, str]]:
    """Per metric: (values the text may state, value to show, where, 中文 label, English label)."""
    a, rl = record.applications, record.review_litigation
    prov = record.provenance
    # A cell the parser could not place is not a blank 0: a sum that needs it is not known either.
    unplaced = {p for p, c in prov.items() if c.source == "unknown"} if prov else set()
    new = a.get("new_received", {}).get("total")
    over = a.get("carried_over", {}).get("total")
    tot = a.get("total", {}).get("total")
    new_over = None if new is None or "applications.carried_over.total" in unplaced else new + (over or 0)
    review = rl.get("review", {}).get("total")
    lit_groups = ("litigation_direct", "litigation_after_review")
    lit_parts = [rl.get(g, {}).get("total") for g in lit_groups]
    lit_unplaced = any(f"review_litigation.{g}.total" in unplaced for g in lit_groups)
    lit = None if lit_unplaced or all(p is None for p in lit_parts) else sum(p or 0 for p in lit_parts)
    both = None if review is None and lit is None else (review or 0) + (lit or 0)
    if "review_litigation.review.total" in unplaced or lit_unplaced:
        both = None

    def ok(*vals: int | float | None) -> set[int | float]:
        return {x for x in vals if x is not None}

    return {
        "received": (ok(new, new_over), new, "applications.new_received.total",
                     "本年新收政府信息公开申请数量", "new applications received"),
        "handled": (ok(new_over, tot, new), new_over if new_over is not None else tot,
                    "applications.total.total", "本年办理的申请数量（新收 + 上年结转）",
                    "applications handled (received + carried over)"),
        "review": (ok(review), review, "review_litigation.review.total", "行政复议总计",
                   "administrative review cases"),
        "litigation": (ok(lit), lit, "review_litigation.litigation_direct.total",
                       "行政诉讼总计（直接起诉 + 复议后起诉）", "litigation cases (both kinds)"),
        "review_litigation": (ok(both), both, "review_litigation.review.total",
                              "行政复议与行政诉讼合计", "review and litigation cases together"),
    }


def _short(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[:limit] + "…"


def check_narrative(record: Record) -> list[Finding]:
    table = _table(record)
    by_metric: dict[str, list[Statement]] = {}
    for st in statements(record):
        by_metric.setdefault(st.metric, []).append(st)
    out: list[Finding] = []
    for metric, found in by_metric.items():
        accepted, shown, where, zh, en = table[metric]
        if not accepted or any(st.value in accepted for st in found):
            continue
        st = found[0]
        out.append(finding(
            "NARRATIVE_MISMATCH", "warning",
            f"正文称“{_short(st.quote)}”，但表格中{zh}为 {fmt(shown)}",
            f"The text states {st.value} {en}, but the table says {fmt(shown)}",
            where=where, expected=shown, actual=st.value))
    return out
