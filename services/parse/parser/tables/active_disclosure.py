"""二、主动公开政府信息情况 (第二十条): rows and cells of both templates."""
from __future__ import annotations

import re

from shared.record import AD_KEYS

from ..narrative import best_supported_all, stated_numbers
from ..placement import BLANK, Placed, key, place
from ..rows import label
from .base import RowSpec, TableResult, read_rows, store, store_placed

TABLE = "active_disclosure"
_LABELS = {
    "regulations": label("规章"),
    "normative_documents": label("(?:行政)?规范性文件"),
    "licensing": label("行政许可"),
    "other_services": label("其他对外管理服务事项"),
    "punishment": label("行政处罚"),
    "enforcement": label("行政强制"),
    "fees": label("行政事业性收费"),
    "procurement": label("政府集中采购"),
}
_MONEY_ROWS = {"fees", "procurement"}
_HEADER = re.compile(r"信息内容[^\n]*\|[^\n]*")
_KEYWORD = {"regulations": re.compile("规章"), "normative_documents": re.compile("规范性文件")}


def _stock_ok(v: list) -> bool:
    """2021 规章/规范性文件: what is in force cannot be less than this year's net issue."""
    issued, repealed, in_force = v
    return None in v or in_force >= issued - repealed


def _specs(template: str) -> list[RowSpec]:
    specs = []
    for row, cols in AD_KEYS[template].items():
        money = row in _MONEY_ROWS and cols[-1] == "amount_wan_yuan"
        check = _stock_ok if template == "2021" and len(cols) == 3 and row in _KEYWORD else None
        specs.append(RowSpec(row, _LABELS[row], cols, money=money, check=check))
    return specs


_SPECS = {template: _specs(template) for template in AD_KEYS}  # built once, not per report


def parse(text: str, start: int, end: int, template: str, narrative: str) -> TableResult:
    specs = _SPECS[template]
    resolved, _ = read_rows(text, specs, start, end, header=_HEADER)
    result = TableResult({})
    for spec, res in zip(specs, resolved, strict=True):
        if res is None:  # the row shows no cell (or is not there): its figures are not known
            store(result, TABLE, spec.key, spec.cols, res)
            result.provenance.update((f"{TABLE}.{spec.key}.{c}", Placed(None, "unknown")) for c in spec.cols)
            continue
        if not res.options:
            store(result, TABLE, spec.key, spec.cols, res)
            continue
        # No identity holds across this table's cells: a row that reads more than one way keeps
        # only what all readings agree on — among the readings whose numbers the narrative states
        # most ("制定规范性文件77件"), when it states any of them.
        opts = list(res.options)
        every = opts
        if spec.key in _KEYWORD:
            opts = best_supported_all(opts, stated_numbers(narrative, _KEYWORD[spec.key]))
        paths = [f"{TABLE}.{spec.key}.{c}" for c in spec.cols]
        if len(opts) == 1 and not any(v is BLANK for v in opts[0]):
            placed = {p: Placed(v, "read") for p, v in zip(paths, opts[0], strict=True)}  # type: ignore[arg-type]  # no BLANK (checked)
        else:
            placed = place({spec.key: (paths, opts)}, ())
        if len(opts) < len(every):  # the narrative narrowed the readings: what it decided is inferred
            for j, p in enumerate(paths):
                if placed[p].source != "unknown" and len({key(o[j]) for o in every}) > 1:
                    placed[p] = Placed(placed[p].value, "inferred", ("NARRATIVE",))
        store_placed(result, TABLE, spec.key, spec.cols, placed, res)
    return result
