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
_CJK_GAP = re.compile(rf"(?<=[{CJK}])[ \n]*\n[ \n]*(?=[{CJK}])(?![一二三四五六七八九十][、.])")  # not before a heading
_CJK_SPACE = re.compile(rf"(?<=[{CJK}]) +(?=[{CJK}])")
_TABLE_ROW = "|"  # " | "-rendered rows are whole lines: never join them with their neighbours
# Page numbers of PDF text ("-3-", "— 3 —") on their own line, and markdown table rules.
_NOISE_LINE = re.compile(r"^[ ]*(?:[-—]+[ ]*\d{1,3}[ ]*[-—]+|\|?[ ]*:?-{3,}[-| :]*)[ ]*$", re.M)
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


_FW_CHARS = re.compile("[" + "".join(re.escape(chr(k)) for k in _FW) + "]+")


def clean(text: str) -> str:
    """Half-width, page numbers / markdown rules / bookmarks dropped; line structure kept
    (sections and narrative figures read this)."""
    # Substituting only the (usually few) characters to change is much faster than str.translate.
    t = text.replace("\t", " ").replace("\r", "")
    t = _FW_CHARS.sub(lambda m: m.group().translate(_FW), t)
    t = _BOOKMARK.sub("", t)
    return _NOISE_LINE.sub("", t)


def join_labels(text: str) -> str:
    """`clean` text with wrapped or spaced-out CJK labels joined (the tables read this)."""
    text = _CJK_SPACE.sub("", text)

    def gap(m: re.Match[str]) -> str:
        a, b = text.rfind("\n", 0, m.start()), text.find("\n", m.end())
        if _TABLE_ROW in text[a + 1:m.start()] or _TABLE_ROW in text[m.end():b if b >= 0 else len(text)]:
            return "\n"
        return ""
    return _CJK_GAP.sub(gap, text)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
