"""Seed Records built by hand from seeds.expected.json (tables + meta) and the seed's own text, so
the validate rules can be tested independently of the parser."""
from __future__ import annotations

import json
import re
from functools import cache

import opencc

from shared.record import Meta, Record, Region, Section, Source, SECTION_TITLES
from tests.paths import SEEDS, SHARED

EXPECTED = SHARED / "spec" / "seeds.expected.json"
NUMERALS = "一二三四五六"
# A heading "N、title" counts only in order and when its title has the section's keyword, so the
# table rows "一、本年新收…" / "四、结转下年度…" inside section 3 are not taken for headings.
HEADING_KEYWORDS = {1: "总体|概述|概况", 2: "主动公开", 3: "申请", 4: "复议|诉讼",
                    5: "问题|改进", 6: "其他"}


@cache
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def seed_names() -> list[str]:
    return sorted(expected())


def seed_text(name: str) -> str:
    text = (SEEDS / name).read_text(encoding="utf-8")
    if expected()[name]["meta"].get("traditional"):
        text = opencc.OpenCC("t2s").convert(text)  # what normalize does for traditional reports
    return text


def split_sections(text: str) -> list[Section]:
    """Split at the 一、…六、 headings; a heading's text runs to the next heading."""
    starts: list[tuple[int, int]] = []  # (section no, offset)
    want = 1
    for m in re.finditer(r"(?m)^[\s#]*([一二三四五六])\s*[、.．]\s*(.{0,40})$", text):
        no = NUMERALS.index(m.group(1)) + 1
        if no == want and re.search(HEADING_KEYWORDS[no], m.group(2)):
            starts.append((no, m.start()))
            want += 1
    out = []
    for i, (no, off) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        body = text[off:end].split("\n", 1)
        out.append(Section(no=no, title=SECTION_TITLES[no], text=body[1] if len(body) > 1 else ""))
    return out


def seed_record(name: str) -> Record:
    exp = expected()[name]
    m = exp["meta"]
    meta = Meta(
        title=m.get("title"), agency=m.get("agency"), year=m.get("year"), published=m.get("published"),
        region=Region(**(m.get("region") or {})), level=m.get("level"), template=m.get("template"),
        source=Source(traditional=bool(m.get("traditional"))),
    )
    text = seed_text(name)
    return Record(
        id=name, meta=meta, sections=split_sections(text), text=text,
        active_disclosure=exp["active_disclosure"], applications=exp["applications"],
        review_litigation=exp["review_litigation"],
    )


def expected_rules(name: str) -> set[str]:
    return set(expected()[name]["findings_rules"])
