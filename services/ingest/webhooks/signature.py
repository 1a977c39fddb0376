"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`.

Our own verifier (the tests check it against deliveries signed by the reference `standardwebhooks`
library): it works on the raw body bytes, accepts several secrets (rotation) and several signatures in
the header, compares in constant time, and has its own replay window.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

PREFIX = "whsec_"


class SignatureError(Exception):
    """Why a delivery is refused; `reason` is a stable machine word, the message is Chinese / English."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.reason = reason
        self.zh, self.en = zh, en


def decode_secret(secret: str) -> bytes:
    raw = secret[len(PREFIX):] if secret.startswith(PREFIX) else secret
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError("webhook secret is not base64 (whsec_<base64>)") from e
    if not key:
        raise ValueError("empty webhook secret")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(decode_secret(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secrets: list[str], headers: dict[str, str], body: bytes, tolerance: int, now: float | None = None) -> int:
    """Check a delivery; returns its timestamp. Raises SignatureError (missing headers, stale, bad signature)."""
    h = {k.lower(): v for k, v in headers.items()}
    msg_id, ts, sig_header = h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature")
    if not (msg_id and ts and sig_header):
        raise SignatureError("missing_headers", "缺少 webhook-id / webhook-timestamp / webhook-signature 头",
                             "missing webhook-id, webhook-timestamp or webhook-signature header")
    if not ts.isdigit() or len(ts) > 12:
        raise SignatureError("bad_timestamp", "webhook-timestamp 不是整数秒", "webhook-timestamp is not integer seconds")
    stamp = int(ts)
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        raise SignatureError("stale", f"时间戳超出允许范围（±{tolerance} 秒），疑似重放",
                             f"timestamp outside the allowed window (±{tolerance} s), possible replay")
    passed: list[bytes] = []
    for part in sig_header.split():
        version, _, value = part.partition(",")
        if version != "v1":
            continue
        try:
            passed.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    signed = f"{msg_id}.{ts}.".encode() + body  # the header value as sent, as the specification signs it
    ok = False
    for secret in secrets:
        expected = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
        for sig in passed:
            ok |= hmac.compare_digest(expected, sig)  # no early exit: time does not tell which matched
    if not ok:
        raise SignatureError("bad_signature", "签名无效", "invalid signature")
    return stamp
