"""PDF layout: fpdf2 with a CJK TrueType font, tables drawn with borders and real spans.

The font is looked up at run time (NIANBAO_CJK_FONT, then fontconfig, then usual Debian paths); with
no CJK font installed `cjk_font()` is None and PDF rendering is unavailable rather than faked
(install one with `apt-get install -y fonts-wqy-microhei`)."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from tests.synth.doc import Block
from tests.synth.tables import TRows, width

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


def _charset() -> str:
    """Every character a synthetic report can contain: the synth's own source text (labels,
    narrative), the real division names, both in simplified and traditional form, plus ASCII."""
    from tests.synth.agencies import divisions
    from tests.synth.render import to_traditional

    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(here.glob("*.py")))
    text += "".join("".join(d) for d in divisions())
    text += to_traditional(text) + "".join(chr(i) for i in range(32, 127)) + "—“”‘’（）：，。、；／"
    return "".join(sorted(set(text)))


@lru_cache(maxsize=1)
def _subset_font() -> tuple[Path, frozenset[int]] | None:
    """A subset of the CJK font with just the characters the synth uses (loading a full CJK font
    costs seconds per document), cached in the temp folder."""
    font = cjk_font()
    if font is None:
        return None
    chars = _charset()
    key = hashlib.sha256((str(font) + chars).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"nianbao-synth-cjk-{key}.ttf"
    if not path.is_file():
        import logging

        from fontTools import subset

        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        options = subset.Options()
        options.font_number = 0
        options.layout_features = []
        sub = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(sub)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        subset.save_font(sub, str(tmp), options)
        tmp.replace(path)
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), lazy=True).getBestCmap()
    return path, frozenset(cmap)


def _font_for(blocks: list[Block]) -> Path:
    """The subset font when it covers the document, else the full font."""
    sub = _subset_font()
    if sub is not None:
        used = {ord(ch) for b in blocks for t in [b.text, *(c.text for row in b.rows or [] for c in row)] for ch in t}
        if used - {10, 13} <= sub[1]:
            return sub[0]
    font = cjk_font()
    assert font is not None
    return font


def _col_widths(rows: TRows, total: float) -> tuple[float, ...]:
    w = width(rows)
    if w == 10:  # applications: three label columns, seven value columns
        return (16, 22, 47, *([(total - 85) / 7] * 7))
    if w == 4:
        return (total * 0.31, *([total * 0.23] * 3))
    return tuple([total / w] * w)


def render_pdf(rng: random.Random, blocks: list[Block]) -> bytes:
    from fpdf import FPDF  # test/bench dependency

    if cjk_font() is None:
        raise RuntimeError("no CJK font installed: apt-get install -y fonts-wqy-microhei")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", fname=str(_font_for(blocks)))
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
