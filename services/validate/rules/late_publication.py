"""LATE_PUBLICATION (warning): 《政府信息公开条例》第四十九条 requires a body to publish its annual report
by 31 January of the next year. A report whose published date (`meta.published`, ISO; the signature
date, else the page's 发布时间) is later than that gets a warning. No finding when the date or the year
is unknown, or the date is not a valid ISO date."""
from __future__ import annotations

from datetime import date

from shared.record import Finding, Record

from ._common import finding


def deadline(year: int) -> date:
    """The last day a report for `year` may be published: 31 January of the next year."""
    return date(year + 1, 1, 31)


def _parse(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def check_late_publication(record: Record) -> list[Finding]:
    year, published = record.meta.year, _parse(record.meta.published)
    if year is None or published is None:
        return []
    due = deadline(year)
    if published <= due:
        return []
    days = (published - due).days
    return [finding(
        "LATE_PUBLICATION", "warning",
        f"{year} 年度报告发布日期为 {published.isoformat()}，晚于《条例》规定的 {due.year} 年 1 月 31 日"
        f"（逾期 {days} 天）",
        f"The {year} report was published on {published.isoformat()}, {days} days after 31 January {due.year}, "
        f"the deadline the Regulations set",
        where="meta.published", expected=due.isoformat(), actual=published.isoformat())]
