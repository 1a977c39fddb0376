"""The report's own words as a tie-breaker: when a run-together row splits more than one way, the
split whose numbers the narrative states ("制定规范性文件5件") is the one the report supports."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from .cells import Value

_Reading = TypeVar("_Reading", bound=Sequence[object])  # a row's values (or an option, with BLANKs)

_SENTENCE = re.compile(r"[^。;；!?\n]+")
_COUNT = re.compile(r"(?<![\d.])(\d+)[ ]?(?:件|条|个|份|起|人次)")


def stated_numbers(text: str, keyword: re.Pattern[str]) -> set[int]:
    """Counts stated in sentences that mention the keyword."""
    out: set[int] = set()
    for s in _SENTENCE.finditer(text):
        if keyword.search(s.group()):
            out.update(int(n) for n in _COUNT.findall(s.group()))
    return out


def best_supported(candidates: Sequence[list[Value]], stated: set[int]) -> int:
    """Index of the candidate with the most distinct non-zero values the narrative states (first on ties)."""
    def score(c: list[Value]) -> int:
        return len({v for v in c if isinstance(v, int) and v and v in stated})
    scores = [score(c) for c in candidates]
    return scores.index(max(scores))


def best_supported_all(candidates: Sequence[_Reading], stated: set[int]) -> list[_Reading]:
    """The candidates with the most distinct non-zero values the narrative states; all of them when
    none has any (then the narrative says nothing about this row)."""
    def score(c: _Reading) -> int:
        return len({v for v in c if isinstance(v, int) and v and v in stated})
    scores = [score(c) for c in candidates]
    best = max(scores, default=0)
    if best == 0:
        return list(candidates)
    return [c for c, s in zip(candidates, scores, strict=True) if s == best]
