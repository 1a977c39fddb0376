"""Render a `Truth` to document bytes in one of the layouts, with optional traditional characters and
a legacy encoding."""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from tests.synth.doc import Block, build_blocks, map_text
from tests.synth.layout_docx import render_docx
from tests.synth.layout_html import render_html
from tests.synth.layout_pdf import cjk_font, render_pdf
from tests.synth.layout_text import render_broken, render_lines, render_pipe, render_sparse, render_tabs
from tests.synth.narrative import make_sections
from tests.synth.tables import Style
from tests.synth.values import Truth

TEXT_LAYOUTS = ("pipe", "lines", "tabs")
LAYOUTS = (*TEXT_LAYOUTS, "html", "docx", "pdf")
# Web pages that lose table structure (empty cells dropped, numbers broken across lines): asked for by
# name, never in the default mix, since a correct reader may leave some of their cells unknown.
LONG_TAIL_LAYOUTS = ("sparse", "broken")
ENCODINGS = ("utf-8", "gb18030", "big5")

CONTENT_TYPES = {
    "text": "text/plain", "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
EXTENSIONS = {"text": "txt", "html": "html", "docx": "docx", "pdf": "pdf"}


def layout_format(layout: str) -> str:
    return "text" if layout in TEXT_LAYOUTS or layout in LONG_TAIL_LAYOUTS else layout


def pdf_available() -> bool:
    return cjk_font() is not None


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    return _opencc("s2tw").convert(text)


def round_trips(text: str) -> bool:
    """Whether s2tw then t2s gives the text back (else traditional rendering would lose information)."""
    return _opencc("t2s").convert(to_traditional(text)) == text


@dataclass
class Rendered:
    data: bytes
    content_type: str
    extension: str
    format: str
    encoding: str | None      # the bytes' encoding (text/html), None for docx/pdf
    traditional: bool
    blocks: list[Block]


def render(rng: random.Random, truth: Truth, layout: str, encoding: str = "utf-8",
           traditional: bool = False, style: Style | None = None) -> Rendered:
    style = style or Style()
    if traditional and not round_trips(truth.meta["title"]):
        traditional = False
    if encoding.lower() == "big5" and not traditional:
        encoding = "utf-8"  # Big5 only carries traditional text
    blocks = build_blocks(rng, truth, make_sections(rng, truth), style)
    fmt = layout_format(layout)
    if fmt in ("docx", "pdf"):
        if traditional:
            blocks = map_text(blocks, to_traditional)
        data = render_docx(rng, blocks) if fmt == "docx" else render_pdf(rng, blocks)
        return Rendered(data, CONTENT_TYPES[fmt], EXTENSIONS[fmt], fmt, None, traditional, blocks)
    if fmt == "html":
        text = render_html(rng, blocks, encoding)
    else:
        text = {"pipe": render_pipe, "lines": render_lines, "tabs": render_tabs,
                "sparse": render_sparse, "broken": render_broken}[layout](rng, blocks)
    if traditional:  # the whole text at once (one OpenCC call, not one per cell)
        text = to_traditional(text)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # a character Big5 lacks: fall back rather than lose it
        encoding = "utf-8"
        if fmt == "html":
            text = text.replace("charset=big5", "charset=utf-8")
        data = text.encode(encoding)
    ctype = f"{CONTENT_TYPES[fmt]}; charset={encoding}"
    return Rendered(data, ctype, EXTENSIONS[fmt], fmt, encoding, traditional, blocks)
