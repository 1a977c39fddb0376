"""Consistent truth values for one synthetic report: meta plus the three tables, keyed exactly as the
record spec (shared/record.py), obeying every arithmetic rule of the national templates."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from shared.record import (
    APP_COLS,
    APP_ORG_COLS,
    APP_OTHER_SUBROWS,
    APP_RESULT_ROWS,
    APP_ROWS_2019,
    APP_ROWS_2021,
    RL_COLS,
    RL_GROUPS,
)
from tests.synth.agencies import Agency, make_agency

Cell = int | float | None
Table = dict[str, dict[str, Cell]]

# How likely each result row is for one application (natural skew: most are granted or not held).
_RESULT_WEIGHTS_2021: dict[str, float] = {
    "granted": 50, "partially_granted": 6,
    "denied.state_secret": 0.3, "denied.prohibited_by_law": 0.5, "denied.security_stability": 0.3,
    "denied.third_party_rights": 1.5, "denied.internal_affairs": 1, "denied.process_information": 1.5,
    "denied.enforcement_files": 0.5, "denied.administrative_query": 1,
    "unable.not_held": 18, "unable.needs_creation": 2, "unable.unclear": 2,
    "not_processed.petition": 3, "not_processed.duplicate": 2, "not_processed.publication": 0.5,
    "not_processed.excessive": 0.5, "not_processed.confirmation": 0.5,
    "other.no_correction": 2, "other.unpaid_fee": 0.3, "other.other": 3,
}
_RESULT_WEIGHTS_2019 = {k: v for k, v in _RESULT_WEIGHTS_2021.items() if k not in APP_OTHER_SUBROWS}
_RESULT_WEIGHTS_2019["other"] = 5.3

_APP_SCALE = {"province": 400, "city": 80, "county": 25, "township": 4}


@dataclass
class Truth:
    """Everything a correct pipeline should read back from the rendered document."""

    meta: dict
    active_disclosure: Table
    applications: Table
    review_litigation: Table
    narrative_count: int  # "全年共收到政府信息公开申请N件" as stated in the text
    agency: Agency

    def tables(self) -> dict[str, Table]:
        return {"active_disclosure": self.active_disclosure, "applications": self.applications,
                "review_litigation": self.review_litigation}

    def to_dict(self) -> dict:
        return {"meta": self.meta, **{k: {r: dict(c) for r, c in t.items()} for k, t in self.tables().items()},
                "narrative_count": self.narrative_count}


def template_for_year(year: int) -> str:
    return "2019" if year <= 2020 else "2021"


def _count(rng: random.Random, scale: float, zero_p: float) -> int:
    """A skewed non-negative count: often 0, otherwise roughly exponential around `scale`."""
    if rng.random() < zero_p:
        return 0
    return int(rng.expovariate(1 / max(scale, 0.5)))


def _money(rng: random.Random, scale: float) -> float | int:
    """A 万元 amount with 0–4 decimals (0 about a third of the time)."""
    if rng.random() < 0.35:
        return 0
    places = rng.choice((0, 1, 2, 4, 4))
    value = round(rng.expovariate(1 / scale), places)
    return int(value) if places == 0 else value


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    keys = list(weights)
    out = dict.fromkeys(keys, 0)
    for k in rng.choices(keys, weights=list(weights.values()), k=n):
        out[k] += 1
    return out


def make_applications(rng: random.Random, template: str, level: str) -> Table:
    scale = _APP_SCALE[level]
    rows = APP_ROWS_2019 if template == "2019" else APP_ROWS_2021
    weights = _RESULT_WEIGHTS_2019 if template == "2019" else _RESULT_WEIGHTS_2021
    table: Table = {r: dict.fromkeys(APP_COLS, 0) for r in rows}
    silent = rng.random() < 0.25  # many bodies receive nothing at all
    for col in APP_COLS[:-1]:
        if silent:
            continue
        if col == "natural_person":
            new = _count(rng, scale, 0.1)
        else:
            new = _count(rng, scale / 15, 0.75)
        carried = _count(rng, max(new, 1) / 10, 0.8)
        forward = min(_count(rng, max(new, 1) / 10, 0.75), new + carried)
        handled = new + carried - forward
        table["new_received"][col] = new
        table["carried_over"][col] = carried
        table["carried_forward"][col] = forward
        for row, v in _split(rng, handled, weights).items():
            table[row][col] = v
    if template == "2021":
        for col in APP_COLS[:-1]:
            table["other"][col] = sum(table[s][col] for s in APP_OTHER_SUBROWS)
    for col in APP_COLS[:-1]:
        table["total"][col] = sum(table[r][col] for r in APP_RESULT_ROWS)
    for row in rows:
        table[row]["total"] = sum(table[row][c] for c in APP_COLS[:-1])
    return table


def make_review_litigation(rng: random.Random, level: str) -> Table:
    busy = rng.random() < {"province": 0.7, "city": 0.4, "county": 0.25, "township": 0.05}[level]
    table: Table = {}
    for group in RL_GROUPS:
        cells = {c: (_count(rng, 2, 0.6) if busy else 0) for c in RL_COLS[:-1]}
        cells["total"] = sum(cells.values())
        table[group] = cells
    return table


def _decisions(rng: random.Random, agency: Agency, kind: str) -> int:
    heavy = {"licensing": ("发展和改革", "住房和城乡建设", "交通运输", "市场监督管理", "自然资源", "卫生健康"),
             "punishment": ("公安", "城市管理", "综合行政执法", "市场监督管理", "交通运输", "生态环境"),
             "enforcement": ("公安", "城市管理", "综合行政执法", "市场监督管理")}
    if agency.agency_type in heavy.get(kind, ()):
        return _count(rng, 300, 0.15)
    if agency.level == "township":
        return _count(rng, 3, 0.8)
    return _count(rng, 10, 0.7)


def make_active_disclosure(rng: random.Random, template: str, agency: Agency) -> Table:
    can_regulate = agency.is_government and agency.level in ("province", "city")
    t: Table = {}
    if template == "2021":
        for key in ("regulations", "normative_documents"):
            if key == "regulations" and not can_regulate:
                t[key] = {"issued": 0, "repealed": 0, "in_force": 0}
                continue
            issued = _count(rng, 4, 0.5)
            repealed = _count(rng, 2, 0.7)
            t[key] = {"issued": issued, "repealed": repealed, "in_force": issued + _count(rng, 30, 0.2)}
        for key in ("licensing", "punishment", "enforcement"):
            t[key] = {"decisions": _decisions(rng, agency, key)}
        t["fees"] = {"amount_wan_yuan": _money(rng, 800)}
        return t
    for key in ("regulations", "normative_documents"):
        if key == "regulations" and not can_regulate:
            t[key] = {"new_made": 0, "new_published": 0, "total_published": 0}
            continue
        made = _count(rng, 4, 0.5)
        t[key] = {"new_made": made, "new_published": made, "total_published": made + _count(rng, 30, 0.2)}
    for key in ("licensing", "other_services", "punishment", "enforcement"):
        prev = _count(rng, 40, 0.4)
        change = rng.randint(-min(prev, 5), 6) if rng.random() < 0.4 else 0
        t[key] = {"previous_items": prev, "change": change, "decisions": _decisions(rng, agency, key)}
    prev = _count(rng, 5, 0.5)
    t["fees"] = {"previous_items": prev, "change": rng.randint(-prev, 2) if rng.random() < 0.3 else 0}
    items = _count(rng, 8, 0.5)
    t["procurement"] = {"items": items, "amount_wan_yuan": _money(rng, 1500) if items else 0}
    return t


def make_meta(rng: random.Random, agency: Agency, year: int, template: str) -> dict:
    # Published in January of the next year, as the 条例 requires (a later date is LATE_PUBLICATION). The
    # month is still drawn, so the stream of generated values (and every other cell) stays as it was.
    rng.randint(1, 3)
    pub = date(year + 1, 1, rng.randint(1, 28))
    return {
        "title": f"{agency.name}{year}年政府信息公开工作年度报告",
        "agency": agency.name,
        "year": year,
        "published": pub.isoformat(),
        "region": {"province": agency.province, "city": agency.city, "county": agency.county},
        "level": agency.level,
        "agency_type": agency.agency_type,
        "template": template,
        "source": {"format": "text", "encoding": "utf-8", "traditional": False},
    }


def make_truth(rng: random.Random, year: int | None = None, template: str | None = None,
               level: str | None = None) -> Truth:
    """One consistent report. `template` defaults to the one the year calls for."""
    year = year or rng.randint(2019, 2025)
    template = template or template_for_year(year)
    agency = make_agency(rng, level)
    apps = make_applications(rng, template, agency.level)
    ad = make_active_disclosure(rng, template, agency)
    rl = make_review_litigation(rng, agency.level)
    return Truth(make_meta(rng, agency, year, template), ad, apps, rl,
                 narrative_count=int(apps["new_received"]["total"] or 0), agency=agency)


def apply_null_markers(rng: random.Random, truth: Truth) -> list[str]:
    """Turn some zero cells into null cells (rendered `/`, `—`, `无`): whole zero organisation
    columns of the applications table, and some zero active-disclosure cells. Returns the paths."""
    paths: list[str] = []
    apps = truth.applications
    for col in APP_ORG_COLS:
        if rng.random() < 0.4 and all(apps[r][col] == 0 for r in apps):
            for r in apps:
                apps[r][col] = None
                paths.append(f"applications.{r}.{col}")
    for key, cells in truth.active_disclosure.items():
        for col, v in cells.items():
            if v == 0 and rng.random() < 0.25:
                cells[col] = None
                paths.append(f"active_disclosure.{key}.{col}")
    return paths
