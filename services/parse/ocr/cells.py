"""What OCR read in one table cell becomes the cell's text: a number read with confidence stays, a number
(or what should be one) read without it becomes UNREADABLE, which the parser keeps null with a finding —
a figure is right, or it is flagged."""
from __future__ import annotations

import re

from services.parse.parser.cells import UNREADABLE  # the parser's marker for a cell that could not be read

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")


def cell_text(text: str, confidence: float, min_confidence: float) -> str:
    """The text to put in the grid for what the engine read in a cell."""
    t = text.strip().replace(" ", "")
    if not t:
        return ""
    if _NUMBER.fullmatch(t):
        return t if confidence >= min_confidence else UNREADABLE
    cjk = len(_CJK.findall(t))
    if cjk >= 2:
        return text.strip()  # a label: the parser matches labels loosely; a doubtful glyph does not move a number
    if any(ch.isdigit() for ch in t) or cjk == 0 or len(t) <= 2:
        # "12O", "の" where a digit was printed, a digit glued to junk: not a number we can vouch for
        return t if confidence >= min_confidence and t in ("无", "/", "-", "—", "–") else UNREADABLE
    return text.strip()
