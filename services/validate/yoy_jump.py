"""YOY_JUMP (info): a headline figure of a report is more than 5× or less than 1/5 of the same body's
figure the year before. Pure, like CROSS_YEAR: the caller finds `previous` (same agency_key, year − 1).

Headline figures (labels from the catalogue's key figures, shared/schema.py):
- applications.new_received.total — 本年新收政府信息公开申请;
- applications.granted.total — 予以公开;
- review_litigation.review.total — 行政复议总计;
- 行政诉讼: review_litigation.litigation_direct.total + litigation_after_review.total (the finding points
  at litigation_direct.total, as NARRATIVE_MISMATCH does for litigation).
Both values must be stated and non-trivial (≥ 10): a body going from 2 applications to 11 is not news.
Not a fault — a new policy, a campaign or a mass request may explain it — but worth a look, since a jump
this size is also what a misplaced column or a misread digit produces.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.record import Cell, Finding, Record
from shared.schema import KEY_FIGURES, cap

from .rules._common import finding, fmt

FACTOR = 5       # more than FACTOR × or less than 1/FACTOR of last year's figure
MIN_VALUE = 10   # both years' figures at least this (small counts swing by chance)

_KEY = {k.path: k for k in KEY_FIGURES}


def _cell(path: str) -> Callable[[Record], Cell]:
    table, rest = path.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return lambda r: getattr(r, table).get(row, {}).get(col)


def _litigation(r: Record) -> Cell:
    """Both 行政诉讼 groups' totals together; null when neither is stated."""
    cells = [r.review_litigation.get(g, {}).get("total") for g in ("litigation_direct", "litigation_after_review")]
    stated = [c for c in cells if c is not None]
    return sum(stated) if stated else None


@dataclass(frozen=True)
class Headline:
    where: str                         # the cell a finding points at
    zh: str
    en: str
    value: Callable[[Record], Cell]


HEADLINES: tuple[Headline, ...] = (
    *(Headline(p, _KEY[p].zh, _KEY[p].en, _cell(p)) for p in (
        "applications.new_received.total", "applications.granted.total", "review_litigation.review.total")),
    Headline("review_litigation.litigation_direct.total", "行政诉讼（直接起诉与复议后起诉）",
             "lawsuits (direct and after review)", _litigation),
)


def _ratio(x: float) -> str:
    return f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def yoy_jump(previous: Record, current: Record) -> list[Finding]:
    """Findings on `current`: each headline figure that jumped or fell more than FACTOR-fold."""
    py, cy = previous.meta.year, current.meta.year
    if py is not None and cy is not None and py != cy - 1:
        return []  # not consecutive: nothing to compare
    out: list[Finding] = []
    for h in HEADLINES:
        before, now = h.value(previous), h.value(current)
        if before is None or now is None or before < MIN_VALUE or now < MIN_VALUE:
            continue
        ratio = now / before
        if ratio > FACTOR:
            zh_how = f"是上一年度的 {_ratio(ratio)} 倍（超过 {FACTOR} 倍）"
            en_how = f"{_ratio(ratio)} times (more than {FACTOR}×)"
        elif ratio < 1 / FACTOR:
            zh_how = f"仅为上一年度的 {_ratio(ratio)} 倍（不到五分之一）"
            en_how = f"only {_ratio(ratio)} times (less than a fifth of)"
        else:
            continue
        year_zh = f"{cy} 年度" if cy is not None else "本年度"
        prev_zh = f"{py} 年度" if py is not None else "上一年度"
        out.append(finding(
            "YOY_JUMP", "info",
            f"“{h.zh}”：{year_zh}为 {fmt(now)}，{prev_zh}为 {fmt(before)}，{zh_how}，请核实",
            f"{cap(h.en)}: {fmt(now)} this year against {fmt(before)} the year before, "
            f"{en_how} last year's figure; worth checking",
            where=h.where, expected=before, actual=now))
    return out
