"""Seed Records built by hand from seeds.expected.json (tables + meta) and the seed's own text, so
the validate rules can be tested independently of the parser."""
from __future__ import annotations

import json
import re
from functools import cache

import opencc
from bs4 import BeautifulSoup

from shared.record import SECTION_TITLES, Meta, Record, Region, Section, Source
from tests.paths import FIXTURES, REAL, SEEDS, SHARED

EXPECTED = SHARED / "spec" / "seeds.expected.json"
NUMERALS = "一二三四五六"
# A heading "N、title" counts only in order and when its title has the section's keyword soon after,
# so the table rows "一、本年新收…" / "四、结转下年度…" inside section 3 are not taken for headings.
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
    """Split at the 一、…六、 headings, found in order (also inline, as in crawled one-line pages);
    a section's text runs from its heading's keyword to the next heading."""
    starts: list[tuple[int, int, int]] = []  # (section no, heading start, text start)
    pos = 0
    for no in range(1, 7):
        m = re.compile(rf"{NUMERALS[no - 1]}\s*[、.．][^。]{{0,24}}?(?:{HEADING_KEYWORDS[no]})").search(text, pos)
        if m is None:
            continue
        starts.append((no, m.start(), m.end()))
        pos = m.end()
    out = []
    for i, (no, _, body_start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        out.append(Section(no=no, title=SECTION_TITLES[no], text=text[body_start:end]))
    return out


def record_from(exp: dict, text: str, record_id: str) -> Record:
    """A Record holding the hand-read values of `exp` and the document text split into sections."""
    m = exp["meta"]
    meta = Meta(
        title=m.get("title"), agency=m.get("agency"), year=m.get("year"), published=m.get("published"),
        region=Region(**(m.get("region") or {})), level=m.get("level"), template=m.get("template"),
        source=Source(traditional=bool(m.get("traditional"))),
    )
    return Record(
        id=record_id, meta=meta, sections=split_sections(text), text=text,
        active_disclosure=exp["active_disclosure"], applications=exp["applications"],
        review_litigation=exp["review_litigation"],
    )


def seed_record(name: str) -> Record:
    return record_from(expected()[name], seed_text(name), name)


def expected_rules(name: str) -> set[str]:
    return set(expected()[name]["findings_rules"])


# --- the real reports with hand-read values (tests/fixtures/real_expected) -----------------------

def real_names() -> list[str]:
    return sorted(p.stem for p in (FIXTURES / "real_expected").glob("*.json"))


def real_expected(stem: str) -> dict:
    return json.loads((FIXTURES / "real_expected" / f"{stem}.json").read_text(encoding="utf-8"))


def real_text(stem: str) -> str:
    (path,) = REAL.glob(f"{stem}.*")
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        raw = BeautifulSoup(raw, "lxml").get_text("\n")
    return raw


def real_record(stem: str) -> Record:
    return record_from(real_expected(stem), real_text(stem), stem)
