"""Run-together digit recovery: crawled web text often loses the cell borders, so a row of seven
cells reads "1000001" or "1 0 0 0 0 01". Knowing how many cells the row has, list every way the
digit runs can be cut into that many cells (a multi-digit cell never starts with 0), and let the
table's own arithmetic and the narrative choose. Clearly delimited cells are never re-cut."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from .cells import UNREADABLE, Token, Value
from .placement import BLANK, Option

MAX_CELL_DIGITS = 7
MAX_CANDIDATES = 64
MAX_GAP_OPTIONS = 3432     # C(14, 7): more ways to place a row's numbers than that and the row is unknown
MAX_EXTRA_TOKENS = 3       # a row may show a few more numbers than cells: digits broken across lines

# Row-local sums of a row, as (indices of the parts, index of their total): APP_ROW_SUM's one,
# REVIEW_SUM / LITIGATION_SUM's three. Used to drop placements no non-negative filling can satisfy.
Sums = Sequence[tuple[Sequence[int], int]]


def _cuts(s: str, k: int) -> Iterator[list[int]]:
    """Ways to cut digit string s into k numbers without leading zeros."""
    if k == 1:
        if len(s) <= MAX_CELL_DIGITS and (len(s) == 1 or s[0] != "0"):
            yield [int(s)]
        return
    first_max = 1 if s[0] == "0" else min(MAX_CELL_DIGITS, len(s) - k + 1)
    for i in range(1, first_max + 1):
        for rest in _cuts(s[i:], k - 1):
            yield [int(s[:i]), *rest]


def splits(toks: Sequence[Token], n: int) -> list[list[Value]]:
    """Every reading of the tokens as exactly n cells (at most MAX_CANDIDATES)."""
    out: list[list[Value]] = []

    def walk(i: int, need: int, acc: list[Value]) -> None:
        if len(out) >= MAX_CANDIDATES:
            return
        if i == len(toks):
            if need == 0:
                out.append(list(acc))
            return
        t = toks[i]
        left = len(toks) - i - 1  # tokens after this one need at least one cell each
        if not t.splittable:
            if need >= 1:
                walk(i + 1, need - 1, [*acc, t.value])
            return
        for k in range(1, min(len(t.raw), need - left) + 1):
            for parts in _cuts(t.raw, k):
                walk(i + 1, need - k, [*acc, *parts])

    walk(0, n, [])
    return out


@dataclass(slots=True)
class Resolved:
    values: list[Value]
    raw: list[str | None]                      # printed text per cell where it says more than the value
    # Every split, when there is more than one, and those of them that pass the arithmetic. Read only
    # (an empty tuple by default: one per row was a measurable share of parsing).
    candidates: Sequence[list[Value]] = ()
    good: Sequence[list[Value]] = ()
    complete: bool = True                      # False when fewer cells than the row has were found
    plain: bool = False                        # n plain numbers as printed: no raw text, no candidates
    # More than one reading fits the row: every one of them (BLANK where no number is printed). The
    # table's identities then decide (placement.py); `values` is only the first of them.
    options: Sequence[Option] = ()


def resolve(toks: Sequence[Token], n: int, check: Callable[[list[Value]], bool] | None = None,
            sums: Sums | None = None, broken_lines: bool = False, delimited: bool = False) -> Resolved:
    """Read n cells from a row's tokens. Exact count: as printed (even if its arithmetic is broken:
    the report says so). More: the first n (stray numbers after the row are narrative), unless they
    break `check` and joining numbers broken across lines fits it. Fewer: recover the split, keeping
    those that pass `check`; with `sums` (a table whose pages may drop empty cells), when no split
    passes, every placement of the numbers into n columns that the row's sums allow.
    `broken_lines`: the numbers stand on lines of their own (a page that may break one across lines).
    `delimited`: a row of a table without identities whose numbers stand apart from its label: a page
    may have dropped its empty cells or broken a number, as well as run digits together — every one
    of these readings is kept.
    Wherever more than one reading remains, all of them are `options`: nothing is chosen here.
    A cell OCR could not read (UNREADABLE) is BLANK in the one reading of a row that has n cells — the
    identities may fill it, nothing else does; in any other row nothing says which cell it was, so the
    whole row is BLANK."""
    if any(t.raw == UNREADABLE for t in toks):
        if len(toks) == n:
            return Resolved([None if t.raw == UNREADABLE else t.value for t in toks],
                            [t.raw if not t.raw.isdigit() else None for t in toks],
                            options=[[BLANK if t.raw == UNREADABLE else t.value for t in toks]])
        return Resolved([None] * n, [None] * n, complete=False, options=[[BLANK] * n])
    if len(toks) >= n:
        use = toks[:n]
        vals = [t.value for t in use]
        raws = [t.raw if not t.raw.isdigit() else None for t in use]
        if len(toks) > n and check is not None and (broken_lines or delimited or sums is not None
                                                    or not check(vals)):
            # More numbers than cells: a stray one after the row, or one number broken in two (across
            # lines, or by a space on a one-line page) — every reading that adds up.
            readings = [j for j in _joins(toks, n, check) if j != vals]
            if check(vals):
                readings.insert(0, vals)
            if len(readings) == 1:
                return Resolved(readings[0], raws if readings[0] is vals else [None] * n)
            if readings:
                return Resolved(list(readings[0]), [None] * n, options=readings)
            if sums is not None:  # neither as printed nor joined does the row add up: not read
                return Resolved([None] * n, [None] * n, complete=False, options=[[BLANK] * n])
        elif len(toks) > n and check is None and (broken_lines or delimited):
            # No arithmetic to tell a number broken across lines from a stray one: every reading.
            readings = [vals, *(j for j in _joins(toks, n, lambda v: True) if j != vals)]
            if len(readings) > 1:
                return Resolved(vals, raws, options=readings)
        return Resolved(vals, raws)
    cands = splits(toks, n) if any(t.splittable for t in toks) else []
    good = [c for c in cands if check is None or check(c)]
    if good and delimited and sums is None and not any(t.raw.isdigit() and len(t.raw) > 1 and t.raw[0] == "0"
                                                       for t in toks):  # "00" is never one cell
        # Each number whole, in some of the columns, is as good a reading as any split of them.
        gaps = [g for g in gap_options([t.value for t in toks], n, ()) if g not in good]
        if gaps:
            return Resolved([None] * n, [None] * n, complete=False, options=[*good, *gaps])
    if good:
        many = len(cands) > 1
        return Resolved(list(good[0]), [None] * n, candidates=cands if many else [],
                        good=good if many else [], options=good if len(good) > 1 else ())
    raws = [t.raw if not t.raw.isdigit() else None for t in toks] + [None] * (n - len(toks))
    if sums is not None:
        opts = gap_options([t.value for t in toks], n, sums)
        return Resolved([None] * n, [None] * n, complete=False, options=opts or [[BLANK] * n])
    if cands and delimited:  # no split fits the row's check: each number whole is a reading too
        gaps = [g for g in gap_options([t.value for t in toks], n, ()) if g not in cands]
        if gaps:
            return Resolved([None] * n, [None] * n, complete=False, options=[*cands, *gaps])
    if cands:  # no table arithmetic to choose with: every split is a reading
        return Resolved(list(cands[0]), [None] * n, candidates=cands if len(cands) > 1 else [],
                        good=cands if len(cands) > 1 else [], options=cands if len(cands) > 1 else ())
    vals = [t.value for t in toks] + [None] * (n - len(toks))
    if n > len(toks):  # which columns the printed numbers stand in is not known
        return Resolved(vals, raws, complete=False, options=gap_options(vals[:len(toks)], n, ()))
    return Resolved(vals, raws, complete=False)


def gap_options(values: Sequence[Value], n: int, sums: Sums) -> list[Option]:
    """Every placement of the printed values, in order, into n columns (the page dropped the empty
    cells between them), that the row's sums allow with non-negative blanks."""
    k = len(values)
    if k > n:
        return []
    out: list[Option] = []
    for cols in combinations(range(n), k):
        opt: list[Value | object] = [BLANK] * n
        for c, v in zip(cols, values, strict=True):
            opt[c] = v
        if all(_sum_fits(opt, parts, total) for parts, total in sums):
            out.append(opt)  # type: ignore[arg-type]  # an option: values and BLANKs
            if len(out) > MAX_GAP_OPTIONS:
                return []
    return out


def _sum_fits(opt: Sequence[object], parts: Sequence[int], total: int) -> bool:
    """Whether parts = total can hold with the blanks non-negative (null markers count 0)."""
    printed = 0
    blank = False
    for i in parts:
        v = opt[i]
        if v is BLANK:
            blank = True
        elif v is not None:
            printed += v  # type: ignore[operator]  # v is a number here (not BLANK, not None)
    t = opt[total]
    if t is BLANK:
        return True
    t = 0 if t is None else t
    return printed <= t if blank else printed == t  # type: ignore[operator]  # t is a number here (not BLANK, not None)


def _joins(toks: Sequence[Token], n: int, check: Callable[[list[Value]], bool]) -> list[list[Value]]:
    """Readings of more than n plain-digit tokens as n cells, adjacent tokens joined into one number
    (a page that breaks a number across lines: "1" / "62"), that pass `check`."""
    if len(toks) > n + MAX_EXTRA_TOKENS:
        return []
    raws = [t.raw for t in toks]
    out: list[list[Value]] = []

    def walk(i: int, need: int, acc: list[Value]) -> None:
        if need == 0:
            if i == len(raws) and check(list(acc)):
                out.append(list(acc))
            return
        if not raws[i].isdigit():  # a null marker, a signed or decimal number: a cell of its own
            walk(i + 1, need - 1, [*acc, toks[i].value])
            return
        for j in range(i + 1, len(raws) - need + 2):
            if not raws[j - 1].isdigit():
                break
            s = "".join(raws[i:j])
            if len(s) > MAX_CELL_DIGITS or (len(s) > 1 and s[0] == "0"):
                break
            walk(j, need - 1, [*acc, int(s)])

    walk(0, n, [])
    return out
