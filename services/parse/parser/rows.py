"""Label-anchored row location, the one layout-independent step behind all three tables.

Whatever the layout (" | " rows, one cell per line, tab columns, PDF columns, run-together web
text, markdown), a row is its label followed by its cells. So: find each row label in table order,
and the text between one label and the next is that row's segment. A label that occurs twice
before the next row's label (a markdown heading repeating the row name) anchors at its last
occurrence, the one right before the cells.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# Everything up to the row's cells: the rest of a long label ("…(区分处理的,只计这一情形…)"),
# stopping at a digit, a cell border or whitespace.
_TAIL = r"[^\d|\s]*"


def label(core: str, number: str | None = None) -> re.Pattern[str]:
    """A row-label pattern: optional list numbering ("1." "1、" "(一)" "一、"), the label's
    distinctive core, and the rest of the label text."""
    prefix = ""
    if number is not None:
        n = re.escape(number)
        prefix = rf"(?:(?:\({n}\)|{n}[ ]?[.、])[ ]?)?"
    return re.compile(prefix + core + _TAIL)


def locate(text: str, patterns: Sequence[re.Pattern[str] | None], start: int = 0,
           end: int | None = None) -> list[tuple[int, int] | None]:
    """(label start, label end) per pattern, in order within text[start:end]; None where absent."""
    end = len(text) if end is None else end
    found: list[tuple[int, int] | None] = [None] * len(patterns)
    pos = start
    ahead: dict[int, re.Match[str] | None] = {}  # pattern index → its first match from `pos`
    for i, pat in enumerate(patterns):
        if pat is None:
            continue
        m = ahead.pop(i) if i in ahead else pat.search(text, pos, end)
        ahead.clear()
        if m is None:
            continue
        nxt = end
        for j in range(i + 1, len(patterns)):  # where the next row's label starts
            pj = patterns[j]
            if pj is None:
                continue
            mj = pj.search(text, m.end(), end)
            ahead[j] = mj
            if mj is not None:
                nxt = mj.start()
                break
        while True:  # re-anchor on a later occurrence that still precedes the next row
            m2 = pat.search(text, m.end(), nxt)
            if m2 is None:
                break
            m = m2
        # The look-ahead matches stay valid from the re-anchored end: nothing matched before nxt.
        found[i] = (m.start(), m.end())
        pos = m.end()
    return found


def segments(text: str, spans: Sequence[tuple[int, int] | None], end: int) -> list[str | None]:
    """Each located row's segment: from its label's end to the next located label (or end)."""
    out: list[str | None] = [None] * len(spans)
    located = [(i, s) for i, s in enumerate(spans) if s is not None]
    for k, (i, (_, e)) in enumerate(located):
        stop = located[k + 1][1][0] if k + 1 < len(located) else end
        out[i] = text[e:stop]
    return out
