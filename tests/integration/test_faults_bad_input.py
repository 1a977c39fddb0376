"""A corpus of bad input made here (empty, random bytes, truncated PDF, a DOCX zip bomb, HTML nested 100k
deep, a 1 GB Content-Length claim, a wrong declared encoding, a report with a table missing): every item
gets a clear error (4xx, or status `failed` with a Chinese / English reason) or, when it is a report, is
indexed with findings — what is not a report (the deep HTML: one phrase, no body, year nor table) fails
with not_a_report and is never indexed; the workers stay alive and their memory stays bounded (peak RSS
read from /proc)."""
from __future__ import annotations

import http.client
import io
import os
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import wait_status
from tests.integration.stack import INGEST_PORT, Stack
from tests.paths import SEEDS

SEED = SEEDS / "004_f3aadee89c2c822f.txt"
RSS_LIMIT_MB = 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def truncated_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for i in range(40):
        pdf.cell(0, 8, f"Annual report line {i}", new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    return data[: len(data) // 2]


def docx_bomb(uncompressed_mb: int = 300) -> bytes:
    """A DOCX whose document.xml inflates to `uncompressed_mb` MB (deflate ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"0" * (1 << 20)
            for _ in range(uncompressed_mb):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def nested_html(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "政府信息公开工作年度报告" + "</div>" * depth + "</body></html>").encode()


def missing_table_report() -> bytes:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    i4 = next(i for i, line in enumerate(lines) if line.startswith("四、"))
    i5 = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    return "\n".join(lines[:i4 + 1] + ["本年度无行政复议、行政诉讼情况。"] + lines[i5:]).encode()


def wrong_encoding_report() -> bytes:
    return SEED.read_text(encoding="utf-8").replace("\xa0", " ").encode("gbk", errors="replace")


def post(stack: Stack, data: bytes, name: str, ctype: str | None = None) -> httpx.Response:
    return httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name},
                      headers={"Content-Type": ctype} if ctype else None, timeout=60)


def worker_processes(stack: Stack) -> list[int]:
    """The Celery main processes and their pool children."""
    pids = []
    for name, p in stack.procs.items():
        if name.startswith("worker-"):
            pids.append(p.pid)
            children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
            if children.exists():
                pids += [int(x) for x in children.read_text().split()]
    return pids


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def assert_clear(stack: Stack, r: httpx.Response, *, expect_findings: bool = False) -> dict | None:
    if r.status_code != 202:
        assert 400 <= r.status_code < 500, r.text
        assert " / " in r.json()["detail"], r.text
        return None
    st = wait_status(stack, r.json()["id"], timeout=180)
    if st["status"] == "failed":
        msg = st["error"]["message"]
        assert " / " in msg and st["error"]["code"] != "internal", st  # a reason, not a crash
        assert not expect_findings, st
    else:
        rep = httpx.get(f"{stack.search_url}/api/v1/reports/{st['id']}", timeout=30)
        assert rep.status_code == 200, rep.text
        if expect_findings:
            assert rep.json()["findings"], rep.json()
    return st


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[bytes, str, str | None]]:
    return {
        "random": (os.urandom(64 * 1024), "noise.bin", None),
        "truncated_pdf": (truncated_pdf(), "report.pdf", "application/pdf"),
        "docx_bomb": (docx_bomb(), "bomb.docx", None),
        "nested_html": (nested_html(), "deep.html", "text/html"),
        "wrong_encoding": (wrong_encoding_report(), "gbk.txt", "text/plain; charset=utf-8"),
    }


def test_empty_body_is_422(stack):
    r = post(stack, b"", "empty.txt")
    assert r.status_code == 422 and "文档为空" in r.text and "empty document" in r.text


def test_one_gigabyte_claim_is_413_without_reading(stack):
    conn = http.client.HTTPConnection("127.0.0.1", INGEST_PORT, timeout=10)
    conn.putrequest("POST", "/api/v1/documents?filename=huge.pdf")
    conn.putheader("Content-Length", str(1 << 30))
    conn.endheaders()
    conn.send(b"%PDF-1.7\n")
    resp = conn.getresponse()
    assert resp.status == 413 and "payload too large" in resp.read().decode()
    conn.close()


# What each item ends as: failed with this code, or indexed (a report, its figures read).
OUTCOME = {"random": "binary", "truncated_pdf": "corrupt_pdf", "docx_bomb": "too_large",
           "nested_html": "not_a_report", "wrong_encoding": "indexed"}


@pytest.mark.parametrize("item", ["random", "truncated_pdf", "docx_bomb", "nested_html", "wrong_encoding"])
def test_bad_item_gets_a_clear_answer(stack, corpus, item):
    data, name, ctype = corpus[item]
    st = assert_clear(stack, post(stack, data, name, ctype))
    assert st is not None
    want = OUTCOME[item]
    assert (st["status"] if want == "indexed" else st["error"]["code"]) == want, st
    if want != "indexed":  # a failed document is not searchable
        rep = httpx.get(f"{stack.search_url}/api/v1/reports/{st['id']}", timeout=30)
        assert rep.status_code == 404, rep.text


def test_a_page_that_only_names_the_report_kind_is_not_a_report(stack, corpus):
    data, name, ctype = corpus["nested_html"]
    st = assert_clear(stack, post(stack, data, name, ctype))  # same bytes: the same document
    assert st is not None and st["status"] == "failed" and st["error"]["stage"] == "parse"
    msg = st["error"]["message"]
    assert msg.startswith("不是政府信息公开工作年度报告 / not an annual report: ") and "政府信息公开工作年度报告" in msg[20:]


def test_report_with_a_table_missing_is_indexed_with_findings(stack):
    st = assert_clear(stack, post(stack, missing_table_report(), "missing-table.txt"), expect_findings=True)
    assert st is not None and st["status"] == "indexed"


def test_workers_alive_memory_bounded_and_pipeline_still_works(stack, corpus):
    for name, p in stack.procs.items():
        assert p.poll() is None, f"{name} died"
    pids = worker_processes(stack)
    assert len(pids) >= 8  # four workers, each with its pool child
    peaks = {pid: peak_rss_mb(pid) for pid in pids}
    assert max(peaks.values()) < RSS_LIMIT_MB, peaks
    good = post(stack, SEED.read_bytes() + b"\n", "after.txt")
    assert wait_status(stack, good.json()["id"], timeout=120)["status"] == "indexed"
