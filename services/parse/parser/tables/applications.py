"""三、收到和处理政府信息公开申请情况: 26 rows × 7 applicant columns (2019: 23 rows)."""
from __future__ import annotations

from shared.record import APP_COLS, APP_OTHER_SUBROWS
from shared.schema import app_rows, identities_of

from ..cells import Value
from ..placement import Placed, place
from ..rows import Label, label
from .base import RowSpec, TableResult, options_of, read_rows, store, store_placed

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
_ROW_SUMS = ((tuple(range(6)), 6),)  # natural_person + the five organisation columns = total


def _row_sum(v: list[Value]) -> bool:
    """natural_person + the five organisation columns = total, null markers counting 0 (as in the
    rules); a row without a total cannot break it."""
    return v[6] is None or sum(x or 0 for x in v[:6]) == v[6]


_SPECS = [RowSpec(k, _LABELS[k], _COLS, check=_row_sum, sums=_ROW_SUMS) for k in ORDER]


def parse(text: str, start: int, end: int, template: str | None, narrative: str) -> TableResult:
    resolved, segs = read_rows(text, _SPECS, start, end)
    by_key = dict(zip(ORDER, resolved, strict=True))
    # (六) as three sub-rows when the report prints their labels (with numbers or not); a 2021-template
    # report that prints (六) as one row keeps it, with the sub-rows empty (the shape of its template).
    labelled = dict(zip(ORDER, segs, strict=True))
    two_level = any(labelled[k] is not None for k in APP_OTHER_SUBROWS)
    keys = [k for k in app_rows(two_level) if not (two_level and k == "other")]
    result = TableResult({})
    if all(res is not None and not res.options for res in (by_key[k] for k in keys)):  # the usual table: all rows read
        for k in keys:
            store(result, TABLE, k, _COLS, by_key[k])
    else:
        rows = {k: ([f"{TABLE}.{k}.{c}" for c in _COLS], options_of(by_key[k], 7)) for k in keys}
        placed = place(rows, identities_of(TABLE, two_level))
        for k in keys:
            if f"{TABLE}.{k}.total" in placed:
                store_placed(result, TABLE, k, _COLS, placed, by_key[k])
            else:
                store(result, TABLE, k, _COLS, by_key[k])
    if two_level:
        _derive_other(result)
    elif template == "2021":
        for k in APP_OTHER_SUBROWS:
            store(result, TABLE, k, _COLS, None)
    return _in_table_order(result, app_rows(two_level or template == "2021"))


def _derive_other(result: TableResult) -> None:
    """2021: (六)其他处理 is the sum of its three sub-rows (printed without numbers of its own)."""
    other: dict[str, Value] = {}
    for c in _COLS:
        paths = [f"{TABLE}.{k}.{c}" for k in APP_OTHER_SUBROWS]
        if any(p in result.provenance and result.provenance[p].source == "unknown" for p in paths):
            other[c] = None
            result.provenance[f"{TABLE}.other.{c}"] = Placed(None, "unknown")
            continue
        other[c] = _sum(tuple(result.values.get(k, {}).get(c) for k in APP_OTHER_SUBROWS))
        by = sorted({i for p in paths if p in result.provenance for i in result.provenance[p].by})
        if by:
            result.provenance[f"{TABLE}.other.{c}"] = Placed(other[c], "inferred", tuple(by))
    result.values["other"] = other


def _in_table_order(result: TableResult, keys: tuple[str, ...]) -> TableResult:
    result.values = {k: result.values[k] for k in keys if k in result.values}
    return result


def _sum(vals: tuple[Value, ...]) -> Value:
    present = [v for v in vals if v is not None]
    return sum(present) if present else None
