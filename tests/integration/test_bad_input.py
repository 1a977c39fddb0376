"""Bad input gets a clear 4xx or a `failed` status with a reason; the workers stay alive."""
from __future__ import annotations

import os

import httpx

from tests.integration.conftest import wait_status
from tests.paths import SEEDS


def post(stack, data: bytes, name: str | None = None, multipart: bool = False) -> httpx.Response:
    url = f"{stack.ingest_url}/api/v1/documents"
    if multipart:
        return httpx.post(url, files={"file": (name or "x.bin", data)}, timeout=30)
    return httpx.post(url, content=data, params={"filename": name} if name else None, timeout=30)


def test_empty_body_is_422_with_message(stack):
    r = post(stack, b"")
    assert r.status_code == 422
    assert "文档为空" in r.text and "empty" in r.text


def test_zero_byte_file_is_422(stack):
    r = post(stack, b"", name="empty.txt", multipart=True)
    assert r.status_code == 422
    assert "empty" in r.text


def test_random_binary_fails_with_reason_and_workers_survive(stack):
    r = post(stack, os.urandom(4096), name="noise.bin")
    assert r.status_code == 202
    st = wait_status(stack, r.json()["id"])
    assert st["status"] == "failed"
    assert st["error"]["message"] and " / " in st["error"]["message"]  # Chinese / English
    # the pipeline still works afterwards
    good = post(stack, (SEEDS / "002_2dc0b5ebceb3839d.txt").read_bytes(), name="002.txt")
    assert wait_status(stack, good.json()["id"])["status"] == "indexed"
    for name, p in stack.procs.items():
        assert p.poll() is None, f"{name} died"


def test_multipart_without_file_field_is_422(stack):
    r = httpx.post(f"{stack.ingest_url}/api/v1/documents", files={"other": ("a.txt", b"abc")}, timeout=10)
    assert r.status_code == 422


def test_json_is_not_a_report(stack):
    """Structured data is read as text, then refused: failed with not_a_report, never indexed."""
    r = post(stack, '{"reports": [{"title": "2021年年报", "year": 2021}]}'.encode(), name="list.json")
    assert r.status_code == 202
    st = wait_status(stack, r.json()["id"])
    assert st["status"] == "failed" and st["error"]["code"] == "not_a_report", st
    assert st["error"]["message"].startswith("不是政府信息公开工作年度报告 / not an annual report")
    assert httpx.get(f"{stack.search_url}/api/v1/reports/{st['id']}", timeout=30).status_code == 404
