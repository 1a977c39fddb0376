"""Text preparation shared by all parse steps: one canonical form so the table and section
patterns can stay simple whatever layout the report came in."""
from __future__ import annotations

import re

# Normalize already makes full-width characters half-width; repeating the cheap translate here keeps
# the parser correct on documents built by other means (tests, older stored records).
# (Chinese commas and semicolons stay: nothing here depends on them.)
_FW = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９（）：．／－＋％｜"}
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


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
