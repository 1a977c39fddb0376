"""OCR engines on scanned report tables, one core: RapidOCR (rapidocr-onnxruntime, PP-OCRv4 models in
the wheel) against Tesseract 5 (Debian tesseract-ocr + tesseract-ocr-chi-sim, CLI, TSV words).

    .venv/bin/python bench/ocr_engines.py                      # 3 real PDFs' table pages, 150 and 300 dpi
    .venv/bin/python bench/ocr_engines.py --seeds              # plus the 5 seed scans (tests/scans.py)
    .venv/bin/python bench/ocr_engines.py --seeds --no-real -e rapidocr-box0.3 --dpi 200
    .venv/bin/python bench/ocr_engines.py --dpi 200 -e rapidocr -e tesseract --detail

The scans are image-only versions (tests/scans.py, `image_only_pdf`, lossless) of the table pages of
../shared/corpus/real-pdf/*.pdf; the truth is the original's text layer. A *number cell* is a table cell
(pdfplumber's `find_tables`) holding one word that is a number; its box in pixels is pdfplumber's box
× dpi/72. A number cell is read right when the engine returns a box whose centre lies within the word's
box (±3 px) and whose text (NFKC, no spaces) equals the word; "wrong" when such a box carries other text;
"missed" when no box is centred there.

One core: the process is pinned to one CPU (children too), RapidOCR's ONNX sessions get
`intra_op_num_threads=1, inter_op_num_threads=1`, Tesseract `OMP_THREAD_LIMIT=1`. Time per page is
wall and CPU seconds of the engine call alone (rasterizing excluded; Tesseract's CLI loads its model
on every call, as pytesseract does, and that is counted). RapidOCR's model loading is once per
process and is reported apart. Engines:

- `rapidocr`: the package's defaults (pages larger than 2000 px are shrunk to 2000 px first; the
  detector keeps a text box scoring ≥ 0.5);
- `rapidocr-box0.3`: `det_box_thresh=0.3`, which keeps the lone small digits of sparse tables;
- `rapidocr-box0.3-nocls`: and `use_cls=False`: no text-angle classifier (it turns a lone 6 or 9
  upside down; scanned pages are upright or turned as a whole);
- `rapidocr-full`, `rapidocr-full-box0.3`: `max_side_len=4000`, so a 300 dpi page is read at full size
  (run only where a page exceeds 2000 px; elsewhere it is `rapidocr`);
- `rapidocr-unruled`, `tesseract-unruled`: the page's ruled lines painted white first (`remove_rules`,
  OpenCV morphology, counted in the time);
- `tesseract`: `tesseract IMG stdout -l chi_sim --psm 6 --dpi D tsv`.

Default: all but rapidocr-full-box0.3 and rapidocr-unruled.

A benchmark run by hand, not a test.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import csv  # noqa: E402 (the thread limits above must precede numpy/onnxruntime)
import importlib.metadata as md  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Protocol  # noqa: E402

import numpy as np  # noqa: E402
import pdfplumber  # noqa: E402
import typer  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import scans  # noqa: E402
from tests.paths import REAL_PDF, SEEDS  # noqa: E402

NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
TOLERANCE_PX = 3.0
MIN_NUMBER_CELLS = 5        # a "table page" has at least this many number cells
app = typer.Typer(add_completion=False)


# --- truth ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    text: str
    x0: float   # points, top-left origin (pdfplumber)
    top: float
    x1: float
    bottom: float


def number_cells(page: pdfplumber.page.Page) -> list[Cell]:
    """The table cells of the page that hold exactly one word, a number (no other word even overlaps the
    cell: a year opening a line of prose in a framed page is not a number cell)."""
    words = page.extract_words()
    out: list[Cell] = []
    for table in page.find_tables():
        for x0, top, x1, bottom in table.cells:
            inside = [w for w in words
                      if w["x0"] < x1 - 1 and w["x1"] > x0 + 1 and w["top"] < bottom - 1 and w["bottom"] > top + 1]
            if len(inside) == 1 and NUMBER.match(inside[0]["text"]):
                w = inside[0]
                out.append(Cell(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]))
    return out


@dataclass
class Page:
    doc: str
    index: int
    cells: list[Cell]
    image: Image.Image | None = None


def table_pages(name: str, pdf_bytes: bytes) -> list[Page]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [Page(name, i, number_cells(p)) for i, p in enumerate(pdf.pages)]
    return [p for p in pages if len(p.cells) >= MIN_NUMBER_CELLS]


def scanned(pdf_bytes: bytes, pages: list[Page], dpi: int) -> list[Page]:
    """The pages' images as they come out of an image-only version of the document at `dpi`."""
    idx = [p.index for p in pages]
    scan = scans.image_only_pdf(pdf_bytes, dpi=dpi, pages=idx)
    images = scans.page_images(scan, dpi=dpi, pages=idx)
    return [Page(p.doc, p.index, p.cells, im) for p, im in zip(pages, images, strict=True)]


# --- engines -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    text: str
    cx: float   # centre, pixels
    cy: float


class Engine(Protocol):
    name: str

    def read(self, image: Image.Image, dpi: int) -> list[Box]: ...


def remove_rules(image: Image.Image, dpi: int) -> Image.Image:
    """The page in gray with its ruled lines painted white: dark runs at least a quarter inch long,
    horizontal or vertical (morphological opening of the Otsu-binarized page), grown by a pixel."""
    import cv2

    gray = np.asarray(image.convert("L"))
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n = max(10, dpi // 4)
    rules = cv2.bitwise_or(cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1))),
                           cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n))))
    out = gray.copy()
    out[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    return Image.fromarray(out)


class RapidOCREngine:
    def __init__(self, name: str, unruled: bool = False, **options: object) -> None:
        from rapidocr_onnxruntime import RapidOCR

        t = time.perf_counter()
        self.name, self.unruled = name, unruled
        self.engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, **options)
        self.load_seconds = time.perf_counter() - t

    def read(self, image: Image.Image, dpi: int) -> list[Box]:
        if self.unruled:
            image = remove_rules(image, dpi)
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        result, _ = self.engine(bgr)
        out = []
        for quad, text, _score in result or []:
            xs, ys = [pt[0] for pt in quad], [pt[1] for pt in quad]
            out.append(Box(text, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
        return out


class TesseractEngine:
    def __init__(self, name: str = "tesseract", psm: int = 6, lang: str = "chi_sim", unruled: bool = False) -> None:
        self.name, self.psm, self.lang, self.unruled = name, psm, lang, unruled
        self.load_seconds = 0.0
        self.tmp = Path(tempfile.mkdtemp(prefix="nianbao-ocr-bench-"))

    def command(self, path: Path, dpi: int) -> list[str]:
        return ["tesseract", str(path), "stdout", "-l", self.lang, "--psm", str(self.psm), "--dpi", str(dpi), "tsv"]

    def prepare(self, image: Image.Image) -> Path:
        path = self.tmp / "page.png"
        image.save(path)
        return path

    def read_file(self, path: Path, dpi: int) -> list[Box]:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        out = subprocess.run(self.command(path, dpi), capture_output=True, text=True, check=True, env=env).stdout
        boxes = []
        for row in csv.DictReader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text:
                continue
            left, top, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
            boxes.append(Box(text, left + w / 2, top + h / 2))
        return boxes

    def read(self, image: Image.Image, dpi: int) -> list[Box]:
        if self.unruled:
            image = remove_rules(image, dpi)
        return self.read_file(self.prepare(image), dpi)


ENGINES: dict[str, Callable[[str], Engine]] = {
    "rapidocr": lambda n: RapidOCREngine(n),
    "rapidocr-box0.3": lambda n: RapidOCREngine(n, det_box_thresh=0.3),
    "rapidocr-box0.3-nocls": lambda n: RapidOCREngine(n, det_box_thresh=0.3, use_cls=False),
    "rapidocr-full": lambda n: RapidOCREngine(n, max_side_len=4000),
    "rapidocr-full-box0.3": lambda n: RapidOCREngine(n, max_side_len=4000, det_box_thresh=0.3),
    "rapidocr-unruled": lambda n: RapidOCREngine(n, unruled=True),
    "tesseract": lambda n: TesseractEngine(n),
    "tesseract-unruled": lambda n: TesseractEngine(n, unruled=True),
}
DEFAULT_ENGINES = ["rapidocr", "rapidocr-box0.3", "rapidocr-box0.3-nocls", "rapidocr-full", "tesseract", "tesseract-unruled"]
ENGINE_HELP = " | ".join(ENGINES)


def tesseract_status() -> str | None:
    """None when tesseract with chi_sim is usable, else why not."""
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (apt-get install -y tesseract-ocr tesseract-ocr-chi-sim)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        return "tesseract has no chi_sim model (apt-get install -y tesseract-ocr-chi-sim)"
    return None


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0]


# --- scoring -------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def score(cells: list[Cell], boxes: list[Box], dpi: int) -> tuple[int, int, int, list[str]]:
    """(right, wrong, missed, examples of wrong/missed) for the page's number cells."""
    k, tol = dpi / 72, TOLERANCE_PX
    right = wrong = missed = 0
    bad: list[str] = []
    for c in cells:
        here = [b for b in boxes
                if c.x0 * k - tol <= b.cx <= c.x1 * k + tol and c.top * k - tol <= b.cy <= c.bottom * k + tol]
        if any(_norm(b.text) == c.text for b in here):
            right += 1
        elif here:
            wrong += 1
            bad.append(f"{c.text}→{'|'.join(b.text for b in here)}")
        else:
            missed += 1
            bad.append(f"{c.text}→∅")
    return right, wrong, missed, bad


@dataclass
class Tally:
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    cells: int = 0
    right: int = 0
    wrong: int = 0
    missed: int = 0
    per_doc: dict[str, list[int]] = field(default_factory=dict)  # doc → [cells, right]
    bad: list[str] = field(default_factory=list)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_engine(engine: Engine, pages: list[Page], dpi: int) -> Tally:
    tally = Tally()
    for p in pages:
        image = p.image
        assert image is not None
        w0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        if isinstance(engine, TesseractEngine):
            page = remove_rules(image, dpi) if engine.unruled else image
            w1, c1 = time.perf_counter(), time.process_time()
            path = engine.prepare(page)  # the PNG the CLI reads: writing it is not counted
            w0, c0 = w0 + time.perf_counter() - w1, c0 + time.process_time() - c1
            boxes = engine.read_file(path, dpi)
        else:
            boxes = engine.read(image, dpi)
        tally.wall += time.perf_counter() - w0
        tally.cpu += (time.process_time() - c0) + (_children_cpu() - k0)
        right, wrong, missed, bad = score(p.cells, boxes, dpi)
        tally.pages += 1
        tally.cells += len(p.cells)
        tally.right, tally.wrong, tally.missed = tally.right + right, tally.wrong + wrong, tally.missed + missed
        d = tally.per_doc.setdefault(p.doc, [0, 0])
        d[0] += len(p.cells)
        d[1] += right
        tally.bad += [f"{p.doc} p{p.index + 1}: {b}" for b in bad]
    return tally


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


@app.command()
def main(
    dpi: list[int] = typer.Option([150, 300], "--dpi", help="scan resolutions"),
    engines: list[str] = typer.Option(DEFAULT_ENGINES, "--engine", "-e", help=ENGINE_HELP),
    seeds: bool = typer.Option(False, "--seeds", help="also the 5 seed scans (tests/scans.py seed_pdf)"),
    real: bool = typer.Option(True, "--real/--no-real", help="the 3 real PDFs"),
    cpu: int = typer.Option(-1, help="the CPU to pin to (default: the last one allowed)"),
    detail: bool = typer.Option(False, help="per document, and the number cells read wrong or missed"),
) -> None:
    allowed = sorted(os.sched_getaffinity(0))
    core = cpu if cpu >= 0 else allowed[-1]
    os.sched_setaffinity(0, {core})
    print("$ " + shlex.join([".venv/bin/python", "bench/ocr_engines.py", *sys.argv[1:]]))
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, pinned to CPU {core}; "
          f"load average {_load()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")

    why = tesseract_status()
    if why and any(e.startswith("tesseract") for e in engines):
        print(f"\n*** {why}: measuring RapidOCR alone ***\n")
        engines = [e for e in engines if not e.startswith("tesseract")] or ["rapidocr"]
    versions = [f"rapidocr-onnxruntime {md.version('rapidocr-onnxruntime')}",
                f"onnxruntime {md.version('onnxruntime')}"]
    if any(e.startswith("tesseract") for e in engines):
        versions.append(tesseract_version())
    print("; ".join(versions))

    docs: list[tuple[str, bytes]] = [(p.stem, p.read_bytes()) for p in sorted(REAL_PDF.glob("*.pdf")) if real]
    if seeds:
        docs += [(f"seed {p.name[:3]}", scans.seed_pdf(p)[0]) for p in sorted(SEEDS.glob("*.txt"))]
    truth = {name: table_pages(name, data) for name, data in docs}
    for name, pages in truth.items():
        print(f"  {name}: table pages {[p.index + 1 for p in pages]}, {sum(len(p.cells) for p in pages)} number cells")

    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise typer.BadParameter(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
    built: dict[str, Engine] = {e: ENGINES[e](e) for e in engines}
    for e, eng in built.items():
        if isinstance(eng, RapidOCREngine):
            print(f"  {e}: models loaded in {eng.load_seconds:.2f} s")

    rows = []
    for d in dpi:
        pages = [p for name, data in docs for p in scanned(data, truth[name], d)]
        biggest = max(max(p.image.size) for p in pages if p.image is not None)
        for e, eng in built.items():
            if e.startswith("rapidocr-full") and biggest <= 2000:
                print(f"  {e} at {d} dpi: pages ≤ 2000 px, the same as rapidocr — skipped")
                continue
            first = pages[0].image
            assert first is not None
            eng.read(first, d)  # warm-up, not timed
            t = run_engine(eng, pages, d)
            rows.append((e, d, t))
            print(f"  {e:14s} {d} dpi: {t.wall / t.pages:5.2f} s/page wall, {t.cpu / t.pages:5.2f} CPU s/page, "
                  f"{t.right}/{t.cells} number cells right (load {_load()})", flush=True)

    print("\n| engine | dpi | pages | s/page (wall) | CPU s/page | number cells | right | wrong | missed | right % |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for e, d, t in rows:
        print(f"| {e} | {d} | {t.pages} | {t.wall / t.pages:.2f} | {t.cpu / t.pages:.2f} | {t.cells} | {t.right} "
              f"| {t.wrong} | {t.missed} | {100 * t.right / max(t.cells, 1):.1f} |")
    if detail:
        for e, d, t in rows:
            print(f"\n{e} {d} dpi: " + ", ".join(f"{doc} {r}/{n}" for doc, (n, r) in t.per_doc.items()))
            for line in t.bad[:60]:
                print("   ", line)
            if len(t.bad) > 60:
                print(f"    … {len(t.bad) - 60} more")


if __name__ == "__main__":
    app()
