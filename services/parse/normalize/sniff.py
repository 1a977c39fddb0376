"""Byte sniffing: what a payload really is, whatever its filename or content type claims."""
from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Literal

import olefile

# Formats we recognise only to refuse them with a clear message: (magic prefix, zh, en). PNG, JPEG and TIFF
# are read by OCR (extractors/image.py).
_REFUSED_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"GIF87a", "GIF 图片", "GIF image"),
    (b"GIF89a", "GIF 图片", "GIF image"),
    (b"BM", "BMP 图片", "BMP image"),
    (b"{\\rtf", "RTF 文档", "RTF document"),
    (b"\x1f\x8b", "gzip 压缩包", "gzip archive"),
    (b"Rar!\x1a\x07", "RAR 压缩包", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "7z archive"),
    (b"BZh", "bzip2 压缩包", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz 压缩包", "xz archive"),
    (b"%!PS", "PostScript 文档", "PostScript document"),
    (b"\x7fELF", "可执行文件", "executable"),
    (b"MZ", "可执行文件", "executable"),
    (b"OTTO", "字体文件", "font file"),
)
_BMP_RX = re.compile(rb"BM.{4}\x00\x00\x00\x00", re.S)  # "BM" alone is too weak: also check reserved bytes
_WEBP_RX = re.compile(rb"RIFF.{4}WEBP", re.S)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def refused_kind(data: bytes) -> tuple[str, str] | None:
    """(zh, en) description when the bytes are a known binary format we do not process."""
    head = data[:16]
    if _WEBP_RX.match(head):
        return "WebP 图片", "WebP image"
    for magic, zh, en in _REFUSED_MAGIC:
        if head.startswith(magic):
            if magic == b"BM" and not _BMP_RX.match(head):
                continue
            if magic == b"MZ" and b"This program" not in data[:512]:
                continue
            return zh, en
    return None


def is_pdf(data: bytes) -> bool:
    # The header may sit after some junk bytes; readers accept it within the first KiB.
    return b"%PDF-" in data[:1024]


def is_zip(data: bytes) -> bool:
    return data[:4] in ZIP_MAGIC


def zip_names(data: bytes) -> list[str] | None:
    """Member names of a zip, or None when the central directory cannot be read (corrupt/truncated)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _zip_holding(data: bytes, member: str, raw: bytes) -> bool:
    """A zip with this member. A truncated one (no central directory) still names its members in the local
    headers, so look for `raw` in the bytes too: that makes it a corrupt DOCX/XLSX, not 'a zip'."""
    if not is_zip(data):
        return False
    names = zip_names(data)
    if names is not None:
        return member in names
    return raw in data[:1 << 20]


def looks_like_xlsx(data: bytes) -> bool:
    return _zip_holding(data, "xl/workbook.xml", b"xl/workbook")


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OleKind = Literal["word", "excel", "works", "other", "broken"]


def is_ole(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def ole_kind(data: bytes) -> OleKind | None:
    """What an OLE2 compound file (.doc/.xls/.wps/.et/.ppt…) holds, from its stream names alone (the
    directory is read, no stream is): "word" (a WordDocument stream: Word 97–2003, and WPS Office's .wps,
    which is the same format), "excel" (Workbook/Book: BIFF, also WPS's .et), "works" (Microsoft Works'
    word processor .wps), "other" (PowerPoint, an encrypted OOXML package…), "broken" (the OLE header
    and nothing readable after it). None when the bytes are not OLE2 at all."""
    if not is_ole(data):
        return None
    try:
        with olefile.OleFileIO(data) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001 — olefile raises many types (OSError, struct.error, IndexError…) on junk
        return "broken"
    if "WordDocument" in names:
        return "word"
    if names & {"Workbook", "Book"}:
        return "excel"
    if "MatOST" in names or "CONTENTS" in names:
        return "works"
    return "other"


def looks_like_docx(data: bytes) -> bool:
    return _zip_holding(data, "word/document.xml", b"word/")


_HTML_START_RX = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|span|section|article|h[1-6]|br)\b",
    re.I | re.S,
)
_HTML_ANYWHERE_RX = re.compile(r"<(?:html|body|table)\b[^>]*>", re.I)
_TAG_RX = re.compile(r"</?(?:p|div|td|tr|span|br|table|font|li|a)\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    """HTML by its tags, not by its name: a document that starts with markup, or has an <html>/<body>/<table>
    element and is dense in tags. Plain text that merely contains a stray comment or tag stays text."""
    head = text[:4096]
    if _HTML_START_RX.match(head):
        return True
    if _HTML_ANYWHERE_RX.search(head):
        return len(_TAG_RX.findall(text[:65536])) >= 5
    return False
