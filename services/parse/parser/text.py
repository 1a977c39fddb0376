"""Text preparation shared by all parse steps: one canonical form so the table and section
patterns can stay simple whatever layout the report came in."""
from __future__ import annotations

import re

# Normalize already makes full-width characters half-width; repeating the cheap translate here keeps
# the parser correct on documents built by other means (tests, older stored records).
# (Chinese commas and semicolons stay: nothing here depends on them.)
_FW: dict[int, int | None] = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９（）：．／－＋％｜"}
_FW.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x200B: None, 0xFEFF: None})

CJK = "\u4e00-\u9fff"
# Whitespace (line breaks included) between two ideographs: a label wrapped or spaced out by the
# layout ("结 果\n维持", "商业\n企业"). Digits are never joined, so "0 0 0" stays three cells.
# Both patterns start with the gap's own first character and check the ideograph before it with a
# look-behind: a pattern that starts with a look-behind cannot use the regex engine's first-character
# scan and is tried at every position (2-7x slower on a report).
# The run must hold a line break: either its first character is one, or spaces lead to one.
# A null-marker cell on a line of its own ("无", "不适用") is a cell, not part of a wrapped label.
_CJK_GAP = re.compile(rf"[ \n](?<=[{CJK}][ \n])(?<!\n无[ \n])(?<!\n不适用[ \n])(?:(?<=\n)|[ ]*\n)[ \n]*(?=[{CJK}])"
                      r"(?![一二三四五六七八九十][、.])"  # not before a heading
                      r"(?!(?:无|不适用)[ ]*(?:\n|$))")
# The same gaps in a text without " \n" (normalized text has none: its lines are right-stripped):
# a gap cannot start with a space there, so the pattern starts with the line break, a literal the
# regex engine skips ahead to many times faster than to the [ \n] class (and `(?<=\n)` always holds).
_CJK_NL_GAP = re.compile(rf"\n(?<=[{CJK}]\n)(?<!\n无\n)(?<!\n不适用\n)[ \n]*(?=[{CJK}])"
                         r"(?![一二三四五六七八九十][、.])"
                         r"(?!(?:无|不适用)[ ]*(?:\n|$))")
_CJK_SPACE = re.compile(rf" (?<=[{CJK}] ) *(?=[{CJK}])")
# A null-marker cell indented on its own line (tab layouts: "\t无" → " 无"). Its indent goes first, so
# the gap patterns' look-behinds (fixed width: "\n无") see the cell and do not join it to the next line.
_INDENTED_NULL = re.compile(r"\n[ ]+(?=(?:无|不适用)[ ]*(?:\n|$))")
_TABLE_ROW = "|"  # " | "-rendered rows are whole lines: never join them with their neighbours
# Page numbers of PDF text ("-3-", "— 3 —") on their own line, and markdown table rules.
# Anchored on the line break before the line (applied to "\n" + text + "\n"), not on re.M's "^":
# a literal first character lets the regex engine skip ahead instead of trying every position.
_NOISE_LINE = re.compile(r"\n[ ]*(?:[-—]+[ ]*\d{1,3}[ ]*[-—]+|\|?[ ]*:?-{3,}[-| :]*)[ ]*(?=\n)")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


_FW_CHARS = tuple(chr(k) for k in _FW)


def clean(text: str) -> str:
    """Half-width, page numbers / markdown rules / bookmarks dropped; line structure kept
    (sections and narrative figures read this)."""
    t = text.replace("\t", " ").replace("\r", "")
    # Normalized text rarely holds any of them: 22 substring tests beat one regex (or translate) pass.
    for ch in _FW_CHARS:
        if ch in t:
            t = t.replace(ch, ch.translate(_FW))
    if "[bookmark:" in t:
        t = _BOOKMARK.sub("", t)
    if not _may_hold_noise_line(t):  # the usual text: no regex try at every line break
        return t
    return _NOISE_LINE.sub("\n", f"\n{t}\n")[1:-1]


def _may_hold_noise_line(t: str) -> bool:
    """Whether a line could be a page number or a markdown rule (_NOISE_LINE): such a line has a
    dash with nothing but blanks, "|" or ":" before it. A look at the few dashes of a report (dates,
    phone numbers) is far cheaper than the regex trying every line of a one-cell-per-line table."""
    for dash in "-—":
        at = t.find(dash)
        while at >= 0:
            line_start = t.rfind("\n", 0, at) + 1
            if not t[line_start:at].strip(" |:"):
                return True
            line_end = t.find("\n", at)
            at = t.find(dash, line_end) if line_end >= 0 else -1
    return False


def join_labels(text: str) -> str:
    """`clean` text with wrapped or spaced-out CJK labels joined (the tables read this)."""
    text = _CJK_SPACE.sub("", text)
    if "\n " in text:
        text = _INDENTED_NULL.sub("\n", text)
    gaps = _CJK_GAP if " \n" in text else _CJK_NL_GAP
    if _TABLE_ROW not in text:  # no " | " rows to keep apart: every gap goes, no Python call per gap
        return gaps.sub("", text)

    def gap(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        a, b = text.rfind("\n", 0, s), text.find("\n", e)
        if text.find(_TABLE_ROW, a + 1, s) >= 0 or text.find(_TABLE_ROW, e, b if b >= 0 else len(text)) >= 0:
            return "\n"
        return ""
    return gaps.sub(gap, text)


# --- prose repair: meta and narrative figures only --------------------------------------------------
# Some sites wrap every place name or number of the prose in its own element, and their page text
# breaks words and numbers across lines: "三明\n市人民政府20\n21\n年", "202\n1\n年", "规章\n1\n件",
# "联系电话：0598—\n8231086". `prose_breaks` finds the line breaks
# that plainly sit inside one number or one date or count; `repair_prose` drops them. The table
# readers never see this text: in a one-cell-per-line table every cell is its own line and digits on
# separate lines are separate cells. A number is only rejoined where a date part or a count unit
# follows it, which no table cell does (a cell is followed by the next cell or the next row's label).
_DATE_UNITS = "年月日"
_COUNT_UNITS = "件条项个篇次期场份起宗例万家名人元"
# Where a repair can be: a line break, blanks, at most one digit run and blanks, then a unit ("\n年",
# "20\n21\n年", "\n1\n件", "4\n1994万元"); the repair itself reads back from the unit. The pattern
# starts with the line break, a literal the regex engine skips ahead to (a unit-first pattern is
# tried at every ideograph), and possessive runs fail at once on a table's "\n0\n0\n0".
_BREAK_TO_UNIT = re.compile(rf"\n[ \n]*+\d*+[ \n]*+[{_DATE_UNITS}{_COUNT_UNITS}]")
_MAX_PIECES = {"年": 4, "月": 2, "日": 2}  # a year broken in up to four pieces, a month or day in two
_DIGITS = frozenset("0123456789")
_JOINS_BEFORE = frozenset("、,，:：“\"(")


def _blank_start(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " \n":
        end -= 1
    return end


def _digit_start(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in _DIGITS:
        end -= 1
    return end


def prose_breaks(text: str) -> list[tuple[int, int]]:
    """Spans of blanks (each holding a line break) that break one number, date or count, in order."""
    out: list[tuple[int, int]] = []
    if "\n" not in text:
        return out
    for u in _BREAK_TO_UNIT.finditer(text):
        unit_at = u.end() - 1
        unit = text[unit_at]
        gap = _blank_start(text, unit_at)
        spans: list[tuple[int, int]] = []
        if gap < unit_at:
            if "\n" not in text[gap:unit_at]:
                continue  # "2023 年": a space the patterns already read
            spans.append((gap, unit_at))
        # the digit pieces before the unit, each after a line break
        pieces: list[tuple[int, int]] = []
        end = gap
        limit = _MAX_PIECES.get(unit, 2)
        while True:
            start = _digit_start(text, end)
            if start == end:
                break
            pieces.append((start, end))
            before = _blank_start(text, start)
            if len(pieces) < limit and before < start and before > 0 and text[before - 1] in _DIGITS \
                    and "\n" in text[before:start]:
                spans.append((before, start))
                end = before
                continue
            break
        if not pieces:
            continue
        first = pieces[-1][0]
        if first > 0 and text[first - 1] == ".":
            continue  # a decimal's fraction
        value = "".join(text[s:e] for s, e in reversed(pieces))
        if unit == "年":
            ok = len(value) == 4 and value[:2] in ("19", "20")
        elif unit in "月日":
            ok = len(value) <= 2 and 1 <= int(value) <= (12 if unit == "月" else 31)
        else:
            # A count in pieces only with its unit on a line of its own ("30\n2\n件"): a number
            # printed with its unit after another number ("政府集中采购\n2\n8620000元") is two
            # table cells, and "收费\n4\n1994万元" in prose cannot be told from them.
            ok = len(pieces) == 1 or gap < unit_at
        if not ok:
            continue
        # The line break before the number, when the number is broken off on both sides (alone on
        # its line, or in pieces): a date goes on after 年 / 月 ("年\n1\n月"), a count after its
        # label ("规章\n1\n件"). A year starts its own sentence, so its break stays; and a number
        # printed with its unit on a line of its own ("行政事业性收费\n6456000元") is a table cell.
        before = _blank_start(text, first)
        if unit != "年" and (spans or len(pieces) > 1) and 0 < before < first and "\n" in text[before:first]:
            prev = text[before - 1]
            if (unit == "月" and prev == "年") or (unit == "日" and prev == "月") \
                    or (unit in _COUNT_UNITS and (is_cjk(prev) or prev in _JOINS_BEFORE)):
                spans.append((before, first))
        out.extend(spans)
    for dash in "-—–":  # a phone number or code broken after its dash ("0598—\n8231086")
        at = text.find(dash)  # one-character finds: far faster than a search for dash + "\n"
        while at >= 0:
            end = at + 1
            if end < len(text) and text[end] == "\n" and at > 0 and text[at - 1] in _DIGITS:
                while end < len(text) and text[end] in " \n":
                    end += 1
                if end < len(text) and text[end] in _DIGITS:
                    out.append((at + 1, end))
            at = text.find(dash, end)
    out.sort()
    return out


def repair_prose(text: str) -> str:
    """`text` with the breaks of `prose_breaks` dropped (the text meta and figures read)."""
    spans = prose_breaks(text)
    if not spans:
        return text
    parts, at = [], 0
    for s, e in spans:
        if s < at:  # overlapping spans (one break found from two units): take the rest only
            s = at
        parts.append(text[at:s])
        at = max(at, e)
    parts.append(text[at:])
    return "".join(parts)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
