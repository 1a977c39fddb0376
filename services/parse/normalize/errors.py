"""The normalize stage's failure catalogue: one stable code per reason, message Chinese first with English beside."""
from __future__ import annotations

from shared.errors import ProcessingError


def empty() -> ProcessingError:
    return ProcessingError("empty", "文档为空", "empty document")


def binary() -> ProcessingError:
    return ProcessingError("binary", "二进制数据，无法识别为文本", "binary data, not recognisable as text")


def undecodable(detail: str = "") -> ProcessingError:
    suffix = f" ({detail})" if detail else ""
    return ProcessingError("undecodable", "无法识别文本编码" + suffix,
                           "cannot determine the text encoding" + suffix)


def unsupported(kind_zh: str, kind_en: str) -> ProcessingError:
    return ProcessingError("unsupported_format", f"不支持的格式：{kind_zh}", f"unsupported format: {kind_en}")


def no_text_layer() -> ProcessingError:
    return ProcessingError("no_text_layer", "无文本层（扫描件？需先 OCR）",
                           "no text layer (scanned? needs OCR first)")


def no_text() -> ProcessingError:
    return ProcessingError("no_text", "文档中没有可提取的文字", "no extractable text in the document")


def encrypted_pdf() -> ProcessingError:
    return ProcessingError("encrypted", "PDF 已加密，无法读取", "PDF is encrypted")


def corrupt(fmt: str, detail: str = "") -> ProcessingError:
    suffix = f": {detail}" if detail else ""
    zh_suffix = f"（{detail}）" if detail else ""
    return ProcessingError(f"corrupt_{fmt}", f"{fmt.upper()} 文件损坏或不完整{zh_suffix}",
                           f"{fmt.upper()} file is corrupt or truncated{suffix}")


def too_large(what_zh: str, what_en: str) -> ProcessingError:
    return ProcessingError("too_large", f"文档超出处理上限：{what_zh}",
                           f"document exceeds a processing limit: {what_en}")


def html_too_deep() -> ProcessingError:
    return ProcessingError("html_too_deep", "HTML 嵌套过深，无法解析", "HTML nested too deeply to parse")


def conversion_failed(tool: str, detail: str = "") -> ProcessingError:
    """A converter child (LibreOffice, the spreadsheet reader) crashed, ran out of memory or produced nothing."""
    suffix = f": {detail}" if detail else ""
    zh_suffix = f"（{detail}）" if detail else ""
    return ProcessingError("conversion_failed", f"{tool} 转换失败{zh_suffix}", f"{tool} conversion failed{suffix}")


def conversion_timeout(tool: str, seconds: float) -> ProcessingError:
    return ProcessingError("conversion_timeout", f"{tool} 转换超时（{seconds:g} 秒）",
                           f"{tool} conversion timed out ({seconds:g} s)")


def unsupported_ole() -> ProcessingError:
    return unsupported("无法识别或已损坏的 OLE 复合文档（不是 Word/Excel/WPS 文档）",
                       "unrecognised or damaged OLE compound file (not a Word/Excel/WPS Office document)")
