"""Small Record builders for the validate tests: a consistent record that each test then breaks."""
from __future__ import annotations

from shared.record import (
    AD_2019,
    AD_2021,
    APP_COLS,
    APP_ROWS_2019,
    APP_ROWS_2021,
    RL_COLS,
    RL_GROUPS,
    SECTION_TITLES,
    Meta,
    Record,
    Section,
)

# A small, fully consistent applications table (natural persons 5 + one company, one carried over).
NONZERO: dict[str, dict[str, int]] = {
    "new_received": {"natural_person": 5, "commercial": 1, "total": 6},
    "carried_over": {"natural_person": 1, "total": 1},
    "granted": {"natural_person": 3, "commercial": 1, "total": 4},
    "unable.not_held": {"natural_person": 2, "total": 2},
    "total": {"natural_person": 5, "commercial": 1, "total": 6},
    "carried_forward": {"natural_person": 1, "total": 1},
}


def applications(template: str = "2021") -> dict[str, dict[str, int | None]]:
    rows = APP_ROWS_2021 if template == "2021" else APP_ROWS_2019
    table = {row: {col: 0 for col in APP_COLS} for row in rows}
    for row, cells in NONZERO.items():
        table[row].update(cells)
    return table


def review_litigation() -> dict[str, dict[str, int | None]]:
    table = {g: {c: 0 for c in RL_COLS} for g in RL_GROUPS}
    table["review"].update(upheld=1, pending=1, total=2)
    return table


def active_disclosure(template: str = "2021") -> dict[str, dict[str, int | float | None]]:
    keys = AD_2021 if template == "2021" else AD_2019
    return {row: {c: 0 for c in cols} for row, cols in keys.items()}


def sections(**texts: str) -> list[Section]:
    """All six sections; pass s1="…" to give section 1 a text."""
    return [Section(no=no, title=t, text=texts.get(f"s{no}", t)) for no, t in SECTION_TITLES.items()]


def record(template: str = "2021", year: int = 2021, agency: str = "某市交通运输局",
           level: str | None = "city", **texts: str) -> Record:
    return Record(
        id="test", meta=Meta(agency=agency, year=year, level=level, template=template),
        sections=sections(**texts), applications=applications(template),
        review_litigation=review_litigation(), active_disclosure=active_disclosure(template),
    )
