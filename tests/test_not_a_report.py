"""Not an annual report (issue 19 part 5): the decision of services/parse/parser/recognise.py, through
the real normalize and parse stages and the in-process pipeline (`nianbao parse` / `check`).

Every real report of the corpus is taken; made-up non-reports (a lone HTML table, a news page, JSON,
an almost empty text, a page that only says 政府信息公开工作年度报告) are refused with not_a_report;
real reports whose tables were lost to their layout stay reports, with their MISSING_TABLE findings."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.parse.parser import parse
from services.parse.parser.recognise import CODE, is_structured_data, refusal
from services.pipeline import process_bytes
from shared.errors import ProcessingError
from shared.record import Record
from tests.parse_support import doc_of, text_doc
from tests.paths import REAL, REAL_PDF, REPO, SEEDS, SHARED
from tests.synth import generate

WILD = SHARED / "corpus" / "wild-dev"
HEADLINE = "不是政府信息公开工作年度报告 / not an annual report"
REPORTS = sorted([*SEEDS.iterdir(), *REAL.iterdir(), *REAL_PDF.iterdir(), *(REPO / "samples").iterdir(),
                  *(f for f in WILD.iterdir() if f.suffix != ".json")])


def refused(data: bytes, name: str, content_type: str | None = None) -> ProcessingError:
    with pytest.raises(ProcessingError) as e:
        process_bytes(data, filename=name, content_type=content_type)
    assert e.value.code == CODE
    assert e.value.message.startswith(HEADLINE + ": ")  # the headline, then what was (not) found
    return e.value


# --- real reports are never refused ------------------------------------------------------------------
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_report_is_a_report(path: Path):
    record = parse(doc_of(path))
    assert refusal(record) is None
    assert record.quality is not None and record.quality.tables_found >= 1


@pytest.mark.corpus
def test_generated_reports_are_reports():
    # every default layout (text, HTML, DOCX, PDF) and the two that lose table structure
    reps = [*generate(24, seed=19), *generate(8, seed=19, layouts=("sparse", "broken"))]
    assert len({r.layout for r in reps}) >= 6
    for rep in reps:
        rec = process_bytes(rep.data, rep.filename, rep.content_type)  # raises if refused
        assert rec.meta.year == rep.truth["meta"]["year"]


def _cut_tables(text: str) -> str:
    """A report whose tables were lost to its layout (a web page that dropped its <table>s): section 一
    and section 六 on, without sections 二–五, which hold the three tables (on one line or many)."""
    two = text.index("二、")
    six = text.index("六、", two)
    return text[:two] + "\n" + text[six:]


@pytest.mark.parametrize("path", [REAL / "2022_pingtan_gaj.txt", REAL / "2019_shanghai_bgt.html",
                                  SEEDS / "002_2dc0b5ebceb3839d.txt", SEEDS / "003_bf80b47987e57cd0.txt",
                                  WILD / "2021_sanming_city.txt"], ids=lambda p: p.name)
def test_a_real_report_that_lost_its_tables_is_still_a_report(path: Path):
    text = _cut_tables(doc_of(path).text)
    record = process_bytes(text.encode("utf-8"), filename="lost-tables.txt")  # not refused
    assert record.quality.tables_found == 0
    assert sum(f.rule == "MISSING_TABLE" for f in record.findings) == 3  # its findings, as before
    m = record.meta
    assert m.year and (m.title or m.agency)  # seeds 002 and 003 have no title line: body and year


def test_the_head_of_a_report_alone_is_a_report():
    head = doc_of(REAL / "2024_huaian_city.txt").text[:300]
    record = process_bytes(head.encode("utf-8"), filename="head.txt")
    assert record.meta.title and record.meta.year == 2024 and record.quality.tables_found == 0


# --- what is not a report ----------------------------------------------------------------------------
def test_the_corpus_manifest_is_refused_as_data():
    data = (WILD / "manifest.json").read_bytes()
    # it lists report titles, bodies and years, but they are other documents' own
    assert parse(doc_of(WILD / "manifest.json")).meta.title
    e = refused(data, "manifest.json")
    assert "JSON" in e.message


def test_a_lone_html_table_is_refused():
    page = ("<html><body><table><tr><th>姓名</th><th>部门</th><th>电话</th></tr>"
            "<tr><td>张三</td><td>办公室</td><td>0591-12345678</td></tr>"
            "<tr><td>李四</td><td>财务科</td><td>0591-87654321</td></tr></table></body></html>")
    e = refused(page.encode("utf-8"), "table.html", "text/html")
    assert "未找到标题、发布机关、报告年度" in e.message and "none of the three tables" in e.message


def test_a_news_page_with_a_date_is_refused():
    page = ("<html><head><title>市政府召开第十二次常务会议_政务动态</title></head><body>"
            "<h1>市政府召开第十二次常务会议</h1><p>发布时间：2023-05-08</p>"
            "<p>2023年5月8日，市政府召开第十二次常务会议，研究部署近期重点工作。会议指出，要持续优化营商环境，"
            "扎实做好防汛准备。</p><p>会议还研究了其他事项。</p></body></html>")
    e = refused(page.encode("utf-8"), "news.html", "text/html")
    assert "仅有报告年度：2023" in e.message and "only the report year: 2023" in e.message


def test_a_page_only_naming_the_report_kind_is_refused():
    # the phrase alone is a "title" with no body and no year (deep HTML of tests/integration/test_faults_bad_input.py)
    page = "<html><body>" + "<div>" * 200 + "政府信息公开工作年度报告" + "</div>" * 200 + "</body></html>"
    e = refused(page.encode("utf-8"), "deep.html", "text/html")
    assert "仅有标题：政府信息公开工作年度报告" in e.message


@pytest.mark.parametrize("data", [b"  \n hello \n", "这不是一份年报。\n".encode(), b"1 2 3\n4 5 6\n"],
                         ids=["hello", "one-sentence", "numbers"])
def test_an_almost_empty_text_is_refused(data: bytes):
    refused(data, "note.txt")


@pytest.mark.parametrize("obj", [{"status": "ok", "items": []}, [1, 2, 3],
                                 {"title": "三明市2021年政府信息公开工作年度报告", "agency": "三明市人民政府", "year": 2021}],
                         ids=["object", "array", "report-fields"])
def test_json_is_refused(obj):
    e = refused(json.dumps(obj, ensure_ascii=False).encode("utf-8"), "data.json")
    assert "JSON" in e.message


def test_structured_data_is_only_whole_json():
    assert is_structured_data('{"a": 1}') and is_structured_data(" [1, 2]\n")
    assert not is_structured_data("[附件] 2021年报告 {见下}") and not is_structured_data("") and not is_structured_data(None)


def test_a_record_whose_parse_crashed_is_not_refused():
    # no quality grade = parse raised inside (our bug): the record keeps its finding, the document is not blamed
    assert refusal(Record(id="x")) is None


def test_a_report_with_one_table_and_nothing_else_is_a_report():
    text = doc_of(SEEDS / "004_f3aadee89c2c822f.txt").text
    start = text.index("二、")
    table_only = text[start:text.index("三、", start)]
    record = parse(text_doc(table_only))
    assert record.quality.tables_found == 1 and not (record.meta.title or record.meta.agency)
    assert refusal(record) is None


# --- the CLI says so ---------------------------------------------------------------------------------
runner = CliRunner()


def test_check_and_parse_name_a_refused_document(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "report.txt").write_bytes((REAL / "2019_pingtan_jjf.txt").read_bytes())
    (d / "news.html").write_text("<html><body><p>2023年5月8日，市政府召开常务会议。</p></body></html>", encoding="utf-8")
    res = runner.invoke(app, ["check", str(d), "--json", str(tmp_path / "out.json")])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln.strip()]
    news = next(ln for ln in lines if "news.html" in ln)
    assert news.startswith("✗ not_a_report") and "[not_a_report]" in news and HEADLINE in news
    assert lines[-1].endswith("reports 2: clean 1, flagged 0, unreadable 0, not a report 1")
    assert "不是年报 1" in lines[-1]
    out = {Path(r["file"]).name: r for r in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))}
    assert out["news.html"]["verdict"] == "not_a_report" and out["news.html"]["message"].startswith(HEADLINE)
    one = runner.invoke(app, ["parse", str(WILD / "manifest.json")])
    assert one.exit_code == 2
    err = json.loads(one.stderr)["error"]
    assert err["code"] == CODE and err["message"].startswith(HEADLINE)
