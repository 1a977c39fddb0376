"""Issue 7 on the real stack: signed webhook deliveries (made by the `standardwebhooks` reference library),
URL fetching from a real local server, API keys required (closed by default: NIANBAO_OPEN_ACCESS=0), limits with clear
answers (401/403/404/409/413/415/422/429)."""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import redis
from standardwebhooks import Webhook

from tests.integration.stack import BIN, INGEST_PORT, Stack, stack_env
from tests.paths import REPO, SEEDS

SEED = (SEEDS / "004_f3aadee89c2c822f.txt").read_bytes()
BIG = b"x" * 300_000
MAX_UPLOAD = 200_000


def secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


SECRETS = {"gov": [secret(), secret()], "strict": [secret()], "limited": [secret()], "faraway": [secret()]}


class Files(BaseHTTPRequestHandler):
    """The remote publisher: a real HTTP server the webhook URLs point at."""

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path == "/report.txt":
            self._send(200, SEED)
        elif self.path == "/same-host-redirect":
            self._send(302, b"", {"Location": "/report.txt"})
        elif self.path == "/other-host-redirect":
            self._send(302, b"", {"Location": f"http://localhost:{port}/report.txt"})
        elif self.path == "/big.txt":
            self._send(200, BIG)
        elif self.path == "/slow.txt":
            time.sleep(5)
            self._send(200, SEED)
        else:
            self._send(404, b"not found")

    def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(code)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def files_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.fixture(scope="module")
def wh(servers, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("webhooks")
    sources = {
        "gov": {"secrets": SECRETS["gov"], "allow_hosts": ["127.0.0.1"], "allow_private": True},
        "strict": {"secrets": SECRETS["strict"], "allow_hosts": ["127.0.0.1"]},  # private addresses refused
        "limited": {"secrets": SECRETS["limited"], "rate_limit": "2/minute"},
        "faraway": {"secrets": SECRETS["faraway"], "allow_hosts": ["reports.example.gov.cn"], "allow_private": True},
    }
    (tmp / "sources.json").write_text(json.dumps(sources))
    env = {**stack_env(tmp), "NIANBAO_OPEN_ACCESS": "0", "NIANBAO_WEBHOOK_SOURCES_FILE": str(tmp / "sources.json"),
           "NIANBAO_FETCH_TIMEOUT_SECONDS": "2", "NIANBAO_MAX_UPLOAD_BYTES": str(MAX_UPLOAD)}
    redis.Redis.from_url(env["NIANBAO_REDIS_URL"]).flushdb()
    s = Stack(env=env)
    s.start()
    yield s
    s.stop()


def cli(stack: Stack, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run([str(BIN / "nianbao"), *args], cwd=REPO, env={**os.environ, **stack.env},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r


def new_key(stack: Stack, *scopes: str, rate: str | None = None) -> str:
    args = ["apikey", "create", "--name", "test"] + [x for s in scopes for x in ("--scope", s)]
    return cli(stack, *args, *(["--rate-limit", rate] if rate else [])).stdout.strip()


def doc_count(stack: Stack) -> int:
    return redis.Redis.from_url(stack.env["NIANBAO_REDIS_URL"]).zcard("nianbao:docs")


def deliver(stack: Stack, source: str, payload: dict | bytes, *, secret_: str | None = None, msg_id: str | None = None,
            at: datetime | None = None, body_override: bytes | None = None) -> httpx.Response:
    """A delivery signed by the reference library, as a Standard Webhooks sender makes it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    msg_id = msg_id or f"msg_{os.urandom(8).hex()}"
    at = at or datetime.now(UTC)
    sig = Webhook(secret_ or SECRETS[source][0]).sign(msg_id, at, body.decode())
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": sig,
               "content-type": "application/json"}
    return httpx.post(f"{stack.ingest_url}/api/v1/webhooks/{source}", content=body_override or body,
                      headers=headers, timeout=30)


def text_payload(tag: str) -> dict:
    return {"type": "report.published", "data": {"filename": f"{tag}.txt", "text": SEED.decode() + f"\n{tag}\n"}}


# --- signatures and idempotency ------------------------------------------------------------------
def test_valid_delivery_accepted_once_and_redelivery_is_2xx_without_second_document(wh):
    payload = text_payload("once")
    body = json.dumps(payload, ensure_ascii=False).encode()
    before = doc_count(wh)
    r1 = deliver(wh, "gov", body, msg_id="msg_once")
    assert r1.status_code == 202, r1.text
    doc = r1.json()
    assert doc["id"] == hashlib.sha256(payload["data"]["text"].encode()).hexdigest()
    assert doc["duplicate"] is False and doc["webhook_id"] == "msg_once"
    r2 = deliver(wh, "gov", body, msg_id="msg_once")  # the sender did not see our answer and retries
    assert r2.status_code == 200 and r2.json()["id"] == doc["id"] and r2.json()["duplicate"] is True
    assert doc_count(wh) == before + 1
    st = httpx.get(f"{wh.ingest_url}{doc['status_url']}", timeout=10)
    assert st.status_code == 200 and st.json()["filename"] == "once.txt"


def test_rotated_secrets_both_valid(wh):
    old, new = SECRETS["gov"]
    assert deliver(wh, "gov", text_payload("rot-old"), secret_=old).status_code == 202
    assert deliver(wh, "gov", text_payload("rot-new"), secret_=new).status_code == 202


def test_bad_deliveries_rejected_and_make_no_document(wh):
    before = doc_count(wh)
    r = deliver(wh, "gov", text_payload("wrong"), secret_=secret())
    assert r.status_code == 401 and "签名无效" in r.text and "invalid signature" in r.text
    r = deliver(wh, "gov", text_payload("stale"), at=datetime.now(UTC) - timedelta(minutes=10))
    assert r.status_code == 401 and "replay" in r.text
    r = deliver(wh, "gov", text_payload("future"), at=datetime.now(UTC) + timedelta(minutes=10))
    assert r.status_code == 401
    good = json.dumps(text_payload("tampered")).encode()
    r = deliver(wh, "gov", good, body_override=good.replace(b"tampered", b"tampereD"))
    assert r.status_code == 401
    r = httpx.post(f"{wh.ingest_url}/api/v1/webhooks/gov", json=text_payload("unsigned"), timeout=10)
    assert r.status_code == 401 and "webhook-id" in r.text
    # a captured, validly signed id replayed with another body: refused, not taken as a redelivery
    assert deliver(wh, "gov", text_payload("first"), msg_id="msg_replay").status_code == 202
    r = deliver(wh, "gov", text_payload("second"), msg_id="msg_replay")
    assert r.status_code == 409 and "webhook-id" in r.text
    assert doc_count(wh) == before + 1  # only "first"


def test_unknown_source_is_404(wh):
    r = deliver(wh, "gov", text_payload("x"))  # sanity: the same delivery to a known source works
    assert r.status_code == 202
    r = httpx.post(f"{wh.ingest_url}/api/v1/webhooks/nosuch", json=text_payload("x"), timeout=10)
    assert r.status_code == 404 and "未配置" in r.text and "unknown webhook source" in r.text


@pytest.mark.parametrize("payload,status,words", [
    (b"not json", 422, "malformed payload"),
    ({"type": "report.published"}, 422, "data"),
    ({"data": {"text": "a", "url": "http://127.0.0.1/x"}}, 422, "exactly one"),
    ({"data": {"content_base64": "***"}}, 422, "base64"),
    ({"data": {"text": ""}}, 422, "empty"),
    ({"data": {"content_base64": base64.b64encode(b"GIF89a....").decode(), "content_type": "image/gif"}}, 415,
     "unsupported media type"),
    ({"data": {"text": "abc", "filename": "slides.pptx"}}, 415, ".pptx"),
    ({"data": {"content_base64": base64.b64encode(BIG).decode()}}, 413, "too large"),
])
def test_payload_errors_have_clear_answers(wh, payload, status, words):
    before = doc_count(wh)
    r = deliver(wh, "gov", payload)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert words in detail and " / " in detail  # Chinese / English
    assert doc_count(wh) == before


def test_huge_content_length_claim_is_413_without_reading(wh):
    conn = http.client.HTTPConnection("127.0.0.1", INGEST_PORT, timeout=10)
    conn.putrequest("POST", "/api/v1/webhooks/gov")
    conn.putheader("Content-Length", str(1 << 30))
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    conn.send(b"{}")
    resp = conn.getresponse()
    assert resp.status == 413 and "payload too large" in resp.read().decode()
    conn.close()


def test_source_rate_limit_is_429(wh):
    codes = [deliver(wh, "limited", text_payload(f"lim{i}")).status_code for i in range(3)]
    assert codes[:2] == [202, 202] and codes[2] == 429


# --- URL deliveries ------------------------------------------------------------------------------
def test_url_delivery_fetches_from_allow_listed_local_server(wh, files_server):
    r = deliver(wh, "gov", {"data": {"url": f"{files_server}/report.txt"}})
    assert r.status_code == 202, r.text
    assert r.json()["id"] == hashlib.sha256(SEED).hexdigest()
    st = httpx.get(f"{wh.ingest_url}{r.json()['status_url']}", timeout=10).json()
    assert st["filename"] == "report.txt" and st["source_url"] == f"{files_server}/report.txt"
    r = deliver(wh, "gov", {"data": {"url": f"{files_server}/same-host-redirect"}})
    assert r.status_code == 202 and r.json()["duplicate"] is True  # same bytes: the same document


@pytest.mark.parametrize("source,path,status,words", [
    ("gov", "/other-host-redirect", 422, "redirect to another host"),
    ("strict", "/report.txt", 422, "private or loopback"),      # loopback without allow_private
    ("faraway", "/report.txt", 422, "not allow-listed"),         # 127.0.0.1 is not its host
    ("gov", "/big.txt", 413, "too large"),
    ("gov", "/slow.txt", 504, "timed out"),
    ("gov", "/missing.txt", 502, "HTTP 404"),
])
def test_url_delivery_refusals(wh, files_server, source, path, status, words):
    before = doc_count(wh)
    r = deliver(wh, source, {"data": {"url": files_server + path}})
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert doc_count(wh) == before


def test_failed_delivery_can_be_redelivered(wh, files_server):
    """A delivery refused for a passing reason (here: the remote file was missing) is not remembered as done."""
    payload = {"data": {"url": f"{files_server}/missing.txt"}}
    assert deliver(wh, "gov", payload, msg_id="msg_retry").status_code == 502
    payload["data"]["url"] = f"{files_server}/report.txt"  # a new body needs a new signature, same id is fine
    assert deliver(wh, "gov", payload, msg_id="msg_retry").status_code in (200, 202)


# --- API keys ------------------------------------------------------------------------------------
def post_doc(stack: Stack, data: bytes, key: str | None = None, name: str = "r.txt") -> httpx.Response:
    return httpx.post(f"{stack.ingest_url}/api/v1/documents", content=data, params={"filename": name},
                      headers={"Authorization": f"Bearer {key}"} if key else None, timeout=30)


def refused_without_key(r: httpx.Response) -> bool:
    return r.status_code == 401 and "缺少 API 密钥" in r.text and "API key required" in r.text


def test_closed_by_default_with_no_key_anywhere(wh):
    """No key was ever created and Redis holds nothing about keys (as after losing it): still closed."""
    r_ = redis.Redis.from_url(wh.env["NIANBAO_REDIS_URL"])
    assert r_.keys("nianbao:apikey*") == []
    before = doc_count(wh)
    assert refused_without_key(post_doc(wh, SEED + b"closed"))
    assert refused_without_key(httpx.post(f"{wh.ingest_url}/api/v1/documents", files={"file": ("r.txt", SEED)},
                                          timeout=30))
    assert refused_without_key(httpx.get(f"{wh.ingest_url}/api/v1/admin/deadletters", timeout=10))
    assert refused_without_key(httpx.post(f"{wh.ingest_url}/api/v1/admin/deadletters/{'0' * 64}/requeue",
                                          timeout=10))
    # webhooks as configured: an unsigned delivery is refused, an unconfigured source is unknown
    body = json.dumps(text_payload("unsigned")).encode()
    r = httpx.post(f"{wh.ingest_url}/api/v1/webhooks/gov", content=body, timeout=10,
                   headers={"content-type": "application/json"})
    assert r.status_code == 401 and "webhook-signature" in r.text
    assert httpx.post(f"{wh.ingest_url}/api/v1/webhooks/nobody", content=body, timeout=10).status_code == 404
    assert doc_count(wh) == before
    # reading stays public
    assert httpx.get(f"{wh.ingest_url}/api/v1/documents/{'0' * 64}", timeout=10).status_code == 404


def test_api_keys_enforced_with_scopes_and_revocation(wh):
    r = post_doc(wh, SEED + b"k0")
    assert r.status_code == 401 and "API 密钥" in r.text and "API key required" in r.text
    assert post_doc(wh, SEED + b"k0", key="nbk_00000000_forged").status_code == 401
    ingest_key, admin_key = new_key(wh, "ingest"), new_key(wh, "admin")
    assert ingest_key.startswith("nbk_")
    assert post_doc(wh, SEED + b"k1", key=ingest_key).status_code == 202
    assert httpx.post(f"{wh.ingest_url}/api/v1/documents", content=SEED + b"k2", timeout=30,
                      headers={"X-API-Key": ingest_key}).status_code == 202
    # admin endpoints: no key 401, ingest key 403, admin key 200
    url = f"{wh.ingest_url}/api/v1/admin/deadletters"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {ingest_key}"}, timeout=10).status_code == 403
    assert httpx.get(url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=10).status_code == 200
    assert httpx.post(f"{wh.ingest_url}/api/v1/admin/deadletters/{'0' * 64}/requeue", timeout=10).status_code == 401
    # keys are stored hashed: neither key appears anywhere in Redis
    r_ = redis.Redis.from_url(wh.env["NIANBAO_REDIS_URL"], decode_responses=True)
    dump = " ".join(str(r_.hgetall(k)) for k in r_.keys("nianbao:apikey*") if r_.type(k) == "hash")
    assert ingest_key.split("_", 2)[2] not in dump and admin_key.split("_", 2)[2] not in dump
    # revocation is immediate
    key_id = ingest_key.split("_")[1]
    listed = [json.loads(x) for x in cli(wh, "apikey", "list").stdout.splitlines()]
    assert {k["id"] for k in listed} >= {key_id, admin_key.split("_")[1]}
    cli(wh, "apikey", "revoke", key_id)
    r = post_doc(wh, SEED + b"k3", key=ingest_key)
    assert r.status_code == 401 and "revoked" in r.text
    assert post_doc(wh, SEED + b"k3", key=admin_key).status_code == 202  # admin keys may ingest too


def test_key_rate_limit_is_429_with_retry_after(wh):
    key = new_key(wh, "ingest", rate="3/minute")
    codes = [post_doc(wh, SEED + f"rate{i}".encode(), key=key).status_code for i in range(4)]
    assert codes == [202, 202, 202, 429]
    r = post_doc(wh, SEED + b"rate9", key=key)
    assert r.status_code == 429 and "请求过于频繁" in r.text and "rate limit" in r.text
    assert int(r.headers["Retry-After"]) >= 1
    assert post_doc(wh, SEED + b"rate10", key=new_key(wh, "ingest")).status_code == 202  # per key, not global


def test_upload_of_unsupported_type_is_415(wh):
    key = new_key(wh, "ingest")
    # PNG, JPEG and TIFF scans are read by OCR (issue 16); other images are refused
    r = httpx.post(f"{wh.ingest_url}/api/v1/documents", content=b"GIF89a....", timeout=10,
                   headers={"Authorization": f"Bearer {key}", "Content-Type": "image/gif"})
    assert r.status_code == 415 and "不支持" in r.text and "unsupported media type" in r.text
    r = httpx.post(f"{wh.ingest_url}/api/v1/documents",
                   files={"file": ("scan.bmp", b"BM....", "application/octet-stream")},
                   headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert r.status_code == 415 and ".bmp" in r.text


# Last in the module: it restarts the ingest API opened.
def test_open_access_setting_opens_uploads_and_admin_only(wh):
    wh.restart_api("ingest", NIANBAO_OPEN_ACCESS="1")
    r = post_doc(wh, SEED + b"open")
    assert r.status_code == 202, r.text
    assert httpx.get(f"{wh.ingest_url}/api/v1/admin/deadletters", timeout=10).status_code == 200
    assert httpx.post(f"{wh.ingest_url}/api/v1/admin/deadletters/{'0' * 64}/requeue", timeout=10).status_code == 404
    # a key that is sent is still checked; webhooks still need their signature
    assert post_doc(wh, SEED + b"open2", key="nbk_00000000_forged").status_code == 401
    r = httpx.post(f"{wh.ingest_url}/api/v1/webhooks/gov", content=json.dumps(text_payload("open")).encode(),
                   headers={"content-type": "application/json"}, timeout=10)
    assert r.status_code == 401
