"""PDF layout: fpdf2 with a CJK TrueType font, tables drawn with borders and real spans.

The font is looked up at run time (NIANBAO_CJK_FONT, then fontconfig, then usual Debian paths); with
no CJK font installed `cjk_font()` is None and PDF rendering is unavailable rather than faked
(install one with `apt-get install -y fonts-wqy-microhei`)."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from shared.synth.doc import Block
from shared.synth.tables import TRows, width

_KNOWN = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    env = os.environ.get("NIANBAO_CJK_FONT")
    if env and Path(env).is_file():
        return Path(env)
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
        # fpdf2 reads TrueType outlines; CFF-based OpenType CJK fonts (.otf) are skipped.
        files = [f for f in files if f.lower().endswith((".ttf", ".ttc"))]
        if files:
            return Path(files[0])
    return next((Path(p) for p in _KNOWN if Path(p).is_file()), None)


def _col_widths(rows: TRows, total: float) -> tuple[float, ...]:
    w = width(rows)
    if w == 10:  # applications: three label columns, seven value columns
        return (16, 22, 47, *([(total - 85) / 7] * 7))
    if w == 4:
        return (total * 0.31, *([total * 0.23] * 3))
    return tuple([total / w] * w)


def render_pdf(rng: random.Random, blocks: list[Block]) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415 (test/bench dependency)

    font = cjk_font()
    if font is None:
        raise RuntimeError("no CJK font installed: apt-get install -y fonts-wqy-microhei")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", fname=str(font))
    pdf.add_page()
    size = rng.choice((9, 10, 10.5))
    for b in blocks:
        if b.kind == "table":
            pdf.set_font("cjk", size=6.5)
            rows = b.rows or []
            with pdf.table(col_widths=_col_widths(rows, pdf.epw), text_align="CENTER", line_height=3.2,
                           first_row_as_headings=False) as table:
                for row in rows:
                    tr = table.row()
                    for c in row:
                        tr.cell(c.text, rowspan=c.rowspan, colspan=c.colspan)
            pdf.ln(3)
            continue
        pdf.set_font("cjk", size=14 if b.kind == "title" else size)
        align = "C" if b.kind == "title" else "R" if b.kind == "sign" else "L"
        pdf.multi_cell(0, 6, b.text, align=align, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
