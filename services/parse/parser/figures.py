"""Counts stated in the narrative ("全年共收到信息公开申请7件", "公开发布政务信息860条")."""
from __future__ import annotations

import re
from bisect import bisect_right

from shared.record import Figure

from .sections import Heading

# The number's first digit comes first and is then checked not to follow a digit or "." (the engine
# scans for a digit quickly; a leading look-behind would be tried at every position).
_COUNT = re.compile(r"(?P<value>\d(?<![\d.]\d)\d*(?:\.\d+)?)[ ]?(?P<unit>人次|万元|件|条|篇|次|期|个|项|场|份|起|家|名|人|元)")
# The label is the run of ideographs right before the number (looked for backwards: far cheaper
# than a pattern that starts at every ideograph).
_LABEL = re.compile(r"[\u4e00-\u9fff“”\"]{2,24}[ ]?$")
_LEAD = re.compile(r"^(?:年度?|全年|全县|全市|全区|全局|今年|本年度?|年内|我局|我办|我区|我县|我市|我委|我单位|"
                   r"共计?|累计|合计|其中|已|均|先后|通过|并|另|还|再|又|在)+")
_TRAIL = re.compile(r"(?:共计?|达到?|为|约|近|逾|超过|计|累计|合计|总数|数量)+$")
# "202011起至…" is a date range, "3.6个百分点" a rate: not counts.
_NOT_COUNT_AFTER = re.compile(r"至|百分点")
_SENT_END = re.compile(r"[。;!?\n]")


def figures(text: str, headings: list[Heading]) -> list[Figure]:
    starts = [h.start for h in headings]
    bodies = [h.body for h in headings]
    out: list[Figure] = []
    for m in _COUNT.finditer(text):
        if _NOT_COUNT_AFTER.match(text, m.end()):
            continue
        i = bisect_right(starts, m.start()) - 1
        floor = bodies[i] if i >= 0 else 0  # a label never reaches back into its section's heading
        lm = _LABEL.search(text, max(floor, m.start() - 26), m.start())
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
        e = _SENT_END.search(text, m.end(), m.end() + 200)
        ctx = text[a:e.end() if e else m.end() + 60].strip()
        num = m.group("value")
        # Validated construction is twice as fast as model_construct (pydantic-core vs Python) and,
        # for these plain str/int/float fields, gives the same object.
        out.append(Figure(label=lab, value=float(num) if "." in num else int(num), unit=m.group("unit"),
                          section=headings[i].no if i >= 0 else None, context=ctx))
    return out
