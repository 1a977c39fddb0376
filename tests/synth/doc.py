"""A layout-neutral report: an ordered list of blocks (title, date line, headings, paragraphs, tables,
signature) that every layout writes down in its own way."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from tests.synth.narrative import CN_NUM, SectionText
from tests.synth.tables import Style, TRows, ad_rows, app_rows, rl_rows
from tests.synth.values import Truth


@dataclass
class Block:
    kind: str            # "title" | "dateline" | "heading" | "para" | "table" | "sign"
    text: str = ""
    rows: TRows | None = None


def _cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def build_blocks(rng: random.Random, truth: Truth, sections: list[SectionText], style: Style) -> list[Block]:
    meta = truth.meta
    template = meta["template"]
    blocks = [Block("title", meta["title"])]
    date_on_top = rng.random() < 0.6
    if date_on_top:
        hh, mm, ss = rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)
        blocks.append(Block("dateline", rng.choice((
            f"发布时间：{meta['published']} {hh:02d}:{mm:02d}:{ss:02d}",
            f"发布日期：{meta['published']}",
            f"来源：{meta['agency']}  发布时间：{meta['published']}",
        ))))
    blocks.append(Block("para", f"根据《中华人民共和国政府信息公开条例》规定，现公布{meta['title'].removesuffix('工作年度报告')}"
                                f"工作年度报告。如对本报告有疑问，请与{meta['agency']}联系。"))
    tables = {2: ad_rows(template, truth.active_disclosure, style),
              3: app_rows(template, truth.applications, style),
              4: rl_rows(truth.review_litigation, style)}
    for sec in sections:
        blocks.append(Block("heading", f"{CN_NUM[sec.no - 1]}、{sec.title}"))
        blocks += [Block("para", p) for p in sec.paragraphs]
        if sec.no in tables:
            blocks.append(Block("table", rows=tables[sec.no]))
    if not date_on_top or rng.random() < 0.3:
        blocks += [Block("sign", meta["agency"]), Block("sign", _cn_date(meta["published"]))]
    return blocks


def map_text(blocks: list[Block], fn: Callable[[str], str]) -> list[Block]:
    """Apply a text transform (e.g. OpenCC s2t) to every string of the document."""
    out = []
    for b in blocks:
        rows = None if b.rows is None else [[replace(c, text=fn(c.text)) for c in row] for row in b.rows]
        out.append(Block(b.kind, fn(b.text) if b.text else b.text, rows))
    return out

