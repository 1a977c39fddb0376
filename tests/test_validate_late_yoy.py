"""LATE_PUBLICATION (record-local) and YOY_JUMP (against the same body's previous year), on real reports
(../shared/corpus: real and wild-dev, some of them edited the way a different year's report would read)
and on small records at the thresholds."""
from __future__ import annotations

import re

import pytest

from services.validate.rules import validate
from services.validate.rules.late_publication import check_late_publication
from services.validate.yoy_jump import yoy_jump
from shared.agency_key import agency_key
from shared.record import Record
from tests.parse_support import record_of, text_doc
from tests.paths import REAL, SHARED
from tests.validate_factory import record

WILD = SHARED / "corpus" / "wild-dev"


def parsed_text(text: str, name: str) -> Record:
    from services.parse.parser import parse

    return parse(text_doc(text, name))


def hongze_2023_received(n: int) -> str:
    """The real 2023 report of 洪泽区人民政府 (21 applications) as if it had received `n` (< 21): the
    narrative, 本年新收 and (七)总计 say n, and 本机关不掌握 takes the difference, so its tables still add up."""
    text = (REAL / "2023_hongze_district.txt").read_text(encoding="utf-8")
    text = text.replace("受理政府信息公开申请 21 件", f"受理政府信息公开申请 {n} 件")
    lines = []
    for line in text.split("\n"):
        if "本年新收政府信息公开申请数量" in line or "（七）总计" in line:
            line = re.sub(r"\b21\b", str(n), line)
        elif "本机关不掌握相关政府信息" in line:
            line = re.sub(r"\b10\b", str(10 - (21 - n)), line)
        lines.append(line)
    return "\n".join(lines)


def late(rec: Record) -> list:
    return [f for f in validate(rec) if f.rule == "LATE_PUBLICATION"]


# --- LATE_PUBLICATION ------------------------------------------------------------------------------
@pytest.mark.parametrize("name,published,due", [
    ("2023_sanming_city.txt", "2024-03-06", "2024-01-31"),   # 发布时间 in the page's address
    ("2023_pingtan_region.txt", "2024-03-08", "2024-01-31"),  # 发布时间: 2024-03-08 15:34
    ("2021_sanming_city.txt", "2022-03-07", "2022-01-31"),
])
def test_real_reports_published_after_31_january_are_late(name, published, due):
    rec = record_of(WILD / name)
    (f,) = late(rec)
    assert (f.severity, f.where, f.expected, f.actual) == ("warning", "meta.published", due, published)
    assert f"晚于《条例》规定的 {due[:4]} 年 1 月 31 日" in f.message
    assert f"after 31 January {due[:4]}" in f.message


@pytest.mark.parametrize("path", [
    REAL / "2024_pingtan_czj.txt",      # 2025年1月23日
    REAL / "2019_shanghai_bgt.html",    # 2020-01-31: the last day allowed is on time
    WILD / "2024_putian_wlj.txt",       # 2025-01-20
    REAL / "2024_hongze_district.txt",  # no date anywhere: unknown, not late
])
def test_real_reports_on_time_or_undated_are_not_flagged(path):
    assert late(record_of(path)) == []


def test_the_day_after_the_deadline_is_late():
    text = (REAL / "2024_pingtan_czj.txt").read_text(encoding="utf-8").replace("2025年1月23日", "2025年2月1日")
    rec = parsed_text(text, "2024_pingtan_czj_late.txt")
    assert rec.meta.published == "2025-02-01"
    (f,) = late(rec)
    assert (f.expected, f.actual) == ("2025-01-31", "2025-02-01")
    assert "逾期 1 天" in f.message and "1 days after" in f.message


@pytest.mark.parametrize("year,published", [(None, "2025-03-01"), (2024, None), (2024, "2025-13-40"), (2024, "")])
def test_no_finding_without_a_usable_year_or_date(year, published):
    rec = record()
    rec.meta.year, rec.meta.published = year, published
    assert check_late_publication(rec) == []


# --- YOY_JUMP ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hongze_2024() -> Record:
    return record_of(REAL / "2024_hongze_district.txt")


def test_real_consecutive_years_within_five_fold_give_nothing(hongze_2024):
    # 洪泽区人民政府: 21 → 95 new applications (4.5×); granted 0 → 50 and reviews 0 → 2 are below 10.
    prev = record_of(REAL / "2023_hongze_district.txt")
    assert agency_key(prev) == agency_key(hongze_2024)
    assert yoy_jump(prev, hongze_2024) == []


def test_a_five_fold_jump_in_new_applications_is_info_with_both_values(hongze_2024):
    prev = parsed_text(hongze_2023_received(12), "2023_hongze_district_12.txt")
    assert prev.applications["new_received"]["total"] == 12
    # edited consistently: the same findings as the real report (its review/litigation sums), no new one
    original = record_of(REAL / "2023_hongze_district.txt")
    assert [f.rule for f in validate(prev)] == [f.rule for f in validate(original)]
    (f,) = yoy_jump(prev, hongze_2024)
    assert (f.rule, f.severity, f.where, f.expected, f.actual) == (
        "YOY_JUMP", "info", "applications.new_received.total", 12, 95)
    assert f.message == ("“新收申请”：2024 年度为 95，2023 年度为 12，是上一年度的 7.9 倍（超过 5 倍），请核实 / "
                         "New applications: 95 this year against 12 the year before, 7.9 times (more than 5×) "
                         "last year's figure; worth checking")


def test_a_fall_below_a_fifth():
    # 淮安市人民政府 2024 (real: 3119 new, 1362 granted, 351 reviews, 46 lawsuits) against a 2025 report
    # of the same body with about a tenth of each.
    prev = record_of(REAL / "2024_huaian_city.txt")
    cur = prev.model_copy(deep=True)
    cur.meta.year = 2025
    cur.applications["new_received"]["total"] = 311
    cur.applications["granted"]["total"] = 136
    cur.review_litigation["review"]["total"] = 35
    cur.review_litigation["litigation_direct"]["total"] = 2
    cur.review_litigation["litigation_after_review"]["total"] = 2
    found = {f.where: (f.expected, f.actual) for f in yoy_jump(prev, cur)}
    assert found == {"applications.new_received.total": (3119, 311), "applications.granted.total": (1362, 136),
                     "review_litigation.review.total": (351, 35)}  # 46 → 4 lawsuits: 4 is below 10
    f = next(f for f in yoy_jump(prev, cur) if f.where == "applications.new_received.total")
    assert "仅为上一年度的 0.10 倍（不到五分之一）" in f.message and "less than a fifth" in f.message


def pair_with(path: str, before: int | None, now: int | None, years: tuple[int, int] = (2022, 2023)):
    prev, cur = record("2021", years[0]), record("2021", years[1])
    table, row, col = path.split(".")
    getattr(prev, table)[row][col] = before
    getattr(cur, table)[row][col] = now
    return yoy_jump(prev, cur)


@pytest.mark.parametrize("before,now,flagged", [
    (10, 51, True), (10, 50, False),     # more than 5×, not exactly 5×
    (100, 19, True), (100, 20, False),   # less than 1/5, not exactly 1/5
    (9, 100, False), (100, 9, False),    # one of the two is trivial (< 10)
    (None, 100, False), (100, None, False),
])
def test_thresholds(before, now, flagged):
    assert bool(pair_with("applications.new_received.total", before, now)) is flagged


def test_only_consecutive_years():
    assert pair_with("applications.granted.total", 10, 100, years=(2021, 2023)) == []
    assert len(pair_with("applications.granted.total", 10, 100, years=(2022, 2023))) == 1


def test_litigation_is_both_groups_together():
    prev, cur = record("2021", 2022), record("2021", 2023)
    prev.review_litigation["litigation_direct"]["total"] = 6
    prev.review_litigation["litigation_after_review"]["total"] = 6
    cur.review_litigation["litigation_direct"]["total"] = 70
    cur.review_litigation["litigation_after_review"]["total"] = None
    (f,) = yoy_jump(prev, cur)
    assert (f.where, f.expected, f.actual) == ("review_litigation.litigation_direct.total", 12, 70)
    assert "行政诉讼" in f.message
