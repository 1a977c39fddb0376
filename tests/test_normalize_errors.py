"""Inputs that cannot be processed give a ProcessingError with a stable code and a Chinese / English message."""
from __future__ import annotations

import gzip
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from services.parse.normalize import normalize
from services.parse.ocr import NeedsOcr
from shared.errors import ProcessingError


def _error(data: bytes, **kw) -> ProcessingError:
    with pytest.raises(ProcessingError) as exc:
        normalize(data, "id", **kw)
    err = exc.value
    zh, en = err.message.split(" / ", 1)
    assert zh and en and any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()
    return err


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", "\u3000\n".encode()], ids=["zero", "spaces", "ideographic"])
def test_empty(data: bytes) -> None:
    assert _error(data).code == "empty"


def test_random_binary() -> None:
    data = random.Random(0).randbytes(20_000)
    assert _error(data, filename="report.txt").code in {"binary", "undecodable"}


def test_random_binary_without_nul_bytes() -> None:
    data = bytes(b for b in random.Random(1).randbytes(30_000) if b)[:20_000]
    assert _error(data).code in {"binary", "undecodable"}


def test_control_characters_are_not_text() -> None:
    assert _error(bytes(range(1, 9)) * 500).code == "binary"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "WEBP"])
def test_images_unsupported(fmt: str) -> None:
    err = _error(_image(fmt), filename="report.pdf", content_type="application/pdf")
    assert err.code == "unsupported_format"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_images_go_to_ocr_whatever_their_name(fmt: str) -> None:
    with pytest.raises(NeedsOcr) as exc:
        normalize(_image(fmt), "id", filename="report.pdf", content_type="application/pdf")
    assert (exc.value.kind, exc.value.pages) == ("image", [0])


@pytest.mark.parametrize("data,kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Office"),
    (gzip.compress(b"hello world " * 50), "gzip"),
    (b"{\\rtf1\\ansi hello}", "RTF"),
])
def test_other_formats_unsupported(data: bytes, kind: str) -> None:
    err = _error(data)
    assert err.code == "unsupported_format" and kind in err.en


def test_too_large(monkeypatch) -> None:
    from shared.settings import get_settings
    monkeypatch.setattr(get_settings(), "max_upload_bytes", 1000)
    assert _error("年报".encode() * 1000).code == "too_large"


def test_name_does_not_decide() -> None:
    # A text file called .pdf is text; a PDF without the header is not a PDF.
    doc = normalize("政府信息公开工作年度报告".encode(), "id", filename="r.pdf", content_type="application/pdf")
    assert doc.format == "text"


def test_error_serializes() -> None:
    assert _error(b"").as_dict() == {"code": "empty", "message": "文档为空 / empty document"}


_PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body><table><tr><td>", b"\xef\xbb\xbf", b"\xff\xfe"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(prefix: bytes, body: bytes) -> None:
    """Whatever the bytes, the result is a document or a ProcessingError: never another exception."""
    try:
        doc = normalize(prefix + body, "id")
    except ProcessingError as exc:
        assert exc.code
        return
    assert doc.text.strip()
    assert not any(ch < " " and ch not in "\t\n" for ch in doc.text)
