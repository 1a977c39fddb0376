"""The scan generator (tests/scans.py): image-only PDFs have no text layer, keep their pages and page
sizes, carry the asked resolution, colour, compression and skew; MIXED documents keep their text pages;
page images; and each seed's scan is drawn from a record that matches the seed's hand-read values."""
from __future__ import annotations

import io
import json

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests import scans
from tests.parse_support import expected_cells, record_of, same
from tests.paths import SEEDS, SHARED
from tests.synth.render import pdf_available

SEED_EXPECTED = json.loads((SHARED / "spec" / "seeds.expected.json").read_text(encoding="utf-8"))
needs_cjk = pytest.mark.skipif(not pdf_available(), reason="no CJK font: apt-get install -y fonts-wqy-microhei")


@pytest.fixture(scope="module")
def doc() -> bytes:
    """Three A4 pages of Latin text; pages 0 and 2 carry a ruled table, page 1 only prose."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=11)
    for n in range(3):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Page {n + 1}. " + "The quick brown fox jumps over the lazy dog. " * 12)
        if n != 1:
            pdf.set_font("helvetica", size=9)
            with pdf.table(col_widths=(60, 30, 30, 30)) as table:
                for r in range(12):
                    row = table.row()
                    for c in range(4):
                        row.cell(f"item {r}" if c == 0 else str(r * 7 + c))
            pdf.set_font("helvetica", size=11)
    return bytes(pdf.output())


def _chars_per_page(data: bytes) -> list[int]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [len(p.chars) for p in pdf.pages]


def _image_objects(data: bytes, page: int) -> list[pdfium.PdfImage]:
    pdf = pdfium.PdfDocument(data)
    return [o for o in pdf[page].get_objects() if isinstance(o, pdfium.PdfImage)]


def _sizes(data: bytes) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(data)
    return [tuple(round(x, 1) for x in pdf[i].get_size()) for i in range(len(pdf))]


def test_image_only_pdf_has_no_text_layer_and_keeps_pages(doc):
    assert min(_chars_per_page(doc)) > 200
    scan = scans.image_only_pdf(doc)
    assert scan[:5] == b"%PDF-"
    assert scans.text_chars(scan) < 20
    assert _chars_per_page(scan) == [0, 0, 0]
    assert _sizes(scan) == _sizes(doc)
    for i in range(3):
        (img,) = _image_objects(scan, i)
        assert img.get_filters() == ["FlateDecode"]   # lossless unless asked otherwise


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_resolution(doc, dpi):
    scan = scans.image_only_pdf(doc, dpi=dpi, pages=[0])
    (img,) = _image_objects(scan, 0)
    w, h = img.get_px_size()
    assert abs(w - 595.28 * dpi / 72) <= 1 and abs(h - 841.89 * dpi / 72) <= 1
    assert img.get_metadata().horizontal_dpi == pytest.approx(dpi, abs=1)


def test_grayscale_and_jpeg(doc):
    gray = _image_objects(scans.image_only_pdf(doc, grayscale=True, pages=[0]), 0)[0]
    colour = _image_objects(scans.image_only_pdf(doc, pages=[0]), 0)[0]
    assert (gray.get_metadata().bits_per_pixel, colour.get_metadata().bits_per_pixel) == (8, 24)
    jpeg = scans.image_only_pdf(doc, jpeg_quality=60)
    assert _image_objects(jpeg, 0)[0].get_filters() == ["DCTDecode"]
    with pytest.raises(ValueError):
        scans.image_only_pdf(doc, jpeg_quality=0)


def test_mixed_document_keeps_its_text_pages(doc):
    assert scans.table_pages(doc) == [0, 2]
    mixed = scans.image_only_pdf(doc, pages=scans.table_pages(doc))
    chars = _chars_per_page(mixed)
    assert chars[0] == chars[2] == 0 and chars[1] == _chars_per_page(doc)[1]
    assert _sizes(mixed) == _sizes(doc)
    assert _image_objects(mixed, 1) == []
    with pytest.raises(IndexError):
        scans.image_only_pdf(doc, pages=[3])


@pytest.mark.parametrize("deg", [0.0, 1.0, 2.0, -1.5])
def test_rotation_is_there(doc, deg):
    scan = scans.image_only_pdf(doc, rotate_deg=deg, pages=[0])
    (page,) = scans.page_images(scan, dpi=100, pages=[0])
    assert scans.estimate_skew(page) == pytest.approx(deg, abs=0.25)
    # the corners the rotation uncovered are white paper, not black
    corner = page.convert("L").getpixel((2, 2))
    assert corner == 255


def test_same_input_same_bytes(doc):
    """Deterministic (the PDF file id is a digest, not random): a scan's document id is stable."""
    assert scans.image_only_pdf(doc, dpi=150, rotate_deg=1.0) == scans.image_only_pdf(doc, dpi=150, rotate_deg=1.0)


def test_page_images_and_files(doc):
    imgs = scans.page_images(doc, dpi=100, grayscale=True, pages=[2, 0])
    assert [im.mode for im in imgs] == ["L", "L"]
    assert abs(imgs[0].width - 827) <= 1 and abs(imgs[0].height - 1169) <= 1
    for fmt, magic in (("png", b"\x89PNG"), ("jpeg", b"\xff\xd8\xff"), ("tiff", b"II*\x00")):
        files = scans.image_files(doc, fmt, dpi=120)
        assert len(files) == 3 and all(f.startswith(magic) for f in files)
        im = Image.open(io.BytesIO(files[1]))
        assert abs(im.width - 992) <= 1 and abs(im.height - 1403) <= 1
        assert round(im.info["dpi"][0]) == 120
    tif = Image.open(io.BytesIO(scans.multipage_tiff(doc, dpi=72)))
    assert tif.n_frames == 3


def test_variants_cover_the_brief():
    v = scans.VARIANTS
    assert {o.dpi for o in v.values()} >= {150, 200, 300}
    assert any(o.grayscale for o in v.values()) and any(o.jpeg_quality == 60 for o in v.values())
    assert {o.rotate_deg for o in v.values()} >= {1.0, 2.0}
    assert any(o.mixed for o in v.values())


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_record_is_the_hand_read_one(name):
    """The scan is drawn from the seed's parse, which must equal the hand-read values."""
    exp = SEED_EXPECTED[name]
    record = scans.seed_record(SEEDS / name)
    assert record == record_of(SEEDS / name)
    got = scans.expected_of(record)
    assert got["meta"] == {"agency": exp["meta"]["agency"], "year": exp["meta"]["year"]}
    wrong = [f"{t}.{r}.{c}" for t, r, c, v in expected_cells(exp) if not same(got[t].get(r, {}).get(c, KeyError), v)]
    assert not wrong


@needs_cjk
@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_pdf_reads_back_to_the_expected_values(name, tmp_path):
    """The typeset seed (before rasterizing) parses back to exactly its expected values: whatever an OCR
    read of the scan misses is the OCR's, not the test document's."""
    data, expected = scans.seed_pdf(SEEDS / name)
    path = tmp_path / "seed.pdf"
    path.write_bytes(data)
    rec = record_of(path).model_dump()
    assert (rec["meta"]["agency"], rec["meta"]["year"]) == (expected["meta"]["agency"], expected["meta"]["year"])
    wrong = [f"{t}.{r}.{c}" for t, r, c, v in expected_cells(expected) if not same(rec[t].get(r, {}).get(c, KeyError), v)]
    assert not wrong
    assert scans.table_pages(data)


@needs_cjk
@pytest.mark.parametrize("variant", sorted(scans.VARIANTS))
def test_seed_scan_variants(variant):
    name = "001_5a46c2b8c80e9869.txt"   # three pages, the tables on the first two
    scan, expected = scans.seed_scan(SEEDS / name, variant)
    text, _ = scans.seed_pdf(SEEDS / name)
    assert expected["meta"]["agency"] == "烟台市芝罘区发展和改革局"
    chars = _chars_per_page(scan)
    assert len(chars) == len(_chars_per_page(text))
    if scans.VARIANTS[variant].mixed:
        assert [i for i, n in enumerate(chars) if n == 0] == scans.table_pages(text) and chars[-1] > 100
    else:
        assert sum(chars) < 20


@needs_cjk
def test_seed_scan_is_the_same_on_every_run():
    """Typeset again from scratch, the seed gives the same scan bytes (so the same document id)."""
    path = SEEDS / "002_2dc0b5ebceb3839d.txt"
    first = scans.seed_scan(path, "rough")[0]
    scans._seed_pdf.cache_clear()
    assert scans.seed_scan(path, "rough")[0] == first
