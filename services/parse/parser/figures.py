"""Counts stated in the narrative ("全年共收到信息公开申请7件", "公开发布政务信息860条")."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pydantic import TypeAdapter

from shared.record import Figure

from .sections import Heading
from .text import prose_breaks

# A count is r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)[ ]?(?P<unit>人次|万元|件|…|人|元)" (units in _UNITS
# order). Units are far rarer than digits, and a regex scan for the number's digits was a third of
# this step: so `_counts` scans for a unit right after a digit or a space, then reads the number
# backwards from it; it finds exactly that pattern's matches (see `_number_before`).
_UNITS = ("人次", "万元", "件", "条", "篇", "次", "期", "个", "项", "场", "份", "起", "家", "名", "人", "元")
_UNIT = re.compile("|".join(rf"{u}(?<=[\d ]{'.' * len(u)})" for u in _UNITS))  # each unit starts with a literal
# The label is the run of ideographs right before the number (looked for backwards: far cheaper
# than a pattern that starts at every ideograph). Possessive: a shorter run never reaches the end
# of the window when the longest does not, so backing off only cost time.
_LABEL = re.compile(r"[\u4e00-\u9fff“”\"]{2,24}+[ ]?$")
_LEAD = re.compile(r"^(?:年度?|全年|全县|全市|全区|全局|今年|本年度?|年内|我局|我办|我区|我县|我市|我委|我单位|"
                   r"共计?|累计|合计|其中|已|均|先后|通过|并|另|还|再|又|在)+")
_TRAIL = re.compile(r"(?:共计?|达到?|为|约|近|逾|超过|计|累计|合计|总数|数量)+$")
# "202011起至…" is a date range, "3.6个百分点" a rate: not counts.
_NOT_COUNT_AFTER = re.compile(r"至|百分点")
_SENT_END = re.compile(r"[。;!?\n]")
_FIGURES = TypeAdapter(list[Figure])


def _run_start(text: str, end: int) -> int:
    """Start of the run of decimal digits (regex \\d) that ends at `end`."""
    while end > 0 and text[end - 1].isdecimal():
        end -= 1
    return end


def _number_before(text: str, unit_at: int) -> tuple[int, int] | None:
    """(start, end) of the number the count pattern reads before a unit at `unit_at`, or None. Read
    forwards, that number is a maximal digit run, then "." and a maximal digit run if a "." follows
    (with a "." after the first run only that reading can reach a unit), then at most one space; it
    must not follow a digit or ".". So backwards: skip one space, take the digit run, take "." and
    the run before it when there is one, and reject a number after "."."""
    end = unit_at - 1 if text[unit_at - 1] == " " else unit_at
    start = _run_start(text, end)
    if start == end:
        return None
    if start >= 2 and text[start - 1] == "." and text[start - 2].isdecimal():
        start = _run_start(text, start - 1)
    if start > 0 and text[start - 1] == ".":  # (a digit cannot precede: the runs are maximal)
        return None
    return start, end


def _counts(text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
    """(number start, number end, unit match) of every count, in order."""
    for u in _UNIT.finditer(text):
        span = _number_before(text, u.start())
        if span is not None:
            yield span[0], span[1], u


def _repaired(text: str, headings: list[Heading]) -> tuple[str, list[int], list[int]]:
    """The text with numbers broken across lines rejoined ("规章\n1\n件" → "规章1件",
    text.prose_breaks), and the headings' starts and bodies moved with it."""
    starts = [h.start for h in headings]
    bodies = [h.body for h in headings]
    spans = prose_breaks(text)
    if not spans:
        return text, starts, bodies
    parts: list[str] = []
    cut_at: list[int] = []   # where each dropped span starts in the original text
    cut_sum: list[int] = []  # characters dropped up to and including that span
    at = dropped = 0
    for s, e in spans:
        s = max(s, at)
        if e <= s:
            continue
        parts.append(text[at:s])
        dropped += e - s
        cut_at.append(s)
        cut_sum.append(dropped)
        at = e

    def moved(p: int) -> int:
        i = bisect_right(cut_at, p) - 1
        return p - (cut_sum[i] if i >= 0 else 0)
    parts.append(text[at:])
    return "".join(parts), [moved(p) for p in starts], [moved(p) for p in bodies]


def figures(text: str, headings: list[Heading]) -> list[Figure]:
    text, starts, bodies = _repaired(text, headings)
    out: list[dict] = []
    for at, num_end, unit in _counts(text):
        if _NOT_COUNT_AFTER.match(text, unit.end()):
            continue
        i = bisect_right(starts, at) - 1
        floor = bodies[i] if i >= 0 else 0  # a label never reaches back into its section's heading
        lm = _LABEL.search(text, max(floor, at - 26), at)
        if lm is None:
            continue
        lab = lm.group().rstrip()
        if "”" in lab and len(lab.rsplit("”", 1)[1]) >= 2:  # drop the tail of a quoted name before it
            lab = lab.rsplit("”", 1)[1]
        lab = _TRAIL.sub("", _LEAD.sub("", lab.strip("“”\"")))
        if len(lab) < 2:
            continue
        s = lm.start()
        lo = max(floor, s - 200)
        # The context starts after the last sentence end (。;!?\n) before the label: five rfinds beat a
        # greedy regex that runs to `s` and backs off.
        last = max(text.rfind("。", lo, s), text.rfind(";", lo, s), text.rfind("!", lo, s),
                   text.rfind("?", lo, s), text.rfind("\n", lo, s))
        a = last + 1 if last >= 0 else lo
        e = _SENT_END.search(text, unit.end(), unit.end() + 200)
        ctx = text[a:e.end() if e else unit.end() + 60].strip()
        num = text[at:num_end]
        out.append({"label": lab, "value": float(num) if "." in num else int(num), "unit": unit.group(),
                    "section": headings[i].no if i >= 0 else None, "context": ctx})
    # All figures validated in one pydantic-core call: the same Figure objects, at about half the
    # cost of Figure(...) each (and a quarter of model_construct, which runs in Python).
    return _FIGURES.validate_python(out)
