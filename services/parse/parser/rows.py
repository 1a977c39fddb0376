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
from dataclasses import dataclass
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, not in typeshed; only to bound a pattern's width (Label.build)

# Everything up to the row's cells: the rest of a long label ("…(区分处理的,只计这一情形…)"),
# stopping at a digit, a cell border or whitespace.
_TAIL = r"[^\d|\s]*"
_CJK_RUN_AT_END = re.compile(r"[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class Label:
    """A row-label pattern and a literal that every match of it contains (`hint`), at most `reach`
    characters after the match's start. The patterns start with optional numbering, so the regex
    engine cannot scan for a first character and tries them at every position; `str.find` for the
    hint is many times faster and tells where the first match can start at the earliest."""
    pattern: re.Pattern[str]
    hint: str
    reach: int

    @classmethod
    def build(cls, before: str, hint: str, after: str = "") -> Label:
        """The pattern `before` + hint + `after`; `before` must have a bounded width."""
        reach = sre_parse.parse(before).getwidth()[1] if before else 0
        if reach >= sre_parse.MAXREPEAT:
            raise ValueError(f"unbounded pattern before the hint: {before!r}")
        return cls(re.compile(before + re.escape(hint) + after), hint, reach)

    def search(self, text: str, pos: int, end: int) -> re.Match[str] | None:
        """`pattern.search(text, pos, end)`, the same match: a match holds the hint, so it starts no
        earlier than `reach` before the hint's first occurrence (look-behinds still see the text before
        the search start, so starting later changes no match)."""
        at = text.find(self.hint, pos, end)
        if at < 0:
            return None
        return self.pattern.search(text, max(pos, at - self.reach), end)


def label(core: str, number: str | None = None) -> Label:
    """A row-label pattern: optional list numbering ("1." "1、" "(一)" "一、"), the label's
    distinctive core, and the rest of the label text. The core ends in plain ideographs: the hint."""
    prefix = ""
    if number is not None:
        n = re.escape(number)
        prefix = rf"(?:(?:\({n}\)|{n}[ ]?[.、])[ ]?)?"
    hint = _CJK_RUN_AT_END.search(core)
    if hint is None or "|" in core:
        raise ValueError(f"label core must end in ideographs and have no top-level alternative: {core!r}")
    return Label.build(prefix + core[:hint.start()], hint.group(), _TAIL)


def locate(text: str, labels: Sequence[Label | None], start: int = 0,
           end: int | None = None) -> list[tuple[int, int] | None]:
    """(label start, label end) per label, in order within text[start:end]; None where absent."""
    end = len(text) if end is None else end
    found: list[tuple[int, int] | None] = [None] * len(labels)
    pos = start
    ahead: dict[int, re.Match[str] | None] = {}  # label index → its first match from `pos`
    for i, lab in enumerate(labels):
        if lab is None:
            continue
        m = ahead.pop(i) if i in ahead else lab.search(text, pos, end)
        ahead.clear()
        if m is None:
            continue
        m_end = m.end()
        # A label's tail may run into the next row's label when the row between shows no cell (a
        # page that drops empty cells, joined as a wrapped label: "规章行政规范性文件"): end it there.
        hint_end = text.find(lab.hint, m.start(), m_end) + len(lab.hint)
        for j in range(i + 1, min(i + 3, len(labels))):
            lj = labels[j]
            if lj is not None and text.find(lj.hint, hint_end, m_end) >= 0:
                mj = lj.search(text, hint_end, m_end)
                if mj is not None:
                    m_end = mj.start()
                    break
        nxt = end
        for j in range(i + 1, len(labels)):  # where the next row's label starts
            lj = labels[j]
            if lj is None:
                continue
            mj = lj.search(text, m_end, end)
            ahead[j] = mj
            if mj is not None:
                nxt = mj.start()
                break
        # Re-anchor on a later occurrence that still precedes the next row (usually the hint alone
        # says there is none).
        while text.find(lab.hint, m_end, nxt) >= 0:
            m2 = lab.search(text, m_end, nxt)
            if m2 is None:
                break
            m, m_end = m2, m2.end()
        # The look-ahead matches stay valid from the re-anchored end: nothing matched before nxt.
        found[i] = (m.start(), m_end)
        pos = m_end
    return found


def segments(text: str, spans: Sequence[tuple[int, int] | None], end: int) -> list[str | None]:
    """Each located row's segment: from its label's end to the next located label (or end)."""
    out: list[str | None] = [None] * len(spans)
    located = [(i, s) for i, s in enumerate(spans) if s is not None]
    for k, (i, (_, e)) in enumerate(located):
        stop = located[k + 1][1][0] if k + 1 < len(located) else end
        out[i] = text[e:stop]
    return out
