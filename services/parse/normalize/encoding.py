"""Bytes → str for text and HTML: BOM, then strict UTF-8, then a declared charset verified against
charset-normalizer's detection. Names are normalised so GBK/GB2312 decode as their superset GB18030."""
from __future__ import annotations

import codecs
import re

import charset_normalizer

from . import errors

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),   # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Family name → the codecs to decode with, most permissive superset first.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
}
_ALIASES: dict[str, str] = {
    "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "euc_cn": "gb18030", "gb_2312": "gb18030", "gb2312-80": "gb18030", "hz": "gb18030", "936": "gb18030",
    "ms936": "gb18030", "big5": "big5", "cp950": "big5", "big5hkscs": "big5", "big5-hkscs": "big5",
    "big5_hkscs": "big5", "x-big5": "big5", "ms950": "big5", "950": "big5",
}
_META_CHARSET_RX = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_HEADER_CHARSET_RX = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
# Characters that never occur in a real decoded report: C0 controls other than \t \n \v \f \r, DEL, and U+FFFD.
_BAD_CHARS_RX = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_MAX_BAD_SHARE = 0.005


def canonical(name: str) -> str | None:
    """A normalised encoding name ("utf-8", "gb18030", "big5", …), or None for an unknown name."""
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        py = codecs.lookup(key).name
    except LookupError:
        return None
    if py in _ALIASES:
        return _ALIASES[py]
    return {"utf_8": "utf-8", "utf-8": "utf-8", "ascii": "utf-8"}.get(py, py.replace("_", "-"))


def _decode_as(data: bytes, name: str) -> str | None:
    """Strict decode with the family's codecs; None when the bytes do not fit."""
    for codec in _FAMILIES.get(name, (name,)):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    """Charsets announced by the HTTP content type and by an HTML <meta>, canonical names, in that order."""
    found: list[str] = []
    if content_type and (m := _HEADER_CHARSET_RX.search(content_type)):
        found.append(m.group(1))
    if mb := _META_CHARSET_RX.search(data[:8192]):
        found.append(mb.group(1).decode("ascii", "ignore"))
    return [c for c in (canonical(x) for x in found) if c]


def _check(text: str) -> str:
    bad = len(_BAD_CHARS_RX.findall(text)) if _BAD_CHARS_RX.search(text) else 0
    if bad > max(2, len(text) * _MAX_BAD_SHARE):
        raise errors.binary()
    return text


def decode(data: bytes, declared: list[str] | None = None) -> tuple[str, str]:
    """(text, encoding name). Raises ProcessingError for bytes that are not text in any plausible encoding."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check(data[len(bom):].decode(codec)), name
            except UnicodeDecodeError as exc:
                raise errors.undecodable(f"BOM {name}") from exc
    try:
        # Fast path: valid UTF-8 is almost never an accident for CJK text, whatever a page declares.
        return _check(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    detected = canonical(best.encoding) if best is not None else None
    for name in declared or ():
        # A declared charset wins only when detection agrees with it, or when detection found nothing.
        if name != "utf-8" and (detected is None or detected == name):
            text = _decode_as(data, name)
            if text is not None:
                return _check(text), name
    if detected is None:
        if b"\x00" in data:
            raise errors.binary()
        raise errors.undecodable()
    text = _decode_as(data, detected)
    if text is None:  # the family superset refused bytes the detector's own codec accepted
        assert best is not None  # `detected` came from it
        text, detected = str(best), canonical(best.encoding) or best.encoding
    return _check(text), detected
