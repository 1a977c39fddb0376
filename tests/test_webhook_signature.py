"""Our Standard Webhooks verifier against the specification's reference library (`standardwebhooks`),
plus source configuration, the type check (415) and the address checks of the URL fetcher. No servers."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from datetime import UTC, datetime

import pytest
from fastapi import HTTPException
from pydantic import ValidationError
from standardwebhooks import Webhook

from services.ingest.fetch import FetchError, host_allowed, resolve_checked
from services.ingest.limits import check_type
from services.ingest.webhooks.signature import SignatureError, sign, verify
from services.ingest.webhooks.sources import parse_sources


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def reference_delivery(secret: str, body: bytes, msg_id: str = "msg_1", at: datetime | None = None) -> dict[str, str]:
    """Headers as a sender using the reference library makes them."""
    at = at or datetime.now(UTC)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode())}


BODY = json.dumps({"type": "report.published", "data": {"text": "政府信息公开工作年度报告"}}, ensure_ascii=False).encode()


def test_reference_signed_delivery_verifies():
    secret = new_secret()
    stamp = verify([secret], reference_delivery(secret, BODY), BODY, tolerance=300)
    assert abs(stamp - time.time()) < 5


def test_our_signature_verifies_with_the_reference_library():
    secret = new_secret()
    ts = int(time.time())
    headers = {"webhook-id": "m", "webhook-timestamp": str(ts), "webhook-signature": sign(secret, "m", ts, BODY)}
    assert Webhook(secret).verify(BODY, headers)["data"]["text"] == "政府信息公开工作年度报告"


def test_rotation_any_configured_secret_and_any_listed_signature():
    old, new = new_secret(), new_secret()
    # sender still on the old secret: accepted while both are configured
    verify([new, old], reference_delivery(old, BODY), BODY, tolerance=300)
    # sender sends both signatures during its own rotation; we only know the new secret
    h_old, h_new = reference_delivery(old, BODY), reference_delivery(new, BODY)
    both = {**h_new, "webhook-signature": f"{h_old['webhook-signature']} {h_new['webhook-signature']}"}
    verify([new], both, BODY, tolerance=300)
    with pytest.raises(SignatureError):
        verify([new], h_old, BODY, tolerance=300)  # the old secret, once dropped, no longer works


def test_wrong_secret_rejected():
    with pytest.raises(SignatureError) as e:
        verify([new_secret()], reference_delivery(new_secret(), BODY), BODY, tolerance=300)
    assert e.value.reason == "bad_signature"


@pytest.mark.parametrize("offset", [-301, +301])
def test_timestamp_outside_window_rejected(offset):
    secret = new_secret()
    at = datetime.fromtimestamp(time.time() + offset, tz=UTC)
    with pytest.raises(SignatureError) as e:
        verify([secret], reference_delivery(secret, BODY, at=at), BODY, tolerance=300)
    assert e.value.reason == "stale"
    verify([secret], reference_delivery(secret, BODY, at=at), BODY, tolerance=400)  # the window is configurable


def test_tampered_body_and_header_rejected():
    secret = new_secret()
    h = reference_delivery(secret, BODY)
    with pytest.raises(SignatureError):
        verify([secret], h, BODY.replace("年度".encode(), "月度".encode()), tolerance=300)
    with pytest.raises(SignatureError):
        verify([secret], {**h, "webhook-id": "msg_2"}, BODY, tolerance=300)


@pytest.mark.parametrize("drop", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_rejected(drop):
    secret = new_secret()
    h = reference_delivery(secret, BODY)
    del h[drop]
    with pytest.raises(SignatureError) as e:
        verify([secret], h, BODY, tolerance=300)
    assert e.value.reason == "missing_headers"


def test_other_signature_versions_ignored():
    secret = new_secret()
    h = reference_delivery(secret, BODY)
    h["webhook-signature"] = "v1a," + h["webhook-signature"].split(",", 1)[1]
    with pytest.raises(SignatureError):
        verify([secret], h, BODY, tolerance=300)


def test_sources_json_and_toml():
    s = new_secret()
    js = parse_sources(json.dumps({"pingtan": {"secrets": [s], "allow_hosts": ["*.gov.cn"]}}))
    assert js["pingtan"].allow_hosts == ["*.gov.cn"] and js["pingtan"].allow_private is False
    tm = parse_sources(f'[pingtan]\nsecrets = ["{s}"]\nallow_private = true\n', toml=True)
    assert tm["pingtan"].allow_private is True
    with pytest.raises(ValidationError):
        parse_sources(json.dumps({"x": {"secrets": ["whsec_!!notbase64"]}}))
    with pytest.raises(ValidationError):
        parse_sources(json.dumps({"x": {"secrets": []}}))
    with pytest.raises(ValidationError):
        parse_sources(json.dumps({"../x": {"secrets": [s]}}))


@pytest.mark.parametrize("filename,ctype,refused", [
    ("report.pdf", "application/pdf", False),
    ("report.docx", None, False),
    ("report.html", "text/html; charset=gbk", False),
    ("noise.bin", "application/octet-stream", False),
    (None, "application/x-www-form-urlencoded", False),  # curl --data-binary's default
    ("scan.png", None, False),                        # scans are read by OCR (issue 16)
    (None, "image/png", False),
    ("scan.TIF", "image/tiff", False),
    ("photo.jpg", "image/jpeg", False),
    ("anim.gif", None, True),
    (None, "image/webp", True),
    ("report.doc", "application/msword", False),      # read through LibreOffice (issue 16)
    ("report.wps", None, False),
    ("table.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    ("table.xls", "application/vnd.ms-excel", False),
    ("slides.pptx", None, True),
    ("report.TXT", "video/mp4", True),
])
def test_unsupported_types_are_415(filename, ctype, refused):
    if refused:
        with pytest.raises(HTTPException) as e:
            check_type(filename, ctype)
        assert e.value.status_code == 415 and " / " in e.value.detail
    else:
        check_type(filename, ctype)


def test_host_allow_list():
    assert host_allowed("www.pingtan.gov.cn", ["*.pingtan.gov.cn"])
    assert host_allowed("WWW.Pingtan.gov.cn.", ["www.pingtan.gov.cn"])
    assert not host_allowed("pingtan.gov.cn.evil.com", ["*.pingtan.gov.cn"])
    assert not host_allowed("evil.com", [])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "169.254.169.254", "::1", "0.0.0.0"])
def test_private_addresses_refused_unless_allowed(host):
    with pytest.raises(FetchError) as e:
        asyncio.run(resolve_checked(host, 80, allow_private=False))
    assert e.value.status == 422
    if host != "::1" or os.path.exists("/proc/net/if_inet6"):
        assert asyncio.run(resolve_checked(host, 80, allow_private=True))
