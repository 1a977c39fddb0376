"""HTML that a page builds in JavaScript ("var s = '<table>' + '<tr>…'; document.write(s)"): recover the markup
from the script's string literals so tables written that way are extracted too."""
from __future__ import annotations

import re

_LITERAL_RX = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`""", re.S)
# What may separate two literals of one concatenation: "+", "s +=" on the next statement, line breaks, comments.
_JOIN_GAP_RX = re.compile(r"(?:\s|/\*.*?\*/|//[^\n]*\n)*(?:\+|;\s*(?:var\s+|let\s+)?[\w$.\[\]]+\s*\+?=)?"
                          r"(?:\s|/\*.*?\*/|//[^\n]*\n)*", re.S)
_ESCAPE_RX = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\n|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\n", "b": "", "f": "\n", "v": "\n", "0": "", "\n": ""}
_TAG_RX = re.compile(r"<\s*/?\s*[a-zA-Z]")
MAX_SCRIPT_CHARS = 2_000_000


def _unescape_one(m: re.Match[str]) -> str:
    esc = m.group(1)
    if esc[0] == "u":
        code = int(esc[2:-1] if esc.startswith("u{") else esc[1:], 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
    if esc[0] == "x" and len(esc) == 3:
        return chr(int(esc[1:], 16))
    return _SIMPLE_ESCAPES.get(esc, esc)


def unescape(literal: str) -> str:
    return _ESCAPE_RX.sub(_unescape_one, literal) if "\\" in literal else literal


def markup_from_script(script: str) -> str | None:
    """Markup built by a script, or None when its strings hold no table. Literals chained by "+" / "+=" form
    one piece; pieces without any tag (selectors, messages) are left out."""
    if len(script) > MAX_SCRIPT_CHARS or "table" not in script.lower():
        return None
    groups: list[list[str]] = []
    prev_end = -1
    for m in _LITERAL_RX.finditer(script):
        value = unescape(next(g for g in m.groups() if g is not None))
        gap = script[prev_end:m.start()] if prev_end >= 0 else None
        if gap is not None and _JOIN_GAP_RX.fullmatch(gap):
            groups[-1].append(value)
        else:
            groups.append([value])
        prev_end = m.end()
    pieces = ["".join(g) for g in groups]
    kept = [p for p in pieces if _TAG_RX.search(p)]
    markup = "\n".join(kept)
    return markup if "<table" in markup.lower() else None
