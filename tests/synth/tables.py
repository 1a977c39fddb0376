"""The three statistical tables as a government site lays them out: rows of origin cells with
rowspan/colspan, labelled with the national template's own wording. Values are formatted here
(null markers, money units); layouts only decide how rows and cells are written down."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shared.record import APP_COLS, RL_COLS, RL_GROUPS

Cell = int | float | None


@dataclass
class TCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = True  # a label (may be wrapped by a layout), not a value


TRows = list[list[TCell]]


@dataclass
class Style:
    """How values and labels are written in one report."""

    null_marker: str = "/"
    money: str = "plain"       # "plain" 3168.0656 | "wan" 3168.0656(万元) | "yuan" 31680656元
    fullwidth: bool = False    # （一） ： ， in labels, like seed 004


_FW = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})


def label(text: str, style: Style) -> str:
    return text.translate(_FW) if style.fullwidth else text


def fmt_number(v: Cell, style: Style, money: bool = False) -> str:
    if v is None:
        return style.null_marker
    if money and style.money == "yuan":
        return f"{round(v * 10000)}元"
    s = repr(v) if isinstance(v, float) else str(v)
    if money and style.money == "wan":
        return s + label("(万元)", style)
    return s


def _v(v: Cell, style: Style, money: bool = False, colspan: int = 1) -> TCell:
    return TCell(fmt_number(v, style, money), colspan=colspan, header=False)


def _h(text: str, style: Style, rowspan: int = 1, colspan: int = 1) -> TCell:
    return TCell(label(text, style), rowspan, colspan)


# --- 二、主动公开政府信息情况 -------------------------------------------------------------------
def ad_rows(template: str, ad: dict[str, dict[str, Cell]], s: Style) -> TRows:
    def item(n: str) -> list[TCell]:
        return [_h(f"第二十条第({n})项", s, colspan=4)]

    rows: TRows = []
    if template == "2021":
        rows += [item("一"), [_h("信息内容", s), _h("本年制发件数", s), _h("本年废止件数", s), _h("现行有效件数", s)]]
        for key, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
            rows.append([_h(name, s)] + [_v(ad[key][c], s) for c in ("issued", "repealed", "in_force")])
        for n, keys in (("五", [("licensing", "行政许可")]),
                        ("六", [("punishment", "行政处罚"), ("enforcement", "行政强制")])):
            rows += [item(n), [_h("信息内容", s), _h("本年处理决定数量", s, colspan=3)]]
            rows += [[_h(name, s), _v(ad[key]["decisions"], s, colspan=3)] for key, name in keys]
        rows += [item("八"), [_h("信息内容", s), _h("本年收费金额(单位:万元)", s, colspan=3)],
                 [_h("行政事业性收费", s), _v(ad["fees"]["amount_wan_yuan"], s, money=True, colspan=3)]]
        return rows
    rows += [item("一"), [_h("信息内容", s), _h("本年新制作数量", s), _h("本年新公开数量", s), _h("对外公开总数量", s)]]
    for key, name in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        rows.append([_h(name, s)] + [_v(ad[key][c], s) for c in ("new_made", "new_published", "total_published")])
    head3 = [_h("信息内容", s), _h("上一年项目数量", s), _h("本年增/减", s), _h("处理决定数量", s)]
    for n, keys in (("五", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
                    ("六", [("punishment", "行政处罚"), ("enforcement", "行政强制")])):
        rows += [item(n), list(head3)]
        rows += [[_h(name, s)] + [_v(ad[key][c], s) for c in ("previous_items", "change", "decisions")]
                 for key, name in keys]
    rows += [item("八"), [_h("信息内容", s), _h("上一年项目数量", s), _h("本年增/减", s, colspan=2)],
             [_h("行政事业性收费", s), _v(ad["fees"]["previous_items"], s), _v(ad["fees"]["change"], s, colspan=2)]]
    rows += [item("九"), [_h("信息内容", s), _h("采购项目数量", s), _h("采购总金额", s, colspan=2)],
             [_h("政府集中采购", s), _v(ad["procurement"]["items"], s),
              _v(ad["procurement"]["amount_wan_yuan"], s, money=True, colspan=2)]]
    return rows


# --- 三、收到和处理政府信息公开申请情况 ----------------------------------------------------------
APP_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("(三)不予公开", [
        ("denied.state_secret", "1.属于国家秘密"), ("denied.prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("denied.security_stability", "3.危及“三安全一稳定”"), ("denied.third_party_rights", "4.保护第三方合法权益"),
        ("denied.internal_affairs", "5.属于三类内部事务信息"), ("denied.process_information", "6.属于四类过程性信息"),
        ("denied.enforcement_files", "7.属于行政执法案卷"), ("denied.administrative_query", "8.属于行政查询事项")]),
    ("(四)无法提供", [
        ("unable.not_held", "1.本机关不掌握相关政府信息"), ("unable.needs_creation", "2.没有现成信息需要另行制作"),
        ("unable.unclear", "3.补正后申请内容仍不明确")]),
    ("(五)不予处理", [
        ("not_processed.petition", "1.信访举报投诉类申请"), ("not_processed.duplicate", "2.重复申请"),
        ("not_processed.publication", "3.要求提供公开出版物"), ("not_processed.excessive", "4.无正当理由大量反复申请"),
        ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息")]),
]
_OTHER_2021 = [
    ("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3.其他"),
]


def app_rows(template: str, apps: dict[str, dict[str, Cell]], s: Style) -> TRows:
    def vals(key: str) -> list[TCell]:
        return [_v(apps[key][c], s) for c in APP_COLS]

    n_result = 2 + sum(len(g) for _, g in _GROUPS) + (3 if template == "2021" else 1) + 1
    rows: TRows = [
        [_h(APP_NOTE, s, rowspan=3, colspan=3), _h("申请人情况", s, colspan=7)],
        [_h("自然人", s, rowspan=2), _h("法人或其他组织", s, colspan=5), _h("总计", s, rowspan=2)],
        [_h(t, s) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [_h("一、本年新收政府信息公开申请数量", s, colspan=3), *vals("new_received")],
        [_h("二、上年结转政府信息公开申请数量", s, colspan=3), *vals("carried_over")],
        [_h("三、本年度办理结果", s, rowspan=n_result), _h("(一)予以公开", s, colspan=2), *vals("granted")],
        [_h("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", s, colspan=2), *vals("partially_granted")],
    ]
    for group, members in _GROUPS:
        for i, (key, text) in enumerate(members):
            lead = [_h(group, s, rowspan=len(members))] if i == 0 else []
            rows.append([*lead, _h(text, s), *vals(key)])
    if template == "2021":
        for i, (key, text) in enumerate(_OTHER_2021):
            lead = [_h("(六)其他处理", s, rowspan=3)] if i == 0 else []
            rows.append([*lead, _h(text, s), *vals(key)])
    else:
        rows.append([_h("(六)其他处理", s, colspan=2), *vals("other")])
    rows.append([_h("(七)总计", s, colspan=2), *vals("total")])
    rows.append([_h("四、结转下年度继续办理", s, colspan=3), *vals("carried_forward")])
    return rows


# --- 四、政府信息公开行政复议、行政诉讼情况 -----------------------------------------------------
_RL_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def rl_rows(rl: dict[str, dict[str, Cell]], s: Style) -> TRows:
    return [
        [_h("行政复议", s, colspan=5), _h("行政诉讼", s, colspan=10)],
        [*(_h(t, s, rowspan=2) for t in _RL_LABELS), _h("未经复议直接起诉", s, colspan=5), _h("复议后起诉", s, colspan=5)],
        [_h(t, s) for t in _RL_LABELS * 2],
        [_v(rl[g][c], s) for g in RL_GROUPS for c in RL_COLS],
    ]


@lru_cache(maxsize=64)
def _positions(shape: tuple[tuple[tuple[int, int], ...], ...]) -> tuple[tuple[int, int, int], ...]:
    """(row, column, index in row) of every origin cell of a table shape (spans per row)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(shape):
        c = 0
        for i, (rowspan, colspan) in enumerate(row):
            while (r, c) in taken:
                c += 1
            out.append((r, c, i))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
    return tuple(out)


def _shape(rows: TRows) -> tuple[tuple[tuple[int, int], ...], ...]:
    return tuple(tuple((c.rowspan, c.colspan) for c in row) for row in rows)


def grid(rows: TRows) -> list[tuple[int, int, TCell]]:
    """(row, column, cell) of every origin cell, placing cells around earlier rowspans."""
    return [(r, c, rows[r][i]) for r, c, i in _positions(_shape(rows))]


def width(rows: TRows) -> int:
    return max(c + rows[r][i].colspan for r, c, i in _positions(_shape(rows)))
