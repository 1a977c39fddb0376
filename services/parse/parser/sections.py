"""The six sections (一、总体情况 … 六、其他需要报告的事项), whatever the numbering style."""
from __future__ import annotations

import re
from dataclasses import dataclass

from shared.record import SECTION_TITLES, Section

from .text import CJK

_NUMERALS = "一二三四五六"
_KEYS = {
    1: re.compile("总体|概述|概况|基本情况"),
    2: re.compile("主动公开"),
    3: re.compile("收到和处理|依申请|申请"),
    4: re.compile("复议|诉讼"),
    5: re.compile("问题|改进"),
    6: re.compile("其他|其它"),
}
# Heading number styles in order of preference: "一、" / "一." first; "(一)" and "第一部分" only
# when the first finds nothing (they are also the style of sub-headings and of table rows).
# The title may go on after a line break ("二、\n主动公开政府信息情况": pages that wrap each heading
# part in its own element).
_STYLES = [
    # The numeral first, then "no ideograph before it": a pattern that starts with a look-behind is
    # tried at every position, one that starts with a literal is found by a fast scan (3x).
    {n: re.compile(rf"{c}(?<![{CJK}]{c})[ ]?[、.][ ]*(?:\n[ ]*)?") for n, c in enumerate(_NUMERALS, 1)},
    {n: re.compile(rf"(?:\({c}\)|第{c}部分)[ ]*(?:\n[ ]*)?") for n, c in enumerate(_NUMERALS, 1)},
]
# Last resort, for a report on one line ("…191690.9913万元三、收到和处理政府信息公开申请情况…"): the
# numeral right after an ideograph, only when the standard title follows word for word.
_RUN_ON = {n: re.compile(rf"{c}[ ]?、[ ]?(?={SECTION_TITLES[n]})") for n, c in enumerate(_NUMERALS, 1)}
_TITLE_CUT = re.compile(r"[\n。(\d|:,;，；\s]")
_TITLE_END = re.compile(r".*(?:情况|事项|概述|概况|问题|措施)")


@dataclass(frozen=True)
class Heading:
    no: int
    start: int      # where the heading starts
    body: int       # where the section's text starts
    title: str


def find_headings(text: str) -> list[Heading]:
    """Headings in document order; each searched after the previous one found."""
    out: list[Heading] = []
    pos = 0
    for n in range(1, 7):
        h = _find(text, n, pos)
        if h is not None:
            out.append(h)
            pos = h.body
    return out


def _find(text: str, n: int, pos: int) -> Heading | None:
    for style in (*_STYLES, _RUN_ON):
        for m in style[n].finditer(text, pos):
            rest = text[m.end():m.end() + 60]
            cut = _TITLE_CUT.search(rest)
            head = rest[:cut.start()] if cut else rest
            if not head or not _KEYS[n].search(head[:24]):
                continue
            canon = head.find(SECTION_TITLES[n])
            if canon >= 0:  # stop right after the standard title, not at a later 情况/问题
                title = head[:canon + len(SECTION_TITLES[n])]
            else:
                end = _TITLE_END.match(head)
                title = end.group() if end else head[:30]
            return Heading(n, m.start(), m.end() + len(title), title)
    return None


def sections(text: str, headings: list[Heading]) -> list[Section]:
    out = []
    for i, h in enumerate(headings):
        stop = headings[i + 1].start if i + 1 < len(headings) else len(text)
        out.append(Section(no=h.no, title=h.title, text=text[h.body:stop].strip()))
    return out
