"""The OCR engine: RapidOCR (PP-OCRv4 detection and recognition, ONNX models inside the wheel, so nothing is
downloaded at run time). Loaded once per process, one inference thread: workers scale by processes, and the
per-core speed is what bench/ocr.py measures (engine choice: docs/benchmarks.md, "OCR engine choice")."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import numpy as np

from shared.settings import get_settings

ENGINE = "rapidocr"


@lru_cache(maxsize=1)
def engine_version() -> str:
    return f"{ENGINE} {version('rapidocr-onnxruntime')}"


@dataclass(frozen=True)
class Word:
    """A detected line of text: its box on the page (pixels) and what was read, with the engine's confidence."""
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # heavy import: only in processes that OCR

    threads = get_settings().ocr_threads
    with _lock:
        return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)


def warm_up() -> None:
    _engine()


DETECT_SIDE = 1000  # px: detection finds the lines of a 150-dpi page as well at this size, in a quarter of the time


def detect(img: np.ndarray) -> list[np.ndarray]:
    """Text-line quadrilaterals (4×2 arrays, pixels) in a grayscale or RGB image."""
    import cv2

    scale = min(1.0, DETECT_SIDE / max(img.shape[:2]))
    small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else img
    det, _ = _engine().text_det(_bgr(small))
    return [] if det is None else [np.asarray(b) / scale for b in det]


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence of each single-line crop."""
    if not crops:
        return []
    res, _ = _engine().text_rec([_bgr(c) for c in crops])
    return [(str(t), float(s)) for t, s in res]


def read_lines(img: np.ndarray) -> list[Word]:
    """Detect and read every text line of an image region."""
    boxes = detect(img)
    crops = [_crop_quad(img, b) for b in boxes]
    out: list[Word] = []
    for box, (text, conf) in zip(boxes, recognise(crops), strict=True):
        if text.strip():
            xs, ys = box[:, 0], box[:, 1]
            out.append(Word(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), text.strip(), conf))
    return out


def _bgr(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return np.ascontiguousarray(np.stack([img] * 3, axis=-1))
    return img


def _crop_quad(img: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The axis-aligned crop around a detected box (pages are deskewed first, so boxes are near level)."""
    h, w = img.shape[:2]
    x0, y0 = max(int(box[:, 0].min()), 0), max(int(box[:, 1].min()), 0)
    x1, y1 = min(int(np.ceil(box[:, 0].max())), w), min(int(np.ceil(box[:, 1].max())), h)
    return img[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)]
