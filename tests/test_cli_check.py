"""`nianbao check` / `nianbao parse DIR --summary`: how a folder of reports reads (issue 15, item 7),
through the real CLI (typer's CliRunner), on a small folder of corpus reports."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app, judge
from shared.record import Finding, Quality, Record
from tests.paths import REAL, SEEDS

runner = CliRunner()
FILES = (REAL / "2019_pingtan_jjf.txt", REAL / "2022_pingtan_gaj.txt", SEEDS / "000_642ff1a02613d8d6.txt")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "reports"
    (d / "sub").mkdir(parents=True)
    shutil.copy(FILES[0], d)
    shutil.copy(FILES[1], d / "sub")
    shutil.copy(FILES[2], d)
    (d / "notes.txt").write_text("这不是一份年报。\n", encoding="utf-8")  # not a report: refused
    (d / "manifest.json").write_text("[]", encoding="utf-8")             # not a report: skipped
    (d / ".hidden.txt").write_text("x", encoding="utf-8")                # hidden: skipped
    return d


def _lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.strip()]


def test_check_prints_a_line_per_report_and_a_summary(folder: Path, tmp_path: Path):
    res = runner.invoke(app, ["check", str(folder), "--json", str(tmp_path / "out.json")])
    assert res.exit_code == 0, res.output
    lines = _lines(res.stdout)
    per_report, summary = lines[:-1], lines[-1]
    assert len(per_report) == 4  # three reports and the note; not manifest.json nor the hidden file
    by_file = {Path(ln.split("\t")[0].split()[-1]).name: ln for ln in per_report}
    assert set(by_file) == {"2019_pingtan_jjf.txt", "2022_pingtan_gaj.txt", "000_642ff1a02613d8d6.txt", "notes.txt"}
    jjf = by_file["2019_pingtan_jjf.txt"].split("\t")
    assert jjf[0].startswith("✓ clean") and jjf[1:4] == ["平潭综合实验区经济发展局", "2019", "complete"]
    assert by_file["notes.txt"].startswith("✗ not_a_report") and "[not_a_report]" in by_file["notes.txt"]
    results = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    n = {v: sum(r["verdict"] == v for r in results) for v in ("clean", "flagged", "unreadable", "not_a_report")}
    assert n["not_a_report"] == 1 and n["unreadable"] == 0 and n["clean"] >= 2 and sum(n.values()) == 4
    assert summary == (f"报告 4 份：无误 {n['clean']}，已标记 {n['flagged']}，无法读取 0，不是年报 1 / "
                       f"reports 4: clean {n['clean']}, flagged {n['flagged']}, unreadable 0, not a report 1")


def test_parse_summary_is_check_and_strict_fails_on_anything_not_clean(folder: Path):
    a = runner.invoke(app, ["parse", str(folder), "--summary"])
    b = runner.invoke(app, ["check", str(folder)])
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout
    assert runner.invoke(app, ["check", str(folder), "--strict"]).exit_code == 1
    ok = runner.invoke(app, ["check", str(FILES[0]), "--strict"])
    assert ok.exit_code == 0 and _lines(ok.stdout)[-1].endswith("reports 1: clean 1, flagged 0, unreadable 0")


def test_parse_one_file_prints_the_record_as_before():
    res = runner.invoke(app, ["parse", str(FILES[0])])
    assert res.exit_code == 0
    assert res.stdout.startswith("{\n \"id\": ")  # indent 1, as ever
    rec = json.loads(res.stdout)
    assert rec["meta"]["agency"] == "平潭综合实验区经济发展局" and rec["applications"]
    compact = runner.invoke(app, ["parse", str(FILES[0]), "--indent", "0"])
    assert json.loads(compact.stdout) == rec and compact.stdout.count("\n") == 1


def test_parse_several_files_prints_json_lines(folder: Path):
    res = runner.invoke(app, ["parse", str(FILES[0]), str(folder / "sub")])
    assert res.exit_code == 0
    recs = [json.loads(ln) for ln in _lines(res.stdout)]
    assert [Path(r["file"]).name for r in recs] == ["2019_pingtan_jjf.txt", "2022_pingtan_gaj.txt"]
    assert recs[1]["meta"]["agency"] == "平潭综合实验区公安局"


def test_judge_with_and_without_a_quality_grade():
    """Works before the parser fills `quality` (None) and after."""
    rec = Record(id="x")
    rec.meta.agency, rec.meta.year = "某局", 2021
    assert judge(rec)["verdict"] == "clean" and judge(rec)["grade"] is None
    rec.findings = [Finding(rule="MISSING_TABLE", severity="warning", message="m") for _ in range(3)]
    assert judge(rec)["verdict"] == "unreadable"
    rec.findings = [Finding(rule="APP_ROW_SUM", severity="error", message="m")]
    assert judge(rec)["verdict"] == "flagged"
    rec.findings = [Finding(rule="APP_ROW_SUM", severity="info", message="m")]  # info does not flag
    rec.quality = Quality(grade="complete")
    assert judge(rec)["verdict"] == "clean" and judge(rec)["grade"] == "complete"
    rec.quality = Quality(grade="partial")
    assert judge(rec)["verdict"] == "flagged"
    rec.quality = Quality(grade="unreadable")
    assert judge(rec)["verdict"] == "unreadable"
    rec.quality, rec.meta.year = Quality(grade="complete"), None
    assert judge(rec)["verdict"] == "flagged" and judge(rec)["missing_meta"] == ["year"]
