"""Cell text → value, and the value tokens of a row's text segment.

A segment is the text between one row label and the next. It holds the row's cells in whatever
layout the report used (" | " cells, one per line, tab/space columns, or digits run together),
plus stray label fragments and narrative that must not be read as cells.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .text import CJK, is_cjk

Value = int | float | None

# A number (optionally signed, decimal, with a unit as printed in cells: "3168.0656(万元)",
# "251000元"), or a null marker. Order matters: "-3" is a number, a lone "-" is null.
_TOKEN = re.compile(
    r"(?P<num>[+-]?\d+(?:\.\d+)?)(?P<unit>[ ]?\(?(?:万元|元)\)?)?"
    r"|(?P<null>不适用|无|/|—+|-+|–|⍰)"
)
# A cell OCR saw ink in but could not read with confidence (services/parse/ocr/cells.py): its value is not
# known — not a null marker, which counts 0 — so the row's reading leaves it BLANK (split.resolve).
UNREADABLE = "⍰"
# A year, date, document number, percentage or a count with its unit ("74件") is narrative, and a
# digit before "1." / "1、" + label is list numbering: neither is a cell.
_NOT_A_CELL_AFTER = re.compile(r"[ ]?(?:[年月日号%件条个项次篇期人家起份]|[.、][ ]?[" + CJK + r"])")
# Narrative after the row's cells: a run of ideographs this long ends the row.
_PROSE = re.compile(rf"[{CJK}]{{4,}}")
_PLAIN = re.compile(r"[\d |\n]*")
_UNSAFE_NEXT = frozenset("年月日号%件条个项次篇期人家起份.、元万")
_UNSAFE_REST = re.compile(r"[\d/—–-]|无|不适用")
NULL_MARKERS = frozenset({"无", "不适用", "/", "-", "—", "–"})


class Token(NamedTuple):
    raw: str          # text as printed, e.g. "3168.0656(万元)", "-3", "无"
    value: Value      # None for null markers
    splittable: bool  # a bare multi-digit run that may be several cells run together


_new = tuple.__new__  # Token(...) runs Python code; tuple.__new__(Token, …) does not (hot path)


def value_of(raw: str, money: bool = False) -> Value:
    """Value of one printed cell; None for empty cells and null markers (never 0)."""
    s = raw.strip()
    if not s:
        return None
    m = _TOKEN.fullmatch(s) or _TOKEN.search(s)
    if m is None or m.group("null"):
        return None
    return _number(m.group("num"), m.group("unit") or "", money)


def _number(num: str, unit: str, money: bool) -> int | float:
    v: int | float = float(num) if "." in num else int(num)
    if money and "元" in unit and "万" not in unit:
        v = round(v / 10000, 10)  # "251000元" in a 万元 column
    return v


def pipe_values(line: str, n: int) -> list[Value] | None:
    """The usual " | " row, read without Token objects: no spare blank cells before the values and
    its first n cells plain digits. Then these are the values `pipe_cells` + `resolve` give (with no
    raw text); None for any other row, which `pipe_cells` reads."""
    parts = line.split("|")
    del parts[0]
    if len(parts) < n or (len(parts) > n and not parts[0].strip()):
        return None
    cells = list(map(str.strip, parts[:n]))
    if all(cells) and "".join(cells).isdigit():
        return list(map(int, cells))
    return None


def pipe_cells(line: str, n: int, money: bool = False, check=None) -> list[Token] | None:
    """Cells of a " | "-rendered row (HTML/DOCX/PDF tables, markdown), where an empty cell is a
    null cell in its own column. A row may carry spare cells: empty ones before its values (a
    spanned label column left blank by PDF extraction) or after them (colspan padding), so the
    values are the n cells after any such leading blanks, unless only the first n pass `check`.
    None when the line is not such a row (fewer than n cells, or a cell not holding one value)."""
    parts = line.split("|")[1:]
    if len(parts) < n:
        return None
    lead = 0
    while len(parts) - lead > n and not parts[lead].strip():
        lead += 1
    first = _cells(parts[lead:lead + n], money)
    if lead and check is not None and (first is None or not check([t.value for t in first])):
        plain = _cells(parts[:n], money)
        if plain is not None and check([t.value for t in plain]):
            return plain
    return first


def _cells(parts: list[str], money: bool) -> list[Token] | None:
    cells = [c.strip() for c in parts]
    if all(cells) and "".join(cells).isdigit():  # = every cell is digits (the usual row), tested in C
        return [_new(Token, (c, int(c), False)) for c in cells]
    out: list[Token] = []
    for c in cells:
        if not c:
            out.append(_new(Token, ("", None, False)))
        elif c.isdigit():  # a delimited cell is never re-split
            out.append(_new(Token, (c, int(c), False)))
        else:
            toks = tokens(c, money=money, stop_at_prose=False)
            if len(toks) != 1:
                return None
            out.append(toks[0]._replace(splittable=False))
    return out


def tokens(segment: str, money: bool = False, stop_at_prose: bool = True, glued: bool = False) -> list[Token]:
    """The cell tokens of a row segment, in order. Digits glued to a preceding ideograph
    ("数据1"), years/dates and leftover list numbering ("1.属于…") are not cells; null markers
    count only when they stand alone (not the 无 of "无法提供"). `glued` accepts digits right after
    an ideograph (a header word run into the cells: "总计000000000000000")."""
    runs = _plain_runs(segment)
    if runs is not None:  # fast path: the usual row
        return [_new(Token, (d, int(d), len(d) > 1)) for d in runs]
    out: list[Token] = []
    end = len(segment)
    for m in _TOKEN.finditer(segment):
        if m.start() >= end:
            break
        s, e = m.start(), m.end()
        before = segment[s - 1] if s > 0 else ""
        after = segment[e] if e < len(segment) else ""
        if m.group("null"):
            if (s > 0 and is_cjk(before)) or is_cjk(after) or (after.isdigit() and m.group("null")[0] in "-–"):
                continue
            out.append(_new(Token, (m.group(), None, False)))
        else:
            if s > 0 and not glued and (is_cjk(before) or before.isalpha()):
                continue
            if _NOT_A_CELL_AFTER.match(segment, e):
                continue
            num, unit = m.group("num"), m.group("unit") or ""
            out.append(_new(Token, (m.group().strip(), _number(num, unit, money),
                                    num.isdigit() and len(num) > 1 and not unit)))
        if stop_at_prose and len(out) == 1:
            p = _PROSE.search(segment, e)
            if p:
                end = p.start()
    return out


def _plain_runs(segment: str) -> list[str] | None:
    """The digit runs of a segment that is only digits and separators, then text without cells;
    None for any other segment."""
    m = _PLAIN.match(segment)
    assert m is not None  # [\d |\n]* matches every string
    plain = m.end()
    rest = segment[plain:plain + 1]
    if plain and (not rest or (rest not in _UNSAFE_NEXT and not _UNSAFE_REST.search(segment, plain))):
        return segment[:plain].replace("|", " ").split()
    return None


def plain_values(segment: str, n: int) -> tuple[list[Value], bool] | None:
    """`tokens` + `resolve` for the usual segment, without Token objects: at least n plain digit runs
    (nothing to re-split) give the first n as values (with no raw text), and whether there were more
    runs than that; None otherwise."""
    runs = _plain_runs(segment)
    if runs is None or len(runs) < n:
        return None
    return list(map(int, runs[:n])), len(runs) > n


_DIGIT = re.compile(r"\d")
# Besides a digit, what a token can start with: a sign, or a null marker (see _TOKEN).
_TOKEN_STARTS = ("+", "-", "无", "不适用", "/", "—", "–")


def glued_tail_tokens(segment: str) -> list[Token] | None:
    """`tokens(segment, stop_at_prose=False, glued=True)` for the usual review/litigation region,
    without a regex try at every character of its header: a header with no digit, sign or null
    marker (so no token, and nothing that joins the first run), then only digit runs and separators
    (each run a token, glued to the header or not). None for any other segment."""
    header = segment.rstrip("0123456789 |\n")
    if _DIGIT.search(header) or any(start in header for start in _TOKEN_STARTS):
        return None
    return [_new(Token, (d, int(d), len(d) > 1)) for d in segment[len(header):].replace("|", " ").split()]


def raw_needed(tok: Token) -> bool:
    """Whether a cell's printed text says more than its value (null marker, unit, sign, decimal)."""
    return not tok.raw.isdigit()


_LONE_NUMBER = re.compile(r"\n[ ]*(?:[+-]?\d+(?:\.\d+)?(?:[ ]?\(?万?元\)?)?|无|不适用|/|—+|-+|–)[ ]*(?=\n)")
_DIGIT_LINE = re.compile(r"\n[^\n]*\d")


def cells_on_own_lines(region: str) -> bool:
    """Whether the table puts each cell on a line of its own (a web page flattened one cell per line).
    Then a number is a whole cell, never several run together; a row that shows fewer numbers than it
    has cells dropped the others."""
    text = "\n" + region + "\n"
    lone = [m.strip() for m in _LONE_NUMBER.findall(text)]
    if any(len(x) > 1 and x[0] == "0" and x.isdigit() for x in lone):
        return False  # "000": cells run together, whatever the line breaks
    return len(lone) >= 2 and len(lone) >= 0.8 * len(_DIGIT_LINE.findall(text))
