"""APP_BALANCE, APP_ROW_SUM, APP_TOTAL_SUM, REVIEW_SUM, LITIGATION_SUM."""
from __future__ import annotations

from services.validate.rules import validate
from services.validate.rules.app_balance import check_app_balance
from services.validate.rules.app_row_sum import check_app_row_sum
from services.validate.rules.app_total_sum import check_app_total_sum
from services.validate.rules.rl_sum import check_rl_sum
from tests.validate_factory import record


def test_consistent_record_has_no_errors_or_warnings():
    for template, year in (("2021", 2021), ("2019", 2020)):
        found = [f for f in validate(record(template, year)) if f.severity != "info"]
        assert found == [], found


# --- APP_BALANCE ---------------------------------------------------------------------------------

def test_balance_breaks_in_one_column():
    r = record()
    r.applications["carried_forward"]["natural_person"] = 3  # 5 + 1 != 5 + 3
    (f,) = check_app_balance(r)
    assert (f.rule, f.severity, f.where) == ("APP_BALANCE", "error", "applications.total.natural_person")
    assert (f.expected, f.actual) == (6, 8)
    zh, en = f.message.split(" / ")
    assert "自然人" in zh and "本年新收 5" in zh and "结转下年度 3" in zh
    assert "Natural persons" in en and "carried forward 3" in en


def test_balance_blank_cell_counts_as_zero():
    r = record()
    r.applications["carried_over"]["commercial"] = None
    r.applications["carried_forward"]["commercial"] = None
    assert check_app_balance(r) == []  # 1 + blank = 1 + blank
    r.applications["total"]["commercial"] = 2
    (f,) = check_app_balance(r)        # 1 + blank vs 2 + blank
    assert (f.where, f.expected, f.actual) == ("applications.total.commercial", 1, 2)
    assert "上年结转 空" in f.message  # the blank is shown as blank, not as a made-up 0


def test_balance_skips_a_column_with_a_whole_side_missing():
    r = record()
    r.applications["total"]["natural_person"] = None
    r.applications["carried_forward"]["natural_person"] = None
    assert check_app_balance(r) == []


# --- APP_ROW_SUM ---------------------------------------------------------------------------------

def test_row_sum_flags_each_bad_row():
    r = record()
    r.applications["granted"]["total"] = 5            # 3 + 1 = 4
    r.applications["unable.not_held"]["research"] = 1  # 2 + 1 = 3, total 2
    found = {f.where: f for f in check_app_row_sum(r)}
    assert set(found) == {"applications.granted.total", "applications.unable.not_held.total"}
    assert (found["applications.granted.total"].expected, found["applications.granted.total"].actual) == (4, 5)
    assert "予以公开" in found["applications.granted.total"].message
    assert all(f.severity == "error" and f.rule == "APP_ROW_SUM" for f in found.values())


def test_row_sum_blanks_and_null_total():
    r = record()
    r.applications["granted"].update(research=None, social_welfare=None)  # blanks = 0: 3 + 1 = 4
    assert check_app_row_sum(r) == []
    r.applications["granted"]["total"] = None                           # nothing to compare with
    r.applications["unable.not_held"] = {c: None for c in r.applications["unable.not_held"]}
    assert check_app_row_sum(r) == []


# --- APP_TOTAL_SUM -------------------------------------------------------------------------------

def test_total_sum_mismatch_in_one_column():
    r = record()
    r.applications["denied.state_secret"].update(natural_person=1, total=1)
    found = {f.where: f for f in check_app_total_sum(r)}
    assert set(found) == {"applications.total.natural_person", "applications.total.total"}
    f = found["applications.total.total"]
    assert (f.rule, f.severity, f.expected, f.actual) == ("APP_TOTAL_SUM", "error", 7, 6)


def test_total_sum_uses_other_subrows_when_other_is_null_2021():
    r = record("2021")
    r.applications["other"] = {c: None for c in r.applications["other"]}
    r.applications["other.unpaid_fee"].update(natural_person=1, total=1)
    r.applications["total"].update(natural_person=6, total=7)
    assert check_app_total_sum(r) == []  # 3 + 2 + 1 (sub-row) = 6
    r.applications["other.unpaid_fee"].update(natural_person=0, total=0)
    assert {f.where for f in check_app_total_sum(r)} == {
        "applications.total.natural_person", "applications.total.total"}


def test_total_sum_prefers_other_row_when_given():
    r = record("2021")
    r.applications["other"].update(natural_person=1, total=1)
    r.applications["other.other"].update(natural_person=1, total=1)  # counted once, through `other`
    r.applications["total"].update(natural_person=6, total=7)
    assert check_app_total_sum(r) == []


def test_total_sum_2019_template_has_single_other_row():
    r = record("2019", 2020)
    r.applications["other"].update(natural_person=1, total=1)
    assert {f.expected for f in check_app_total_sum(r)} == {6, 7}


# --- REVIEW_SUM / LITIGATION_SUM -----------------------------------------------------------------

def test_review_sum():
    r = record()
    assert check_rl_sum(r) == []
    r.review_litigation["review"]["total"] = 3
    (f,) = check_rl_sum(r)
    assert (f.rule, f.severity, f.where, f.expected, f.actual) == (
        "REVIEW_SUM", "error", "review_litigation.review.total", 2, 3)
    assert "行政复议" in f.message and "Administrative review" in f.message


def test_litigation_sum_per_group_and_blank_cells():
    r = record()
    r.review_litigation["litigation_after_review"].update(corrected=2, total=1)
    r.review_litigation["litigation_direct"].update(upheld=1, corrected=None, other=None, pending=None, total=1)
    (f,) = check_rl_sum(r)
    assert (f.rule, f.where, f.expected, f.actual) == (
        "LITIGATION_SUM", "review_litigation.litigation_after_review.total", 2, 1)
