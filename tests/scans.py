"""Scans for the OCR path (issue 16): image-only PDFs and page images made from text PDFs, and a
ruled-table scan of each seed report with its known values.

    from tests.scans import image_only_pdf, page_images, image_files, seed_scan, VARIANTS
    scan = image_only_pdf(pdf_bytes, dpi=200, grayscale=True, jpeg_quality=60, rotate_deg=1.0)
    mixed = image_only_pdf(pdf_bytes, pages=table_pages(pdf_bytes))   # text pages + scanned table pages
    data, expected = seed_scan(SEEDS / "001_5a46c2b8c80e9869.txt", "rot2")

Pure functions, no servers: pages are rasterized with pypdfium2 and written back as image XObjects
(lossless Flate, or JPEG with `jpeg_quality`) on pages of the original size, so a scanned page has no
text layer at all. Everything here is deterministic for the same input and options.
"""
from __future__ import annotations

import hashlib
import io
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from services.parse.normalize import normalize
from services.parse.parser import parse
from shared.record import Record
from tests.synth.agencies import Agency
from tests.synth.doc import build_blocks
from tests.synth.layout_pdf import render_pdf
from tests.synth.narrative import SectionText
from tests.synth.tables import Style
from tests.synth.values import Truth

ImageFormat = Literal["png", "jpeg", "tiff"]
TABLES = ("active_disclosure", "applications", "review_litigation")


# --- rasterizing --------------------------------------------------------------------------------------
def _page_indices(n: int, pages: Iterable[int] | None) -> list[int]:
    if pages is None:
        return list(range(n))
    out = sorted(set(pages))
    bad = [p for p in out if not 0 <= p < n]
    if bad:
        raise IndexError(f"pages {bad} not in a document of {n} pages")
    return out


def _scanned(img: Image.Image, *, grayscale: bool, rotate_deg: float) -> Image.Image:
    """One rendered page as a scanner would give it back: optionally gray, optionally a little skewed
    (rotated about the centre, counter-clockwise for a positive angle, white where the paper was not)."""
    img = img.convert("L" if grayscale else "RGB")
    if rotate_deg:
        img = img.rotate(rotate_deg, resample=Image.Resampling.BICUBIC, expand=False,
                         fillcolor=255 if grayscale else (255, 255, 255))
    return img


def page_images(pdf_bytes: bytes, *, dpi: int = 150, grayscale: bool = False, rotate_deg: float = 0.0,
                pages: Iterable[int] | None = None) -> list[Image.Image]:
    """The document's pages (0-based `pages`, default all) as PIL images at `dpi` (mode RGB, or L when
    `grayscale`), each carrying `info["dpi"]`."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        out = []
        for i in _page_indices(len(pdf), pages):
            page = pdf[i]
            img = page.render(scale=dpi / 72).to_pil()
            page.close()
            img = _scanned(img, grayscale=grayscale, rotate_deg=rotate_deg)
            img.info["dpi"] = (dpi, dpi)
            out.append(img)
        return out
    finally:
        pdf.close()


def _encode(img: Image.Image, fmt: ImageFormat, dpi: int, jpeg_quality: int) -> bytes:
    buf = io.BytesIO()
    if fmt == "jpeg":
        img.save(buf, "JPEG", quality=jpeg_quality, dpi=(dpi, dpi))
    elif fmt == "png":
        img.save(buf, "PNG", dpi=(dpi, dpi))
    else:
        img.save(buf, "TIFF", compression="tiff_deflate", dpi=(dpi, dpi))
    return buf.getvalue()


def image_files(pdf_bytes: bytes, fmt: ImageFormat = "png", *, dpi: int = 150, grayscale: bool = False,
                rotate_deg: float = 0.0, jpeg_quality: int = 85, pages: Iterable[int] | None = None) -> list[bytes]:
    """One image file per page (PNG, JPEG or single-page TIFF) with its dpi recorded: image uploads."""
    return [_encode(img, fmt, dpi, jpeg_quality)
            for img in page_images(pdf_bytes, dpi=dpi, grayscale=grayscale, rotate_deg=rotate_deg, pages=pages)]


def multipage_tiff(pdf_bytes: bytes, *, dpi: int = 150, grayscale: bool = False, rotate_deg: float = 0.0,
                   pages: Iterable[int] | None = None) -> bytes:
    """All the pages in one multi-page TIFF (deflate), as a scanner's "scan to file" gives them."""
    imgs = page_images(pdf_bytes, dpi=dpi, grayscale=grayscale, rotate_deg=rotate_deg, pages=pages)
    buf = io.BytesIO()
    imgs[0].save(buf, "TIFF", save_all=True, append_images=imgs[1:], compression="tiff_deflate", dpi=(dpi, dpi))
    return buf.getvalue()


def _image_page(out: pdfium.PdfDocument, img: Image.Image, width: float, height: float,
                jpeg_quality: int | None) -> None:
    """A new last page of `width` × `height` points holding nothing but `img`, stretched over it."""
    page = out.new_page(width, height)
    obj = pdfium.PdfImage.new(out)
    if jpeg_quality is None:
        bitmap = pdfium.PdfBitmap.from_pil(img)
        obj.set_bitmap(bitmap)
    else:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=jpeg_quality)
        buf.seek(0)
        obj.load_jpeg(buf, inline=False, autoclose=True)
    obj.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(obj)
    page.gen_content()
    page.close()


def image_only_pdf(pdf_bytes: bytes, *, dpi: int = 150, grayscale: bool = False, jpeg_quality: int | None = None,
                   rotate_deg: float = 0.0, pages: Iterable[int] | None = None) -> bytes:
    """The document with its pages (0-based `pages`, default all) replaced by images of themselves at
    `dpi`: no text layer on those pages. Each scanned page keeps its size in points; the image is
    stored losslessly, or as JPEG of `jpeg_quality` (1–95). Pages not in `pages` are copied as they
    are (text pages): with `pages=table_pages(pdf)` this is a MIXED document."""
    if jpeg_quality is not None and not 1 <= jpeg_quality <= 95:
        raise ValueError(f"jpeg_quality {jpeg_quality} not in 1..95")
    src = pdfium.PdfDocument(pdf_bytes)
    out = pdfium.PdfDocument.new()
    try:
        wanted = set(_page_indices(len(src), pages))
        for i in range(len(src)):
            if i not in wanted:
                out.import_pages(src, [i])
                continue
            page = src[i]
            width, height = page.get_size()
            img = _scanned(page.render(scale=dpi / 72).to_pil(), grayscale=grayscale, rotate_deg=rotate_deg)
            page.close()
            _image_page(out, img, width, height, jpeg_quality)
        buf = io.BytesIO()
        out.save(buf)
        return _fixed_id(buf.getvalue())
    finally:
        out.close()
        src.close()


def _fixed_id(data: bytes) -> bytes:
    """PDFium writes the time (/CreationDate) and a random file /ID; make them a fixed date and a digest
    of the content (same lengths, so the xref stays right): the same scan gives the same bytes and thus
    the same document id."""
    data = re.sub(rb"/CreationDate\(D:\d{14}([^)]*)\)", lambda m: b"/CreationDate(D:20260101000000" + m[1] + b")", data)
    m = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]", data)
    if m is None:
        return data
    digest = hashlib.md5(data[:m.start()], usedforsecurity=False).hexdigest().upper().encode()
    return data[:m.start(1)] + digest + data[m.end(1):m.start(2)] + digest + data[m.end(2):]


def table_pages(pdf_bytes: bytes, min_edges: int = 8) -> list[int]:
    """0-based pages that carry a ruled table (at least `min_edges` drawn lines or rectangles)."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [i for i, page in enumerate(pdf.pages) if len(page.lines) + len(page.rects) >= min_edges]


# --- checking a scan ----------------------------------------------------------------------------------
def text_chars(pdf_bytes: bytes) -> int:
    """How many characters pdfplumber finds in the document's text layer (0 for a pure scan)."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return sum(len(page.chars) for page in pdf.pages)


def estimate_skew(img: Image.Image, max_deg: float = 4.0, step: float = 0.25) -> float:
    """The angle (degrees, PIL's sense: counter-clockwise positive) by which the page's ruled lines and
    text rows are turned: the rotation that, undone, gives the sharpest row profile."""
    small = ImageOps.invert(img.convert("L"))
    small = small.resize((small.width // 2, small.height // 2))
    best, best_score = 0.0, -1.0
    n = int(round(max_deg / step))
    for k in range(-n, n + 1):
        angle = k * step
        rows = np.asarray(small.rotate(-angle, resample=Image.Resampling.BILINEAR), dtype=np.float64).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


# --- seed scans ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScanOptions:
    dpi: int = 150
    grayscale: bool = False
    jpeg_quality: int | None = None
    rotate_deg: float = 0.0
    mixed: bool = False   # scan only the pages with a table; the others keep their text layer

    def apply(self, pdf_bytes: bytes) -> bytes:
        return image_only_pdf(pdf_bytes, dpi=self.dpi, grayscale=self.grayscale, jpeg_quality=self.jpeg_quality,
                              rotate_deg=self.rotate_deg, pages=table_pages(pdf_bytes) if self.mixed else None)


_BASE = ScanOptions(dpi=200)
VARIANTS: dict[str, ScanOptions] = {
    "150dpi": ScanOptions(dpi=150),
    "200dpi": _BASE,
    "300dpi": ScanOptions(dpi=300),
    "gray": replace(_BASE, grayscale=True),
    "jpeg60": replace(_BASE, jpeg_quality=60),
    "rot1": replace(_BASE, rotate_deg=1.0),
    "rot2": replace(_BASE, rotate_deg=2.0),
    "mixed": replace(_BASE, mixed=True),
    # all the faults of a cheap office scanner at once
    "rough": ScanOptions(dpi=150, grayscale=True, jpeg_quality=60, rotate_deg=1.5),
}


def seed_record(seed_path: Path) -> Record:
    """The parse (normalize → parse) of a seed's pasted text: the record the scan is drawn from."""
    data = seed_path.read_bytes()
    return parse(normalize(data, hashlib.sha256(data).hexdigest(), filename=seed_path.name))


def expected_of(record: Record) -> dict[str, Any]:
    """What a correct read of the scan gives: agency and year, and the three tables, in the shape of
    shared/spec/seeds.expected.json (so tests.parse_support.expected_cells walks it)."""
    return {"meta": {"agency": record.meta.agency, "year": record.meta.year},
            **{t: {r: dict(cells) for r, cells in getattr(record, t).items()} for t in TABLES}}


def _truth_of(record: Record) -> Truth:
    m = record.meta
    year, agency = m.year, m.agency
    if year is None or agency is None or m.template is None:
        raise ValueError(f"the seed's record lacks its year, body or template: {year!r} {agency!r} {m.template!r}")
    meta = {"title": m.title or f"{agency}{year}年政府信息公开工作年度报告", "agency": agency, "year": year,
            "published": m.published or f"{year + 1}-01-20", "template": m.template,
            "region": m.region.model_dump(), "level": m.level, "agency_type": m.agency_type}
    ag = Agency(agency, m.level or "county", m.agency_type or "", m.region.province or "", m.region.city,
                m.region.county, False)
    apps = record.applications
    return Truth(meta, record.active_disclosure, apps, record.review_litigation,
                 narrative_count=int(apps.get("new_received", {}).get("total") or 0), agency=ag)


def _sections_of(record: Record) -> list[SectionText]:
    """The seed's own prose for sections 1, 5 and 6 (its real wording and figures); sections 2–4,
    whose text is the flattened table, say "如下表" and the table follows."""
    out = []
    for sec in record.sections:
        if sec.no in (2, 3, 4):
            paragraphs = [f"{sec.title}如下表。"]
        else:
            paragraphs = [line.strip() for line in sec.text.splitlines() if line.strip()] or ["无。"]
        out.append(SectionText(sec.no, sec.title, paragraphs))
    return out


@lru_cache(maxsize=16)
def _seed_pdf(seed_path: Path) -> tuple[bytes, str]:
    record = seed_record(seed_path)
    rng = random.Random(f"nianbao-scan/{seed_path.name}")
    blocks = build_blocks(rng, _truth_of(record), _sections_of(record), Style(null_marker="/"))
    return render_pdf(rng, blocks), json.dumps(expected_of(record), ensure_ascii=False)


def seed_pdf(seed_path: Path) -> tuple[bytes, dict[str, Any]]:
    """The seed as a typeset PDF with ruled tables (tests/synth's PDF layout) and a text layer, with its
    expected values: the source of every scan of the seed. (Its bytes carry fpdf's creation time; the
    scans made from it do not, and are the same bytes on every run.)"""
    data, expected = _seed_pdf(Path(seed_path))
    return data, json.loads(expected)


def seed_scan(seed_path: Path, variant: str | ScanOptions = "150dpi") -> tuple[bytes, dict[str, Any]]:
    """An image-only scan of the seed (a `VARIANTS` name or explicit options) and the values a correct
    OCR read must give: {"meta": {"agency", "year"}, "active_disclosure": …, "applications": …,
    "review_litigation": …}."""
    options = VARIANTS[variant] if isinstance(variant, str) else variant
    data, expected = seed_pdf(seed_path)
    return options.apply(data), expected


def seed_scans(seed_paths: Sequence[Path], variants: Sequence[str] = tuple(VARIANTS)) -> list[tuple[str, str, bytes, dict]]:
    """(seed name, variant, scan, expected) for every seed × variant."""
    return [(Path(p).name, v, *seed_scan(Path(p), v)) for p in seed_paths for v in variants]
