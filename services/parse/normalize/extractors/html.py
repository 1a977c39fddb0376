"""HTML with lxml: block elements become lines, data tables become grids (rowspan/colspan expanded), noise
(script, style, navigation, form controls) is dropped, and tables that a script writes are recovered.
The tree is walked with lxml's iterwalk, never recursively, so deep nesting cannot exhaust the stack."""
from __future__ import annotations

import re

import lxml.etree as etree

from shared.document import Table

from .. import errors
from ..sniff import looks_like_html
from .base import Block, Extracted, Extractor, Probe, is_data_grid
from .jsstrings import markup_from_script

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
DROP_TAGS = frozenset({
    "style", "noscript", "template", "nav", "iframe", "frame", "frameset", "button", "select", "option",
    "input", "textarea", "svg", "math", "object", "embed", "canvas", "map", "audio", "video", "link", "meta",
})
# class/id words that mark site chrome rather than the report (split on - _ space and camelCase).
NOISE_WORDS = frozenset({"nav", "navbar", "menu", "breadcrumb", "crumb", "crumbs", "sidebar", "share", "toolbar",
                         "skip", "footer", "copyright"})
_WORD_SPLIT_RX = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_WS_RX = re.compile(r"[ \t\r\n\f]+")
_DEPTH_ERROR = "ERR_RESOURCE_LIMIT"
# Fallback for markup nested past libxml2's depth limit: keep table structure, turn other block tags into
# line breaks and drop inline tags, which bounds the depth by the table nesting alone.
_KEEP_TAGS = "table|tr|td|th|thead|tbody|tfoot|caption|br|script|style|title|head|body|html|pre"
_FLATTEN_BLOCK_RX = re.compile(r"<\s*/?\s*(?:p|div|li|h[1-6]|section|article|dd|dt|blockquote)\b[^>]*>", re.I)
_FLATTEN_INLINE_RX = re.compile(rf"<\s*/?\s*(?!(?:{_KEEP_TAGS})\b)[a-zA-Z][^>]*>", re.I)
_MARKUP_RX = re.compile(r"</?(?:p|div|td|tr|table|br|span|font|h[1-6]|li)\b[^>]*>", re.I)
MAX_COLSPAN = 1000
MAX_TABLE_CELLS = 200_000
MAX_SCRIPT_DEPTH = 2


def _is_noise(el: etree._Element) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    attrs = f"{attrib.get('class', '')} {attrib.get('id', '')}".strip()
    if not attrs:
        return False
    return any(w.lower() in NOISE_WORDS for w in _WORD_SPLIT_RX.split(attrs) if w)


def _span(value: str | None, limit: int) -> int:
    try:
        n = int((value or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    return 1 if n < 0 else min(n, limit)


def _rows(table: etree._Element) -> list[etree._Element]:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def table_grid(table: etree._Element, cell_text: CellText) -> list[list[str]]:
    """Rows of cell texts with each spanned cell repeated in every slot it covers."""
    rows = _rows(table)
    grid: list[list[str]] = []
    carried: dict[int, list] = {}  # column → [text, rows still to fill] from a rowspan above
    cells_seen = 0
    for r, tr in enumerate(rows):
        out: list[str | None] = []

        def place(col: int, text: str, out: list[str | None] = out) -> None:  # this row's `out`
            while len(out) <= col:
                out.append(None)
            out[col] = text

        def fill_carried(col: int) -> int:
            while col in carried:
                text, left = carried[col]
                place(col, text)
                if left <= 1:
                    del carried[col]
                else:
                    carried[col][1] = left - 1
                col += 1
            return col

        col = 0
        for td in tr.xpath("./td|./th"):
            col = fill_carried(col)
            text = cell_text(td)
            colspan = max(1, _span(td.get("colspan"), MAX_COLSPAN))
            rowspan = _span(td.get("rowspan"), len(rows) - r) or (len(rows) - r)  # rowspan=0: to the end
            for c in range(col, col + colspan):
                place(c, text)
                if rowspan > 1:
                    carried[c] = [text, rowspan - 1]
            col += colspan
            cells_seen += colspan * rowspan
            if cells_seen > MAX_TABLE_CELLS:
                raise errors.too_large("表格单元格过多", "too many table cells")
        for c in sorted(k for k in carried if k >= col):
            fill_carried(c)
        grid.append(["" if x is None else x for x in out])
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


class CellText:
    """Text of one cell: inline pieces concatenated, <br> and block children as line breaks (normalize_cell
    later joins wrapped CJK lines without a gap)."""

    def __call__(self, cell: etree._Element) -> str:
        parts: list[str] = []
        walker = etree.iterwalk(cell, events=("start", "end"))
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if el is not cell and (tag is None or tag in DROP_TAGS or tag == "script"):
                    walker.skip_subtree()
                    continue
                if tag == "br" or (tag in BLOCK_TAGS and el is not cell):
                    parts.append("\n")
                if el.text and tag is not None:
                    parts.append(el.text)
            else:
                if el is cell:
                    break
                if tag in BLOCK_TAGS:
                    parts.append("\n")
                if el.tail:
                    parts.append(el.tail)
        return "".join(parts)


class _Walker:
    """Turns one parsed tree into blocks."""

    def __init__(self, script_depth: int = 0) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.pre = 0
        self.script_depth = script_depth
        self.cell_text = CellText()

    def flush(self) -> None:
        if self.line:
            text = "".join(self.line)
            self.line.clear()
            text = text.strip("\n") if self.pre else text.strip()
            if text:
                self.blocks.append(text)

    def add(self, text: str | None) -> None:
        if text:
            # HTML collapses whitespace runs; the common case (no run) skips the regex.
            plain = self.pre or (text.isprintable() and "  " not in text)
            self.line.append(text if plain else _WS_RX.sub(" ", text))

    def walk(self, root: etree._Element) -> list[Block]:
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag.lower() if isinstance(el.tag, str) else None
            if event == "start":
                if tag is None:  # comment / processing instruction: only its tail counts
                    continue
                if tag in DROP_TAGS or (tag not in ("html", "body") and _is_noise(el)):
                    walker.skip_subtree()
                elif tag == "head":
                    # Metadata only; its <title> usually carries a site suffix ("…年度报告_政府信息公开年报")
                    # and the page body repeats the real title.
                    walker.skip_subtree()
                elif tag == "script":
                    self.script(el)
                    walker.skip_subtree()
                elif tag == "table" and self.table(el):
                    walker.skip_subtree()
                else:
                    if tag == "br":
                        self.flush()
                    elif tag in BLOCK_TAGS:
                        self.flush()
                    if tag == "pre":
                        self.pre += 1
                    self.add(el.text)
            else:
                if tag in BLOCK_TAGS:
                    self.flush()
                if tag == "pre":
                    self.pre -= 1
                if el is root:
                    break
                self.add(el.tail)
        self.flush()
        return self.blocks

    def table(self, el: etree._Element) -> bool:
        """Emit a data table; False for a layout table (nested tables or a single cell): walk into it."""
        if el.find(".//table") is not None:
            return False
        grid = table_grid(el, self.cell_text)
        if not is_data_grid(grid):
            return False
        self.flush()
        self.blocks.append(Table(rows=grid))
        return True

    def script(self, el: etree._Element) -> None:
        if self.script_depth >= MAX_SCRIPT_DEPTH or not el.text:
            return
        markup = markup_from_script(el.text)
        if markup is None:
            return
        try:
            root = _parse(f"<html><body>{markup}</body></html>")
        except errors.ProcessingError:
            return  # a script is a bonus source: its failure must not fail the page
        self.flush()
        self.blocks.extend(_Walker(self.script_depth + 1).walk(root))


def _parse_once(markup: str) -> tuple[etree._Element | None, bool]:
    # Plain etree elements: lxml.html's element-class lookup costs more than the walk itself.
    parser = etree.HTMLParser(encoding="utf-8", recover=True, no_network=True, huge_tree=True,
                              remove_comments=True, remove_pis=True)
    root = etree.fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    if root is None:  # nothing but whitespace
        return None, False
    too_deep = any(e.type_name == _DEPTH_ERROR for e in parser.error_log)
    return root, too_deep


def _parse(markup: str) -> etree._Element | None:
    root, too_deep = _parse_once(markup)
    if too_deep:
        flat = _FLATTEN_INLINE_RX.sub("", _FLATTEN_BLOCK_RX.sub("<br>", markup))
        root, too_deep = _parse_once(flat)
        if too_deep:
            raise errors.html_too_deep()
    return root


class HtmlExtractor(Extractor):
    format = "html"
    MIME_TYPES = frozenset({"text/html", "application/xhtml+xml"})
    EXTENSIONS = frozenset({"html", "htm", "shtml", "xhtml"})

    @classmethod
    def sniff(cls, probe: Probe) -> int:
        text, _ = probe.decoded()
        if looks_like_html(text):
            return 80
        # Announced as HTML and carrying markup, though not at the start (a fragment after a line of text).
        hinted = probe.mime in cls.MIME_TYPES or probe.extension in cls.EXTENSIONS
        return 60 if hinted and len(_MARKUP_RX.findall(text[:65536])) >= 5 else 0

    def extract(self, probe: Probe) -> Extracted:
        text, enc = probe.decoded()
        root = _parse(text)
        blocks = _Walker().walk(root) if root is not None else []
        if not blocks:
            raise errors.no_text()
        title_el = root.find(".//title") if root is not None else None
        page_title = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""
        return Extracted(blocks=blocks, encoding=enc, page_title=page_title[:300] or None)
