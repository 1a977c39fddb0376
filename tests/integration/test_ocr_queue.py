"""Scans through the real `ocr` queue (issue 16): pages read one per message by the OCR worker, the document's
progress visible at GET /documents/{id}, the record of an image-only PDF equal to its original's, bad scans
ending with a clear status within their limits while the worker goes on, text reports not waiting behind
scans, and a page message lost in a crash recovered by the orphan sweep (only that page read again)."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pypdfium2 as pdfium
import pytest
import redis
from celery import Celery
from elasticsearch import Elasticsearch
from PIL import Image

from tests.integration.conftest import running_stack, wait_status
from tests.integration.stack import Stack
from tests.paths import REAL_PDF, SEEDS
from tests.scans import image_files, image_only_pdf, table_pages

ORIGINAL = REAL_PDF / "2023_hongze_district.pdf"
FINAL = ("indexed", "failed")
FIGURES = ("applications", "review_litigation")


@pytest.fixture(scope="module")
def stack(servers, tmp_path_factory):
    """The standard stack with its own events prefix (the page events are counted per document)."""
    prefix = f"nianbao-ocrtest-{uuid.uuid4().hex[:8]}"
    for s in running_stack(tmp_path_factory, "ocr", NIANBAO_EVENTS_PREFIX=prefix):
        yield s
        es = Elasticsearch(s.env["NIANBAO_ES_URL"], request_timeout=30)
        names = list(es.indices.get(index=f"{prefix}-*", expand_wildcards="all").keys())  # no wildcard deletes
        if names:
            es.indices.delete(index=",".join(names), ignore_unavailable=True)
        es.options(ignore_status=404).indices.delete_index_template(name=prefix)


@pytest.fixture(scope="module")
def original() -> bytes:
    return ORIGINAL.read_bytes()


def upload(stack: Stack, name: str, data: bytes) -> str:
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"file": (name, data)}, timeout=60)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def status(stack: Stack, doc_id: str) -> dict:
    return httpx.get(f"{stack.ingest_url}/api/v1/documents/{doc_id}", timeout=10).json()


def record(stack: Stack, doc_id: str) -> dict:
    r = httpx.get(f"{stack.search_url}/api/v1/reports/{doc_id}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def watch(stack: Stack, doc_id: str, timeout: float) -> tuple[dict, list[str]]:
    """The final status, and every progress note seen on the way."""
    deadline = time.monotonic() + timeout
    notes: list[str] = []
    while time.monotonic() < deadline:
        st = status(stack, doc_id)
        note = (st.get("progress") or {}).get("note")
        if note and (not notes or notes[-1] != note):
            notes.append(note)
        if st["status"] in FINAL:
            return st, notes
        time.sleep(0.3)
    raise AssertionError(f"{doc_id} not final within {timeout} s: {status(stack, doc_id)}")


def stage_events(stack: Stack, doc_id: str) -> list[dict]:
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    prefix = stack.env["NIANBAO_EVENTS_PREFIX"]
    es.options(ignore_status=404).indices.refresh(index=f"{prefix}-*")
    res = es.options(ignore_status=404).search(index=f"{prefix}-*", size=500, sort=[{"@timestamp": "asc"}],
                                               query={"term": {"document_id": doc_id}})
    return [h["_source"] for h in res.get("hits", {}).get("hits", [])]


def wait_events(stack: Stack, doc_id: str, want: dict[str, int], timeout: float = 20) -> Counter:
    """Until the document's events of each stage number at least `want` (events leave a process within ~1 s)."""
    deadline = time.monotonic() + timeout
    while True:
        got = Counter(e["stage"] for e in stage_events(stack, doc_id))
        if all(got[s] >= n for s, n in want.items()) or time.monotonic() > deadline:
            return got
        time.sleep(0.5)


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


def image_pdf(pages: int, seed: int) -> bytes:
    """A PDF of `pages` pages, each nothing but a tiny image (no text layer: every page is a scan)."""
    rng = random.Random(seed)
    out = pdfium.PdfDocument.new()
    try:
        for _ in range(pages):
            page = out.new_page(595, 842)
            obj = pdfium.PdfImage.new(out)
            img = Image.frombytes("L", (8, 8), bytes(rng.randrange(256) for _ in range(64)))
            obj.set_bitmap(pdfium.PdfBitmap.from_pil(img))
            obj.set_matrix(pdfium.PdfMatrix().scale(595, 842))
            page.insert_obj(obj)
            page.gen_content()
            page.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()


def bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= c <= "\u9fff" for c in message.split(" / ")[0])


# --- (a) an image-only PDF of a real report reads like the original -------------------------------------
def test_image_only_pdf_is_indexed_with_the_originals_figures(stack: Stack, original: bytes) -> None:
    scan = image_only_pdf(original, dpi=150)
    pages = len(pdfium.PdfDocument(scan))
    orig_id = upload(stack, ORIGINAL.name, original)
    scan_id = upload(stack, "扫描件.pdf", scan)
    st, notes = watch(stack, scan_id, timeout=300)
    assert st["status"] == "indexed", st
    # the user saw the pages being read, counting up, and the last word is every page read
    assert notes and notes[-1] == f"OCR 识别 {pages}/{pages} 页 / OCR {pages}/{pages} pages", notes
    assert len(notes) >= 2, notes
    assert st["progress"]["stage"] == "ocr" and st["progress"]["done"] == st["progress"]["total"] == pages
    assert wait_status(stack, orig_id)["status"] == "indexed"

    rec, orig = record(stack, scan_id), record(stack, orig_id)
    for table in FIGURES:
        assert rec[table] == orig[table], table
    source = rec["meta"]["source"]
    assert source["format"] == "pdf" and source["filename"] == "扫描件.pdf"
    assert (rec["meta"]["agency"], rec["meta"]["year"]) == (orig["meta"]["agency"], orig["meta"]["year"])
    ocr = source.get("ocr")
    assert ocr is not None, source  # the record says which pages OCR read (meta.source.ocr)
    assert ocr["pages"] == list(range(pages)) and not ocr["failed_pages"], ocr
    assert orig["meta"]["source"].get("ocr") is None

    # one event per page read, with its seconds; normalize ran twice (planned the pages, then read the
    # document with them) and the orphan sweep never sent the scan again while its pages were read
    got = wait_events(stack, scan_id, {"ocr": pages, "index": 1})
    assert got["ocr"] == pages and got["normalize"] == 2 and got["parse"] == 1, got
    evs = [e for e in stage_events(stack, scan_id) if e["stage"] == "ocr"]
    assert all(e["status"] == "ok" and 0 < e["duration_ms"] < 25_000 for e in evs), evs


def test_a_redelivered_page_and_a_second_normalize_change_nothing(stack: Stack, original: bytes) -> None:
    """What a redelivery or two last pages finishing together amount to, on the scan of the test above."""
    scan_id = hashlib.sha256(image_only_pdf(original, dpi=150)).hexdigest()
    before = record(stack, scan_id)
    got = wait_events(stack, scan_id, {"index": 1})
    broker = Celery(broker=stack.env["NIANBAO_REDIS_URL"])
    # the last page again: its artifact is there and the document has moved on, so nothing happens
    broker.send_task("nianbao.ocr", args=[[{"id": scan_id, "page": got["ocr"] - 1}]], queue="ocr")
    # normalize again (the second of two last pages): the same record, indexed once more, still one document
    broker.send_task("nianbao.normalize", args=[[scan_id]], queue="normalize")
    again = wait_events(stack, scan_id, {"index": got["index"] + 1}, timeout=60)
    assert again["index"] == got["index"] + 1 and again["normalize"] == got["normalize"] + 1, again
    assert again["ocr"] == got["ocr"], again  # no page read twice
    assert status(stack, scan_id)["status"] == "indexed"
    after = record(stack, scan_id)
    for table in FIGURES:
        assert after[table] == before[table], table
    assert after["meta"]["source"] == before["meta"]["source"]
    es = Elasticsearch(stack.env["NIANBAO_ES_URL"], request_timeout=30)
    assert es.count(index=stack.env["NIANBAO_ES_ALIAS"], query={"ids": {"values": [scan_id]}})["count"] == 1


# --- (b) a page image --------------------------------------------------------------------------------
def test_png_of_a_table_page_is_processed(stack: Stack, original: bytes) -> None:
    page = table_pages(original)[0]
    data = image_files(original, "png", pages=[page])[0]
    st, notes = watch(stack, upload(stack, "表格页.png", data), timeout=120)
    assert notes and notes[-1].startswith("OCR 识别 1/1 页"), notes
    if st["status"] == "failed":  # one table page may lack the title and year of a report
        assert st["error"]["code"] == "not_a_report", st
        assert bilingual(st["error"]["message"]), st
    else:
        assert st["status"] == "indexed", st


# --- (c) bad scans end with a clear status within their limits; the worker goes on -----------------------
def test_blank_page_fails_with_a_bilingual_message(stack: Stack) -> None:
    st, _ = watch(stack, upload(stack, "空白.png", png(Image.new("L", (1240, 1754), 255))), timeout=90)
    assert st["status"] == "failed", st
    assert bilingual(st["error"]["message"]), st


def test_noise_image_ends_final(stack: Stack) -> None:
    rng = random.Random(16)
    noise = Image.frombytes("L", (900, 900), rng.randbytes(900 * 900))
    st, _ = watch(stack, upload(stack, "噪声.png", png(noise)), timeout=90)
    assert st["status"] in FINAL
    if st["status"] == "failed":
        assert bilingual(st["error"]["message"]), st


def test_huge_image_fails_too_large_within_seconds(stack: Stack) -> None:
    data = png(Image.new("1", (20_000, 20_000), 1))  # 400 million white pixels in a few hundred KB
    assert len(data) < 5_000_000
    t0 = time.monotonic()
    st, _ = watch(stack, upload(stack, "巨幅.png", data), timeout=60)
    took = time.monotonic() - t0
    assert st["status"] == "failed" and st["error"]["code"] == "too_large", st
    assert bilingual(st["error"]["message"]), st
    assert took < 20, took


def test_pdf_of_500_image_pages_fails_too_large(stack: Stack) -> None:
    t0 = time.monotonic()
    st, notes = watch(stack, upload(stack, "五百页.pdf", image_pdf(500, seed=1)), timeout=90)
    assert st["status"] == "failed" and st["error"]["code"] == "too_large", st
    assert "300" in st["error"]["message"] and bilingual(st["error"]["message"]), st
    assert not notes  # refused before any page went to OCR
    assert time.monotonic() - t0 < 30


def test_more_scanned_pages_than_the_ocr_limit_fail_too_large(stack: Stack) -> None:
    st, notes = watch(stack, upload(stack, "六十一页.pdf", image_pdf(61, seed=2)), timeout=60)
    assert st["status"] == "failed" and st["error"]["code"] == "too_large", st
    assert "60" in st["error"]["message"] and bilingual(st["error"]["message"]), st
    assert not notes


def test_after_the_bad_scans_the_workers_are_up(stack: Stack) -> None:
    assert stack.procs["worker-ocr"].poll() is None, "the OCR worker died"
    data = (SEEDS / "001_5a46c2b8c80e9869.txt").read_bytes()
    assert wait_status(stack, upload(stack, "001.txt", data))["status"] == "indexed"
    # and the OCR worker still reads pages
    st, _ = watch(stack, upload(stack, "空白2.png", png(Image.new("L", (800, 600), 255))), timeout=90)
    assert st["status"] == "failed", st
    h = httpx.get(f"{stack.ingest_url}/api/v1/health", timeout=20).json()
    assert "ocr" in h["queues"] and h["workers"].get("ocr"), h


def test_a_page_over_the_time_limit_fails_alone_and_the_worker_goes_on(stack: Stack, original: bytes) -> None:
    # Tasks of 2 s (soft) / 7 s (hard): no page can be read in time. A message carries its sender's time
    # limits (Celery 5.7 sends the task's own), so the normalize worker that sends the page gets them too.
    for stage in ("normalize", "ocr"):
        stack.kill(f"worker-{stage}")
        stack.start_worker(stage, NIANBAO_TASK_TIME_LIMIT="7")
    try:
        data = image_files(original, "png", grayscale=True, pages=[table_pages(original)[0]])[0]
        t0 = time.monotonic()
        doc_id = upload(stack, "超时.png", data)
        st, _ = watch(stack, doc_id, timeout=90)
        assert st["status"] == "failed" and st["error"]["code"] == "ocr_timeout", st
        assert "OCR 超时 / OCR of page 1 timed out" in st["error"]["message"], st
        assert time.monotonic() - t0 < 45
        got = wait_events(stack, doc_id, {"ocr": 1})
        page = [e for e in stage_events(stack, doc_id) if e["stage"] == "ocr"]
        assert got["ocr"] == 1 and page[0]["status"] == "failed" and page[0]["error_code"] == "ocr_timeout", page
        assert stack.procs["worker-ocr"].poll() is None
    finally:
        for stage in ("normalize", "ocr"):
            stack.kill(f"worker-{stage}")
            stack.start_worker(stage)
        stack._record_pids()
        stack.wait_ready()


# --- (d) text reports do not wait behind scans -------------------------------------------------------
def test_text_report_does_not_wait_behind_a_scan(stack: Stack) -> None:
    scan = image_only_pdf((REAL_PDF / "2024_hongze_district.pdf").read_bytes(), dpi=150)
    scan_id = upload(stack, "扫描件2024.pdf", scan)
    # the scan's pages are on the ocr queue (or being read) before the text report arrives
    deadline = time.monotonic() + 60
    while (status(stack, scan_id).get("progress") or {}).get("stage") != "ocr":
        assert time.monotonic() < deadline, status(stack, scan_id)
        time.sleep(0.2)
    text_id = upload(stack, "002.txt", (SEEDS / "002_2dc0b5ebceb3839d.txt").read_bytes())
    text = wait_status(stack, text_id, timeout=60)
    assert text["status"] == "indexed", text
    assert status(stack, scan_id)["status"] == "queued", "the scan should still be read while the text report went through"
    st, _ = watch(stack, scan_id, timeout=300)
    assert st["status"] == "indexed", st
    assert text["stages"]["indexed"] < st["stages"]["indexed"]


# --- a page message lost in a crash ------------------------------------------------------------------
def _queued_pages(r: redis.Redis, doc_id: str) -> dict[int, bytes]:
    out = {}
    for raw in r.lrange("ocr", 0, -1):
        msg = json.loads(raw)
        args = json.loads(base64.b64decode(msg["body"]))[0][0]
        for item in args:
            if isinstance(item, dict) and item["id"] == doc_id:
                out[item["page"]] = raw
    return out


def test_a_lost_page_message_is_recovered_by_the_orphan_sweep(stack: Stack, original: bytes) -> None:
    r = redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"])
    stack.kill("worker-ocr")  # nothing reads pages meanwhile: the messages wait in the queue
    scan = image_only_pdf(original, dpi=150, pages=[0, 1])  # two scanned pages, the rest text
    doc_id = upload(stack, "半扫描.pdf", scan)
    deadline = time.monotonic() + 60
    while len(queued := _queued_pages(r, doc_id)) < 2:
        assert time.monotonic() < deadline, (status(stack, doc_id), queued)
        time.sleep(0.2)
    assert r.lrem("ocr", 1, queued[1]) == 1  # page 1's message is lost (as in a Redis restart)
    stack.start_worker("ocr")
    stack._record_pids()
    storage = Path(stack.env["NIANBAO_STORAGE_DIR"]) / "ocr" / doc_id[:2] / doc_id
    deadline = time.monotonic() + 120
    while not (storage / "ocr-0.json").exists():
        assert time.monotonic() < deadline, status(stack, doc_id)
        time.sleep(0.3)
    first = (storage / "ocr-0.json").stat().st_mtime_ns
    st = status(stack, doc_id)
    assert st["status"] == "queued" and st["progress"]["done"] == 1 and st["progress"]["total"] == 2, st
    # nothing names the document now: the sweep (every 10 s, 40 s unchanged, twice) sends it to normalize,
    # which hands on page 1 only
    st, _ = watch(stack, doc_id, timeout=150)
    assert st["status"] == "indexed", st
    assert (storage / "ocr-0.json").stat().st_mtime_ns == first  # page 0 was not read again
    got = wait_events(stack, doc_id, {"ocr": 2, "index": 1})
    assert got["ocr"] == 2 and got["normalize"] == 3, got  # planned, re-planned by the sweep, read
