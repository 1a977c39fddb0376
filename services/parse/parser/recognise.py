"""Is the parsed document an annual report at all? (issue 19 part 5)

Decided after parse, where the record is known, by what parse found — never by the document's name
or format. A document is taken as a report when it has

  * any of the three tables (主动公开 / 收到和处理政府信息公开申请 / 行政复议行政诉讼), read at all; or
  * at least two of the title, the issuing body (agency) and the report year.

Otherwise it is refused: `not_a_report`, the document ends `failed`, its bytes stay stored and it never
reaches Elasticsearch. Two of three because each one alone turns up on pages that are not reports: a
news page has a date (so a "year"), a page headed by the generic phrase 政府信息公开工作年度报告 has a
"title" naming no body and no year. A real report whose tables were lost to its layout still names
its body and its year (or its title and year), and stays indexed with its MISSING_TABLE findings.

Structured data (a JSON file such as a crawl manifest) is refused unless a table was read in it:
the report titles, bodies and years such a file lists name other documents, they are not its own.

A record whose parse crashed (no quality grade) is never refused: that is our bug, not the document's,
and it keeps its "parsing failed" finding.
"""
from __future__ import annotations

import json

from shared.errors import ProcessingError
from shared.record import Record

CODE = "not_a_report"
ZH, EN = "不是政府信息公开工作年度报告", "not an annual report"
# (field, Chinese, English) in the order the detail names them
_FIELDS = (("title", "标题", "title"), ("agency", "发布机关", "issuing body"), ("year", "报告年度", "report year"))


def is_structured_data(text: str | None) -> bool:
    """The whole text is one JSON object or array (a manifest, an API answer), not a document."""
    t = (text or "").strip()
    if not t or t[0] not in "[{" or t[-1] not in "]}":
        return False
    try:
        return isinstance(json.loads(t), (dict, list))
    except ValueError:
        return False


def refusal(record: Record) -> ProcessingError | None:
    """The `not_a_report` error when the record is not an annual report (rule above), else None."""
    if record.quality is None:  # parse crashed: keep the record and its finding, do not blame the document
        return None
    if record.quality.tables_found:  # any of the three tables read at all
        return None
    m = record.meta
    have = [(zh, en, getattr(m, f)) for f, zh, en in _FIELDS if getattr(m, f)]
    if is_structured_data(record.text):
        return ProcessingError(CODE, ZH, EN, detail="JSON 数据文件，其中没有任何一张统计表 / "
                                                    "a JSON data file, with none of the three tables")
    if len(have) >= 2:
        return None
    missing = [(zh, en) for f, zh, en in _FIELDS if not getattr(m, f)]
    zh = f"未找到{'、'.join(z for z, _ in missing)}，也没有三张统计表中的任何一张"
    en = f"no {' or '.join(e for _, e in missing)} and none of the three tables found"
    if have:  # the one thing found, so a reader can judge the refusal
        what_zh, what_en, value = have[0]
        value = str(value)[:40]
        zh += f"，仅有{what_zh}：{value}"
        en += f"; only the {what_en}: {value}"
    detail = f"{zh} / {en}"
    return ProcessingError(CODE, ZH, EN, detail=detail)


def ensure_report(record: Record) -> None:
    """Raise `not_a_report` when the record is not an annual report (rule above)."""
    err = refusal(record)
    if err is not None:
        raise err
