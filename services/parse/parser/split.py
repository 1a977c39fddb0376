"""Run-together digit recovery: crawled web text often loses the cell borders, so a row of seven
cells reads "1000001" or "1 0 0 0 0 01". Knowing how many cells the row has, list every way the
digit runs can be cut into that many cells (a multi-digit cell never starts with 0), and let the
table's own arithmetic and the narrative choose. Clearly delimited cells are never re-cut."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .cells import Token, Value

MAX_CELL_DIGITS = 7
MAX_CANDIDATES = 64


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


def resolve(toks: Sequence[Token], n: int, check: Callable[[list[Value]], bool] | None = None,
            ) -> Resolved:
    """Read n cells from a row's tokens. Exact count: as printed (even if its arithmetic is broken:
    the report says so). Fewer: recover the split, preferring those that pass `check`.
    More: the first n (stray numbers after the row are narrative)."""
    if len(toks) >= n:
        use = toks[:n]
        return Resolved([t.value for t in use], [t.raw if not t.raw.isdigit() else None for t in use])
    cands = splits(toks, n) if any(t.splittable for t in toks) else []
    if not cands:
        vals = [t.value for t in toks] + [None] * (n - len(toks))
        raws = [t.raw if not t.raw.isdigit() else None for t in toks] + [None] * (n - len(toks))
        return Resolved(vals, raws, complete=False)
    good = [c for c in cands if check is None or check(c)] or cands
    many = len(cands) > 1
    return Resolved(list(good[0]), [None] * n, candidates=cands if many else [], good=good if many else [])
