"""Character-level clean-up shared by every format: half-width digits/letters/structural punctuation, odd
spaces, spaced-out CJK labels. Regexes and str.replace only, no per-character Python: this runs on every
document."""
from __future__ import annotations

import re

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Full-width ASCII block U+FF01–U+FF5E → ASCII, except the full-width comma (only folded between digits,
# below). Chinese punctuation outside this block (、。《》“”〔〕) is kept: the parser relies on it.
_WIDTH = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C}
_SPACES = {chr(cp): " " for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
# Zero-width characters, soft hyphen, and the stray C0 controls a decoder lets through (never content).
_DELETE = {chr(cp): "" for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD,
                                  *range(0x00, 0x09), *range(0x0E, 0x20), 0x7F)}
_OTHER = {
    "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n",  # VT, FF (PDF page), NEL, LS/PS
    "\uffe0": "¢", "\uffe1": "£", "\uffe5": "¥", "\uffe8": "|",                # full-width signs outside the block
    "\u2223": "|", "\u2502": "|",                                             # divides / box-drawing bar
}
FOLD: dict[str, str] = {**_WIDTH, **_SPACES, **_DELETE, **_OTHER}
TRANSLATE = str.maketrans(FOLD)
# str.translate with a dict costs ~100 ns per character on CJK text; a document uses only a handful of the
# mapped characters, so find which with one regex pass and str.replace each (10x faster).
_FOLD_RX = re.compile("[" + re.escape("".join(FOLD)) + "]")

_COMMA_IN_NUMBER_RX = re.compile(r"，(?<=\d，)(?=\d)")
_NEWLINES_RX = re.compile(r"\r\n?")
# A run of single CJK characters separated by one or two spaces ("结 果 维 持", "总  计"): a spaced-out label.
# Words of two or more characters separated by spaces ("维持 纠正") are column boundaries and stay apart.
# Written gap by gap, starting with the literal space so the regex engine can skip ahead quickly: a gap goes
# when the character before it is CJK with no CJK before that, and the one after it is CJK with none after.
_SPACED_CJK_RX = re.compile(rf" (?<=[{_CJK}] )(?<![{_CJK}]..) ?(?=[{_CJK}](?![{_CJK}]))")
# In a cell, a gap next to CJK punctuation (、，。) is wrapping too: "三、 本年度" → "三、本年度".
_CJK_OR_PUNCT = _CJK + "\u3000-\u303f\uff0c\u201c\u201d"
_CELL_CJK_GAP_RX = re.compile(rf"(?<=[{_CJK_OR_PUNCT}])\s+(?=[{_CJK_OR_PUNCT}])")
_WS_RX = re.compile(r"\s+")


def fold(text: str) -> str:
    """Full-width → half-width and odd spaces → plain space (the FOLD table)."""
    for ch in set(_FOLD_RX.findall(text)):
        text = text.replace(ch, FOLD[ch])
    if "，" in text:
        text = _COMMA_IN_NUMBER_RX.sub(",", text)
    return text


def normalize_text(text: str) -> str:
    """Whole-document clean-up that keeps the line layout (and so column gaps in layout text) intact."""
    if "\r" in text:
        text = _NEWLINES_RX.sub("\n", text)
    text = _SPACED_CJK_RX.sub("", fold(text))
    return _rstrip_lines(text).rstrip()


def _rstrip_lines(text: str) -> str:
    """Every line but the last without trailing spaces and tabs (the caller strips the end). Two
    replaces take one blank off every line end at C speed, and lines rarely end in more than one;
    a Python call per line was up to a quarter of normalizing a one-cell-per-line table. A few
    lines with more: stripped one by one where they are; many: line by line."""
    if " \n" not in text and "\t\n" not in text:
        return text
    text = text.replace(" \n", "\n").replace("\t\n", "\n")
    pos = 0
    for _ in range(8):
        a, b = text.find(" \n", pos), text.find("\t\n", pos)
        if a < 0 and b < 0:
            return text
        at = b if a < 0 else a if b < 0 else min(a, b)  # the last blank before a line break
        head = text[:at + 1].rstrip(" \t")
        text, pos = head + text[at + 1:], len(head)
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


def normalize_cell(text: str) -> str:
    """A table cell is one label or value: its line breaks are wrapping, so CJK joins without a gap
    ("商业企\\n业" → "商业企业") and any other whitespace run becomes one space. "|" would break the
    " | " row rendering and becomes "/"."""
    text = _CELL_CJK_GAP_RX.sub("", fold(text))
    return _WS_RX.sub(" ", text).strip().replace("|", "/")
