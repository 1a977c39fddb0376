"""The synthetic report generator: determinism, consistent truth, the injection oracle, layouts,
encodings and variants."""
from __future__ import annotations

import copy
import io
import random
import time

import opencc
import pytest

from shared.record import (
    AD_2019,
    AD_2021,
    APP_COLS,
    APP_OTHER_SUBROWS,
    APP_RESULT_ROWS,
    APP_ROWS_2019,
    APP_ROWS_2021,
    RL_COLS,
    RL_GROUPS,
)
from tests.synth import KINDS, TEXT_LAYOUTS, generate, make_report, oracle
from tests.synth.inject import inject
from tests.synth.render import pdf_available
from tests.synth.values import make_truth

T2S = opencc.OpenCC("t2s")
LABELS = ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "属于国家秘密",
          "本机关不掌握相关政府信息", "信访举报投诉类申请", "结转下年度继续办理", "行政复议", "未经复议直接起诉",
          "复议后起诉", "第二十条第", "行政处罚", "行政事业性收费"]


def _flat(text: str) -> str:
    """Text with wraps and spacing removed, simplified (labels may be broken across lines)."""
    return "".join(T2S.convert(text).split()).translate(str.maketrans("（）：，", "():,"))


def _decoded(rep) -> str:
    if rep.layout == "docx":
        import docx
        d = docx.Document(io.BytesIO(rep.data))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    if rep.layout == "pdf":
        import pdfplumber
        with pdfplumber.open(io.BytesIO(rep.data)) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)
    return rep.data.decode(rep.encoding)


# --- determinism -------------------------------------------------------------------------------
def test_deterministic_from_seed():
    a = list(generate(30, seed=11, layouts=("pipe", "lines", "tabs", "html")))
    b = list(generate(30, seed=11, layouts=("pipe", "lines", "tabs", "html")))
    assert [(r.filename, r.data, r.truth, r.expected_rules) for r in a] == \
           [(r.filename, r.data, r.truth, r.expected_rules) for r in b]
    c = list(generate(30, seed=12, layouts=("pipe", "lines", "tabs", "html")))
    assert [r.data for r in a] != [r.data for r in c]


def test_report_i_does_not_depend_on_n():
    stream = list(generate(5, seed=3, layouts=TEXT_LAYOUTS))
    assert make_report(3, 4, layouts=TEXT_LAYOUTS).data == stream[4].data
    assert next(generate(1, seed=3, start=2, layouts=TEXT_LAYOUTS)).data == stream[2].data


# --- truth is consistent when nothing is injected ------------------------------------------------
def _check_consistent(truth: dict) -> None:
    """The template arithmetic, written out here independently of tests.synth.oracle."""
    apps, rl, meta = truth["applications"], truth["review_litigation"], truth["meta"]
    rows = APP_ROWS_2021 if meta["template"] == "2021" else APP_ROWS_2019
    assert list(apps) == list(rows)
    z = lambda v: v or 0  # noqa: E731 — a one-line helper: null cells only replace zeros
    for col in APP_COLS:
        assert z(apps["new_received"][col]) + z(apps["carried_over"][col]) == \
               z(apps["total"][col]) + z(apps["carried_forward"][col])
        assert sum(z(apps[r][col]) for r in APP_RESULT_ROWS) == z(apps["total"][col])
        if meta["template"] == "2021":
            assert sum(z(apps[s][col]) for s in APP_OTHER_SUBROWS) == z(apps["other"][col])
    for cells in apps.values():
        assert sum(z(cells[c]) for c in APP_COLS[:-1]) == cells["total"]
        assert all(v is None or (isinstance(v, int) and v >= 0) for v in cells.values())
    assert list(rl) == list(RL_GROUPS)
    for cells in rl.values():
        assert list(cells) == list(RL_COLS)
        assert sum(cells[c] for c in RL_COLS[:-1]) == cells["total"]
    keys = AD_2021 if meta["template"] == "2021" else AD_2019
    assert {k: tuple(v) for k, v in truth["active_disclosure"].items()} == keys
    assert meta["template"] == ("2021" if meta["year"] >= 2021 else "2019")
    assert truth["narrative_count"] == apps["new_received"]["total"]
    if meta["level"] != "province" and meta["level"] != "city":
        assert not any(truth["active_disclosure"]["regulations"].values())


def test_consistent_truth_obeys_all_arithmetic():
    seen_templates, seen_levels = set(), set()
    for rep in generate(400, seed=5, error_rate=0.0, layouts=TEXT_LAYOUTS):
        _check_consistent(rep.truth)
        assert rep.expected_rules == set() and rep.expected_cells == []
        seen_templates.add(rep.truth["meta"]["template"])
        seen_levels.add(rep.truth["meta"]["level"])
    assert seen_templates == {"2019", "2021"}
    assert seen_levels == {"province", "city", "county", "township"}


def test_truth_is_realistic():
    reps = list(generate(400, seed=9, error_rate=0.0, layouts=("pipe",)))
    cells = [v for r in reps for row in r.truth["applications"].values() for k, v in row.items() if k != "total"]
    assert sum(1 for v in cells if v == 0) / len(cells) > 0.7  # most cells are 0
    np_ = sum(r.truth["applications"]["new_received"]["natural_person"] or 0 for r in reps)
    org = sum(r.truth["applications"]["new_received"][c] or 0 for r in reps for c in APP_COLS[1:6])
    assert np_ > 3 * org  # natural persons dominate
    changes = [r.truth["active_disclosure"]["licensing"]["change"] for r in reps
               if r.truth["meta"]["template"] == "2019"]
    assert any(c is not None and c < 0 for c in changes)  # 2019 增/减 may be negative
    money = [r.truth["active_disclosure"]["fees"]["amount_wan_yuan"] for r in reps
             if r.truth["meta"]["template"] == "2021"]
    assert any(isinstance(m, float) and round(m, 4) == m and round(m, 2) != m for m in money)
    for r in reps:
        m = r.truth["meta"]
        assert m["title"] == f"{m['agency']}{m['year']}年政府信息公开工作年度报告"
        assert m["published"].startswith(str(m["year"] + 1))
        assert 2019 <= m["year"] <= 2025
        assert m["agency"].startswith(m["region"]["province"] if m["level"] == "province" else m["region"]["city"])


# --- the oracle on hand-made cases ---------------------------------------------------------------
@pytest.fixture
def base():
    t = make_truth(random.Random(4), year=2022, level="county")
    apps = t.applications
    for col in APP_COLS:  # a known non-trivial table: 3 natural persons granted, 1 not held
        for r in apps:
            apps[r][col] = 0
    for r, v in (("new_received", 4), ("granted", 3), ("unable.not_held", 1), ("total", 4)):
        apps[r]["natural_person"] = apps[r]["total"] = v
    t.narrative_count = 4
    assert oracle.expected_rules(t.meta, t.tables(), t.narrative_count) == {}
    return t


def _rules(t) -> set[str]:
    return set(oracle.expected_rules(t.meta, t.tables(), t.narrative_count))


def test_oracle_one_result_cell_breaks_row_and_column(base):
    base.applications["granted"]["natural_person"] = 2
    out = oracle.expected_rules(base.meta, base.tables(), base.narrative_count)
    assert set(out) == {"APP_ROW_SUM", "APP_TOTAL_SUM"}
    assert out["APP_ROW_SUM"] == ["applications.granted.total"]
    assert out["APP_TOTAL_SUM"] == ["applications.total.natural_person"]


def test_oracle_total_row_cell_breaks_three_rules(base):
    base.applications["total"]["natural_person"] = 5  # like seed 003's (七)总计
    assert _rules(base) == {"APP_BALANCE", "APP_ROW_SUM", "APP_TOTAL_SUM"}


def test_oracle_balance_only(base):
    base.applications["carried_over"]["natural_person"] = 1
    base.applications["carried_over"]["total"] = 1
    assert _rules(base) == {"APP_BALANCE"}


def test_oracle_new_received_total_also_contradicts_narrative(base):
    base.applications["new_received"]["total"] = 5
    assert _rules(base) == {"APP_BALANCE", "APP_ROW_SUM", "NARRATIVE_MISMATCH"}


def test_oracle_narrative_may_include_carried_over(base):
    base.applications["carried_over"]["natural_person"] = base.applications["carried_over"]["total"] = 2
    base.applications["carried_forward"]["natural_person"] = base.applications["carried_forward"]["total"] = 2
    base.narrative_count = 6  # 4 new + 2 carried over
    assert _rules(base) == set()
    base.narrative_count = 5
    assert _rules(base) == {"NARRATIVE_MISMATCH"}


def test_oracle_review_litigation(base):
    base.review_litigation["review"]["upheld"] += 1
    assert _rules(base) == {"REVIEW_SUM"}
    base.review_litigation["litigation_after_review"]["total"] += 2
    assert _rules(base) == {"REVIEW_SUM", "LITIGATION_SUM"}


def test_oracle_meta_rules(base):
    base.meta["template"] = "2019"
    assert _rules(base) == {"TEMPLATE_MISMATCH"}
    base.meta.update(template="2021", level="township")
    base.active_disclosure["regulations"]["issued"] = 1
    assert _rules(base) == {"PLAUSIBILITY"}
    base.meta["level"] = "county"
    base.narrative_count = 3
    assert _rules(base) == {"NARRATIVE_MISMATCH"}


def test_oracle_bad_values(base):
    base.active_disclosure["punishment"]["decisions"] = -2
    assert _rules(base) == {"BAD_VALUE"}
    base.active_disclosure["punishment"]["decisions"] = 2.5
    assert _rules(base) == {"BAD_VALUE"}
    base.active_disclosure["fees"]["amount_wan_yuan"] = 12.3456  # money may be fractional
    base.active_disclosure["punishment"]["decisions"] = 2
    assert _rules(base) == set()


def test_oracle_null_terms_are_not_checkable(base):
    base.applications["granted"]["commercial"] = None
    base.applications["total"]["commercial"] = None
    assert _rules(base) == set()
    base.applications["granted"]["natural_person"] = 2
    assert _rules(base) == {"APP_TOTAL_SUM"}  # the column is still checked; the row has a null term


def test_every_injection_kind_is_detectable():
    for kind in KINDS:
        for s in range(40):
            rng = random.Random(s)
            t = make_truth(rng, level="township" if kind == "PLAUSIBILITY" else None)
            before = copy.deepcopy(t.to_dict())
            inj = inject(rng, t, kind)
            assert inj.rules, (kind, s)
            assert inj.cells
            if kind in ("APP_BALANCE", "APP_ROW_SUM", "APP_TOTAL_SUM", "REVIEW_SUM", "LITIGATION_SUM",
                        "TEMPLATE_MISMATCH", "PLAUSIBILITY", "NARRATIVE_MISMATCH", "BAD_VALUE"):
                assert kind in inj.rules, (kind, s, inj.rules)
            if kind in ("APP_TOTAL_SUM", "REVIEW_SUM", "LITIGATION_SUM", "PLAUSIBILITY",
                        "TEMPLATE_MISMATCH") or (kind == "APP_ROW_SUM"):
                assert set(inj.rules) == {kind}, (kind, s, inj.rules)  # targeted injections stay clean
            assert t.to_dict() != before


def test_generated_errors_carry_expected_rules():
    reps = list(generate(200, seed=21, error_rate=1.0, layouts=("pipe",)))
    assert all(r.expected_rules and r.expected_cells and r.injection for r in reps)
    assert {r.injection for r in reps} == set(KINDS)
    for r in reps:  # the truth tables are the modified ones: the oracle agrees with expected_rules
        got = oracle.expected_rules(r.truth["meta"], {k: r.truth[k] for k in
                                    ("active_disclosure", "applications", "review_litigation")},
                                    r.truth["narrative_count"])
        assert set(got) == r.expected_rules


# --- layouts, encodings, variants -----------------------------------------------------------------
@pytest.mark.parametrize("layout", ["pipe", "lines", "tabs", "html", "docx", "pdf"])
@pytest.mark.parametrize("year", [2020, 2023])
def test_layout_renders_labels_and_values(layout, year):
    if layout == "pdf":
        assert pdf_available(), "no CJK font installed (scripts/setup.sh installs fonts-wqy-microhei)"
    rep = make_report(1, year, layouts=(layout,), years=(year,), error_rate=0, traditional_rate=0,
                      encodings=("utf-8",), null_rate=0, money_unit_rate=0)
    text = _decoded(rep)
    flat = _flat(text)
    for label in LABELS:
        assert label in flat, (layout, label)
    assert rep.truth["meta"]["title"] in flat
    sub = "申请人无正当理由逾期不补正" in flat
    assert sub == (year >= 2021)
    assert ("本年制发件数" in flat) == (year >= 2021) and ("采购总金额" in flat) == (year < 2021)
    assert rep.truth["meta"]["source"]["format"] == ("text" if layout in TEXT_LAYOUTS else layout)
    if layout == "html":
        assert "<table" in text and "rowspan=" in text and "colspan=" in text
    if layout == "pipe":
        assert " | " in text
    if layout == "tabs":
        assert "\n\t" in text


def test_layout_specific_seed_features():
    tabs = [make_report(2, i, layouts=("tabs",), encodings=("utf-8",), traditional_rate=0) for i in range(10)]
    assert any("\t商业\n企业" in r.data.decode() for r in tabs)  # wrapped label inside a cell
    lines = [make_report(2, i, layouts=("lines",), encodings=("utf-8",), traditional_rate=0, years=(2020,))
             for i in range(10)]
    assert any("本年新\n\n制作数量" in r.data.decode() for r in lines)
    assert all("\n\n" in r.data.decode() for r in lines)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
@pytest.mark.parametrize("layout", ["pipe", "html"])
def test_encodings_decode_back(encoding, layout):
    for i in range(5):
        rep = make_report(3, i, layouts=(layout,), encodings=(encoding,), traditional_rate=0.5)
        if encoding == "big5":
            assert rep.traditional
        text = rep.data.decode(rep.encoding)
        if rep.encoding != "utf-8":
            with pytest.raises(UnicodeDecodeError):
                rep.data.decode("utf-8")
        assert rep.encoding == encoding or (encoding == "big5" and rep.encoding == "utf-8")
        assert rep.content_type.endswith(f"charset={rep.encoding}")
        if layout == "html":
            assert f"charset={rep.encoding}" in text
        title = rep.truth["meta"]["title"]
        assert (title not in text) == rep.traditional
        assert title in T2S.convert(text)


def test_traditional_text_is_converted_whole():
    rep = make_report(4, 0, layouts=("pipe",), encodings=("utf-8",), traditional_rate=1.0, years=(2022,))
    text = rep.data.decode()
    assert rep.traditional and rep.truth["meta"]["source"]["traditional"] is True
    assert "本年新收政府資訊公開申請數量" in text or "本年新收政府信息公開申請數量" in text
    assert "申请" not in text


def test_null_markers_have_null_truth():
    reps = [r for r in generate(200, seed=8, error_rate=0, null_rate=1.0, layouts=("pipe",), traditional_rate=0)]
    with_nulls = [r for r in reps if r.null_cells]
    assert len(with_nulls) > 100
    for r in with_nulls:
        for path in r.null_cells:
            table, rest = path.split(".", 1)
            row, col = rest.rsplit(".", 1)
            assert r.truth[table][row][col] is None
        text = r.data.decode(r.encoding)
        assert any(f"| {m} |" in text or f"| {m}\n" in text or text.endswith(f"| {m}") for m in ("/", "—", "无"))


def test_money_units():
    seen = set()
    for r in generate(300, seed=6, error_rate=0, money_unit_rate=1.0, layouts=("pipe",), traditional_rate=0,
                      null_rate=0, years=(2022,)):
        v = r.truth["active_disclosure"]["fees"]["amount_wan_yuan"]
        text = r.data.decode(r.encoding)
        if f"| {round(v * 10000)}元" in text:
            seen.add("yuan")
        elif f"| {v}(万元)" in text or f"| {v}（万元）" in text:
            seen.add("wan")
    assert seen == {"yuan", "wan"}


def test_text_generation_is_fast():
    t0 = time.perf_counter()
    n = sum(1 for _ in generate(500, seed=1, layouts=(*TEXT_LAYOUTS, "html")))
    assert n == 500
    assert time.perf_counter() - t0 < 15  # ~2 ms each: 10,000 in well under a minute
