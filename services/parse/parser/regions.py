"""Where each table lies in the prepared text, between anchors every template prints: 第二十条 /
信息内容 for 主动公开, 勾稽关系 / 申请人情况 for the application table, and 行政复议 after
结转下年度 for the review/litigation row. Section headings bound them when present."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .sections import Heading

_AD_START = re.compile(r"第二十条|信息内容")
_APP_START = re.compile(r"勾稽关系|申请人情况")
_APP_FIRST_ROW = re.compile(r"本年新收")
_APP_LAST_ROW = re.compile(r"结转下年")
_RL_START = re.compile(r"行政复议")
_RL_SPAN = 1500  # when no 五、 heading ends it, the review row is within this many characters

Span = tuple[int, int]


@dataclass
class Regions:
    ad: Span | None
    app: Span | None
    rl: Span | None


def find_regions(text: str, heads: list[Heading]) -> Regions:
    h = {x.no: x for x in heads}
    n = len(text)

    def after(pat: re.Pattern[str], pos: int, end: int = n) -> int | None:
        m = pat.search(text, pos, end)
        return m.start() if m else None

    base = h[2].body if 2 in h else 0
    ad_start = after(_AD_START, base)
    app_from = ad_start if ad_start is not None else (h[3].start if 3 in h else 0)
    app_start = after(_APP_START, app_from)
    if app_start is None:
        app_start = after(_APP_FIRST_ROW, h[3].body if 3 in h else app_from)
    if ad_start is None and 2 in h:
        ad_start = h[2].body
    ad: Span | None = None
    if ad_start is not None:
        ends = [x for x in (app_start, h[3].start if 3 in h else None) if x is not None and x > ad_start]
        ad = (ad_start, min(ends) if ends else min(n, ad_start + 1500))

    app: Span | None = None
    rl_start: int | None = None
    if app_start is not None:
        last = _APP_LAST_ROW.search(text, app_start)
        rl_anchor = after(_RL_START, last.end()) if last else None
        ends = [x for x in (rl_anchor, h[4].start if 4 in h else None) if x is not None and x > app_start]
        app_end = min(ends) if ends else n
        app = (app_start, app_end)
        rl_start = app_end if ends else None
    elif 4 in h:
        rl_start = h[4].start
    rl: Span | None = None
    if rl_start is not None:
        ends = [x.start for x in heads if x.no >= 5 and x.start > rl_start]
        rl = (rl_start, min(ends) if ends else min(n, rl_start + _RL_SPAN))
    return Regions(ad, app, rl)
