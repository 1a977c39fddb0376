"""Limits with clear answers: rate (429, Redis moving window via `limits`), body size (413) and
unsupported types (415). Every refusal carries a Chinese and an English message."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from pathlib import PurePosixPath

from fastapi import HTTPException, Request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from shared.settings import get_settings


def problem(status: int, zh: str, en: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status_code=status, detail=f"{zh} / {en}", headers=headers)


# --- rate ------------------------------------------------------------------------------------
@lru_cache
def _limiter() -> MovingWindowRateLimiter:
    # Shared by every API process through Redis, so the limit holds across uvicorn workers.
    return MovingWindowRateLimiter(storage_from_string(get_settings().redis_url))


def check_rate(identity: str, limit: str | None = None) -> None:
    """Count one request of `identity` (an API key id, a webhook source); 429 beyond the limit."""
    item = parse(limit or get_settings().rate_limit)
    try:
        ok = _limiter().hit(item, "nianbao-rate", identity)
    except Exception:  # noqa: BLE001 — Redis down: the request fails later anyway, with its own answer
        return
    if not ok:
        reset = _limiter().get_window_stats(item, "nianbao-rate", identity).reset_time

        retry = max(1, int(reset - time.time()) + 1)
        raise problem(429, f"请求过于频繁（上限 {item}），请 {retry} 秒后重试",
                      f"rate limit exceeded ({item}); retry in {retry} s", {"Retry-After": str(retry)})


# --- size ------------------------------------------------------------------------------------
def too_large(limit: int) -> HTTPException:
    return problem(413, f"文件过大（上限 {limit} 字节）", f"payload too large (limit {limit} bytes)")


async def read_capped(chunks: AsyncIterator[bytes], declared: str | None, limit: int,
                      refuse: Callable[[int], Exception]) -> bytes:
    """A streamed body, refused with `refuse(limit)` as soon as it (or its declared length) exceeds
    `limit`: a false 1 GB claim is answered before anything is read. Uploads and URL fetches both."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise refuse(limit)
    buf = bytearray()
    async for chunk in chunks:
        buf += chunk
        if len(buf) > limit:
            raise refuse(limit)
    return bytes(buf)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, 413 beyond `limit`."""
    return await read_capped(request.stream(), request.headers.get("content-length"), limit, too_large)


# --- type ------------------------------------------------------------------------------------
# What the normalizer reads is decided by sniffing the bytes; these are only the declared types we
# know it cannot read, refused before anything is stored. Anything else goes on to sniffing.
# Scans as PNG, JPEG or TIFF are read by OCR (issue 16); other image formats are not.
_REFUSED_EXT = frozenset("""
gif bmp webp svg heic ico
ppt pptx dps odt ods odp rtf ofd
zip rar 7z gz tgz bz2 xz tar
mp3 mp4 wav avi mov mkv flac
exe dll so apk dmg iso
""".split())
_REFUSED_CT_PREFIX = ("image/", "audio/", "video/", "font/", "model/")
_REFUSED_CT = frozenset("""
application/rtf text/rtf application/vnd.ms-powerpoint
application/vnd.openxmlformats-officedocument.presentationml.presentation
application/x-rar-compressed application/vnd.rar application/x-7z-compressed application/gzip
application/x-gzip application/x-tar application/x-bzip2 application/x-xz application/x-msdownload
application/ofd application/vnd.oasis.opendocument.text
""".split())
_SCAN_CT = frozenset({"image/png", "image/jpeg", "image/tiff"})
SUPPORTED = "TXT、HTML、PDF、DOCX、DOC、WPS、XLS、XLSX、PNG、JPEG、TIFF"


def check_type(filename: str | None, content_type: str | None) -> None:
    """415 when the declared content type or the filename extension is one we do not read."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct and ct not in _SCAN_CT and (ct.startswith(_REFUSED_CT_PREFIX) or ct in _REFUSED_CT):
        raise problem(415, f"不支持的文件类型 {ct}（支持 {SUPPORTED}）",
                      f"unsupported media type {ct} (supported: TXT, HTML, PDF, DOCX, DOC, WPS, XLS, XLSX, PNG, JPEG, TIFF)")
    ext = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower().lstrip(".")
    if ext and ext in _REFUSED_EXT:
        raise problem(415, f"不支持的文件扩展名 .{ext}（支持 {SUPPORTED}）",
                      f"unsupported file extension .{ext} (supported: .txt, .html, .pdf, .docx, .doc, .wps, .xls, .xlsx, "
                      ".png, .jpg, .tif)")
