"""三、收到和处理政府信息公开申请情况: 26 rows × 7 applicant columns (2019: 23 rows)."""
from __future__ import annotations

import re

from shared.record import APP_COLS, APP_OTHER_SUBROWS, APP_RESULT_ROWS, APP_ROWS_2019, APP_ROWS_2021

from ..cells import Value
from ..narrative import best_supported, stated_numbers
from ..rows import Label, label
from .base import RowSpec, TableResult, read_rows, store

TABLE = "applications"
_ANY = r"(?:\({n}\)|{n}[ ]?[.、])[ ]?"

_LABELS: dict[str, Label] = {
    "new_received": label("本年新收", "一"),
    "carried_over": label("上年结转", "二"),
    "granted": label("予以公开", "一"),
    "partially_granted": label("部分公开", "二"),
    "denied.state_secret": label("属?于?国家秘密", "1"),
    "denied.prohibited_by_law": label("其他法律", "2"),
    "denied.security_stability": label("危及", "3"),
    "denied.third_party_rights": label("保护第三方", "4"),
    "denied.internal_affairs": label("属?于?三类内部事务", "5"),
    "denied.process_information": label("属?于?四类过程", "6"),
    "denied.enforcement_files": label("属?于?行政执法案卷", "7"),
    "denied.administrative_query": label("属?于?行政查询", "8"),
    "unable.not_held": label("本机关不掌握", "1"),
    "unable.needs_creation": label("没有现成信息", "2"),
    "unable.unclear": label("补正后申请内容", "3"),
    "not_processed.petition": label("信访举报投诉", "1"),
    "not_processed.duplicate": label("重复申请", "2"),
    "not_processed.publication": label("要?求?提供公开出版物", "3"),
    "not_processed.excessive": label("无正当理由大量", "4"),
    "not_processed.confirmation": label("要?求?行政机关确认", "5"),
    # (六) as one row (2019) or as the heading of its three sub-rows (2021).
    "other": Label.build(r"(?:\(六\)[ ]?|(?<![\u4e00-\u9fff])(?=其他处理))", "其他", r"(?:处理)?[^\d|\s]*"),
    "other.no_correction": label("申请人无正当理由逾期不补正", "1"),
    "other.unpaid_fee": label("申请人逾期未按收费", "2"),
    "other.other": Label.build(_ANY.format(n="3"), "其他", r"(?![\u4e00-\u9fff])"),
    "total": label("总计", "七"),
    "carried_forward": label("结转下年", "四"),
}
ORDER = tuple(_LABELS)
_COLS = APP_COLS
_APPLICATION = re.compile("申请")


def _row_sum(v: list[Value]) -> bool:
    return None in v or sum(v[:6]) == v[6]  # type: ignore[arg-type]


_SPECS = [RowSpec(k, _LABELS[k], _COLS, check=_row_sum) for k in ORDER]


def parse(text: str, start: int, end: int, template: str | None, narrative: str) -> TableResult:
    resolved, _ = read_rows(text, _SPECS, start, end)
    by_key = dict(zip(ORDER, resolved))
    rows: dict[str, list[Value] | None] = {k: (r.values if r else None) for k, r in by_key.items()}
    _disambiguate(by_key, rows, narrative)

    sub = [rows[k] for k in APP_OTHER_SUBROWS]
    if any(s is not None for s in sub):
        rows["other"] = [_sum(vals) for vals in zip(*(s or [None] * 7 for s in sub))]
        by_key["other"] = None
    keys = APP_ROWS_2021 if template == "2021" or any(s is not None for s in sub) else APP_ROWS_2019
    result = TableResult({})
    for k in keys:
        res = by_key.get(k)
        if k == "other" and res is None and rows["other"] is not None:
            result.values[k] = dict(zip(_COLS, rows["other"]))
            continue
        store(result, TABLE, k, _COLS, res)
    return result


def _sum(vals: tuple[Value, ...]) -> Value:
    present = [v for v in vals if v is not None]
    return sum(present) if present else None  # type: ignore[return-value]


def _disambiguate(by_key: dict, rows: dict[str, list[Value] | None], narrative: str) -> None:
    """A row that splits several ways takes the split that makes the table's column arithmetic
    (balance, total = sum of results) hold; then the one the narrative states."""
    stated: set[int] | None = None
    for key, res in by_key.items():
        if res is None or len(res.good) < 2:
            continue
        scores = []
        for cand in res.good:
            rows[key] = cand
            scores.append(_column_checks(rows))
        best = max(scores)
        tied = [c for c, s in zip(res.good, scores) if s == best]
        if len(tied) > 1:
            stated = stated if stated is not None else stated_numbers(narrative, _APPLICATION)
            choice = tied[best_supported(tied, stated)]
        else:
            choice = tied[0]
        res.values = list(choice)
        rows[key] = res.values


def _column_checks(rows: dict[str, list[Value] | None]) -> int:
    """How many per-column identities hold: 一+二 = (七)+四, and (七) = sum of result rows."""
    ok = 0
    for c in range(7):
        def cell(k: str) -> Value:
            r = rows.get(k)
            return r[c] if r else None
        a, b, t, f = cell("new_received"), cell("carried_over"), cell("total"), cell("carried_forward")
        if None not in (a, b, t, f) and a + b == t + f:  # type: ignore[operator]
            ok += 1
        parts = [cell(k) for k in APP_RESULT_ROWS if k != "other"]
        subs = [cell(k) for k in APP_OTHER_SUBROWS]
        other = cell("other") if all(s is None for s in subs) else sum(s for s in subs if s is not None)
        if t is not None and None not in parts and other is not None and t == sum(parts) + other:  # type: ignore[operator]
            ok += 1
    return ok
