"""Page images for OCR: PDF pages rendered (pypdfium2, already pdfplumber's renderer) and image files decoded
(Pillow), as grayscale arrays, each within the pixel limit; then levelled (a scan is often turned 1–2°)."""
from __future__ import annotations

import math
from io import BytesIO
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageSequence

from shared.errors import ProcessingError
from shared.settings import get_settings

IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
)


def image_kind(data: bytes) -> str | None:
    return next((kind for magic, kind in IMAGE_MAGIC if data.startswith(magic)), None)


def too_large(width: int, height: int) -> ProcessingError:
    limit = get_settings().ocr_max_pixels
    return ProcessingError("too_large", f"页面图像过大（{width}×{height} 像素，上限 {limit:,} 像素）",
                           f"page image too large ({width}×{height} px, limit {limit:,} px)")


def image_pages(data: bytes) -> int:
    """How many pages (frames) an image file has; reads headers only."""
    with _open(data) as im:
        return getattr(im, "n_frames", 1)


def image_page(data: bytes, page: int) -> np.ndarray:
    """One frame of an image file as grayscale, checked against the pixel limit before it is decoded."""
    with _open(data) as im:
        for i, frame in enumerate(ImageSequence.Iterator(im)):
            if i == page:
                w, h = frame.size
                if w * h > get_settings().ocr_max_pixels:
                    raise too_large(w, h)
                return np.asarray(frame.convert("L"))
    raise ProcessingError("corrupt_image", f"图像没有第 {page + 1} 页", f"the image has no page {page + 1}")


def _open(data: bytes) -> Image.Image:
    # The pixel check is ours (a page fails alone with its size); Pillow's own bomb check would raise first.
    Image.MAX_IMAGE_PIXELS = None
    try:
        return Image.open(BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — Pillow raises many types for a broken file
        raise ProcessingError("corrupt_image", "图像文件损坏或无法识别", "image file corrupt or unreadable") from exc


def pdf_page(data: bytes, page: int, dpi: int | None = None) -> np.ndarray:
    """A PDF page rendered grayscale at the OCR resolution, or smaller when that would pass the pixel limit."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        p = pdf[page]
        dpi = dpi or scan_dpi(p)
        w_pt, h_pt = p.get_size()
        scale = dpi / 72
        limit = get_settings().ocr_max_pixels
        if w_pt * h_pt * scale * scale > limit:
            scale = math.sqrt(limit / (w_pt * h_pt))
            if scale < 72 / 300 * 0.5:  # under ~36 dpi for a huge page: nothing legible is left
                raise too_large(int(w_pt * dpi / 72), int(h_pt * dpi / 72))
        bitmap = p.render(scale=scale, grayscale=True)
        return np.array(bitmap.to_numpy()).reshape(bitmap.height, bitmap.width, -1)[..., 0].copy()
    finally:
        pdf.close()


MAX_DPI = 300  # finer scans are read at this: more pixels add time, not legibility (6.5-pt figures need ~300)


def scan_dpi(page: Any) -> int:
    """The resolution to render a scanned page at: its largest image's own (a 300-dpi scan is read at 300, not
    blurred down), at least the configured OCR resolution (a coarse scan is enlarged), at most MAX_DPI."""
    import pypdfium2.raw as pdfium_raw

    base = get_settings().ocr_dpi
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, _ = obj.get_px_size()
            x0, _, x1, _ = obj.get_bounds()
        except Exception:  # noqa: BLE001 — an image pdfium cannot measure: use the default resolution
            continue
        if x1 - x0 > 72:  # an inch at least: a scanned page, not a logo
            best = max(best, px_w / ((x1 - x0) / 72))
    return int(min(max(base, best), MAX_DPI))


def level(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned so that its long horizontal rules (or text lines) are level; returns (image, degrees
    turned). Angles under 0.1° are left alone, over 5° are not trusted (a table's border, not the page)."""
    angle = skew_angle(gray)
    if abs(angle) < 0.1 or abs(angle) > 5:
        return gray, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), angle


def skew_angle(gray: np.ndarray) -> float:
    """Median angle (degrees, OpenCV's sign) of the long near-horizontal strokes: table rules when there are
    any, otherwise text lines smeared into bars."""
    # on a page halved (a quarter of the pixels): the angle is the same, Hough's time is not
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if min(gray.shape) > 1000 else gray
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    h, w = ink.shape
    lines = cv2.HoughLinesP(ink, 1, np.pi / 1800, threshold=max(w // 4, 50), minLineLength=w // 4,
                            maxLineGap=max(w // 200, 3))
    if lines is None:
        bars = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 60, 5), 1)))
        lines = cv2.HoughLinesP(bars, 1, np.pi / 1800, threshold=max(w // 6, 50), minLineLength=w // 6,
                                maxLineGap=max(w // 200, 3))
    if lines is None:
        return 0.0
    angles = [math.degrees(math.atan2(y1 - y0, x1 - x0)) for x0, y0, x1, y1 in np.asarray(lines).reshape(-1, 4).tolist()]
    angles = [a for a in angles if abs(a) < 6]
    return float(np.median(angles)) if angles else 0.0
