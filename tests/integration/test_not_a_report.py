"""Not an annual report, on the real stack (issue 19 part 5): a document that is not one ends `failed`
with not_a_report at the parse stage, never reaches Elasticsearch, keeps its bytes, and
`nianbao reprocess` retries it (it fails again, the same way); a report that lost its tables is still
indexed with its findings; a document an older parser indexed and this one refuses leaves the index
when it is reprocessed."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch

from shared.es_index import es_document
from shared.record import PARSER_VERSION, Record
from shared.status import now_iso
from shared.storage import Storage
from tests.integration.conftest import search_json, wait_status
from tests.integration.quality_corpus import without_tables
from tests.integration.stack import Stack
from tests.integration.test_faults_recovery import nianbao
from tests.paths import SHARED
from tests.synth import make_report

HEADLINE = "不是政府信息公开工作年度报告 / not an annual report"
WORD = "营商环境专题座谈会"  # only in the news page: a search for it must find nothing
NEWS = ("<html><head><title>区政府召开营商环境专题座谈会_政务动态</title></head><body>"
        f"<h1>区政府召开{WORD}</h1><p>发布时间：2024-03-12</p>"
        f"<p>2024年3月12日，区政府召开{WORD}，听取企业意见建议。会议要求各部门持续优化服务，"
        "切实解决企业反映的问题。</p></body></html>").encode()
MANIFEST = SHARED / "corpus" / "wild-dev" / "manifest.json"


def post(stack: Stack, data: bytes, name: str, ctype: str | None = None) -> dict:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name},
                   headers={"Content-Type": ctype} if ctype else None, timeout=30)
    assert r.status_code == 202, r.text
    return r.json()


def status(stack: Stack, doc_id: str) -> dict:
    return httpx.get(f"{stack.ingest_url}/api/v1/documents/{doc_id}", timeout=10).json()


def in_index(stack: Stack, doc_id: str) -> bool:
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    alias = stack.env["NIANBAO_ES_ALIAS"]
    es.indices.refresh(index=alias)
    return es.count(index=alias, query={"ids": {"values": [doc_id]}})["count"] > 0


def storage(stack: Stack) -> Storage:
    return Storage(Path(stack.env["NIANBAO_STORAGE_DIR"]))


def assert_refused(st: dict) -> None:
    assert st["status"] == "failed", st
    err = st["error"]
    assert err["code"] == "not_a_report" and err["stage"] == "parse", err
    assert err["message"].startswith(HEADLINE + ": "), err  # then what was (not) found


@pytest.fixture(scope="module")
def refused(stack) -> dict[str, str]:
    """The news page, the corpus manifest and a real report (so the index is not empty), processed."""
    ids = {"news": post(stack, NEWS, "news.html", "text/html")["id"],
           "manifest": post(stack, MANIFEST.read_bytes(), "manifest.json")["id"],
           "report": post(stack, make_report(1905, 0, error_rate=0.0, layouts=("pipe",)).data, "report.txt")["id"]}
    for doc_id in ids.values():
        wait_status(stack, doc_id, timeout=120)
    return ids


def test_a_non_report_fails_with_the_reason(stack, refused):
    news, manifest = status(stack, refused["news"]), status(stack, refused["manifest"])
    assert_refused(news)
    assert "2024" in news["error"]["message"]  # the one thing it found: a year
    assert_refused(manifest)
    assert "JSON" in manifest["error"]["message"]
    assert "parsed" not in news["stages"]  # stopped at parse: never validated nor indexed
    assert status(stack, refused["report"])["status"] == "indexed"


def test_a_non_report_is_not_searchable(stack, refused):
    for role in ("news", "manifest"):
        assert not in_index(stack, refused[role])
        r = httpx.get(f"{stack.search_url}/api/v1/reports/{refused[role]}", timeout=30)
        assert r.status_code == 404, r.text
    assert search_json(stack, q=WORD)["total"] == 0
    assert search_json(stack, size=0)["total"] == 1  # the real report only
    assert in_index(stack, refused["report"])


def test_its_bytes_are_kept(stack, refused):
    st = storage(stack)
    assert st.get_raw(refused["news"]) == NEWS
    assert st.get_raw(refused["manifest"]) == MANIFEST.read_bytes()
    again = post(stack, NEWS, "news-again.html", "text/html")  # known bytes: the same document
    assert again["id"] == refused["news"] and again["duplicate"] is True
    # what the parser found is kept too, with its version (`reprocess --outdated` compares it)
    parsed = st.get_model(refused["news"], "parsed", Record)
    assert parsed.parser_version == PARSER_VERSION and parsed.meta.year == 2024
    assert not st.artifact_path(refused["news"], "validated").exists()


def test_a_report_that_lost_its_tables_is_indexed_with_findings(stack):
    doc_id = post(stack, without_tables(), "no-tables.txt")["id"]
    assert wait_status(stack, doc_id, timeout=120)["status"] == "indexed"
    rep = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30).json()
    assert sum(f["rule"] == "MISSING_TABLE" for f in rep["findings"]) == 3
    assert rep["meta"]["agency"] and rep["meta"]["year"] == 2021


def test_reprocess_failed_retries_it_and_it_fails_the_same_way(stack, refused):
    before = {role: status(stack, refused[role]) for role in ("news", "manifest")}
    out = nianbao(stack, "reprocess", "--failed", "--timeout", "120")
    assert "indexed: 0, 失败 / failed: 2" in out.stdout and "unfinished: 0" in out.stdout, out.stdout
    for role, old in before.items():
        st = status(stack, refused[role])
        assert st["attempts"] == old["attempts"] + 1
        assert "normalized" in st["stages"]  # it went through the pipeline again
        assert_refused(st)
        assert st["error"] == old["error"]  # the same way
        assert not in_index(stack, refused[role])


def test_reprocess_outdated_retries_it_only_after_a_parser_upgrade(stack, refused):
    attempts = status(stack, refused["news"])["attempts"]
    out = nianbao(stack, "reprocess", "--outdated", "--timeout", "120")  # this parser already judged it
    assert "queued: 0" in out.stdout, out.stdout
    assert status(stack, refused["news"])["attempts"] == attempts
    # After an upgrade its record is older than the parser (as --below-version <newer> says): retried.
    nianbao(stack, "reprocess", "--below-version", "9999", "--timeout", "180")
    st = status(stack, refused["news"])
    assert st["attempts"] == attempts + 1
    assert_refused(st)
    assert not in_index(stack, refused["news"])


def test_a_non_report_an_older_parser_indexed_leaves_the_index_when_reprocessed(stack):
    """Before this check, such documents were indexed: their validated record and search entry are
    removed when the document is read again and refused."""
    data = "本页为测试页面。\n".encode()
    doc_id = post(stack, data, "old.txt")["id"]
    assert_refused(wait_status(stack, doc_id, timeout=120))
    # as an older parser left it: a validated record and a search entry
    st = storage(stack)
    old = st.get_model(doc_id, "parsed", Record)
    old.parser_version = "1.0.1"
    st.put_model(doc_id, "validated", old)
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    es.index(index=stack.env["NIANBAO_ES_ALIAS"], id=doc_id, document=es_document(old, indexed_at=now_iso()),
             refresh=True)
    assert in_index(stack, doc_id)
    nianbao(stack, "reprocess", "--failed", "--timeout", "120")
    assert_refused(status(stack, doc_id))
    assert not in_index(stack, doc_id)
    assert not st.artifact_path(doc_id, "validated").exists()
    assert st.get_raw(doc_id) == data
