"""The OCR stage's data: which pages a document still needs read, and what reading one page gave."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.document import OcrPageNote, Table

Kind = Literal["pdf", "image"]
class NeedsOcr(Exception):
    """The document has pages without a text layer that have not been OCR'd yet."""

    def __init__(self, kind: Kind, pages: list[int]) -> None:
        super().__init__(f"{kind}: pages {pages} need OCR")
        self.kind = kind
        self.pages = pages


class OcrPage(BaseModel):
    """What OCR made of one page (the `ocr-<page>` artifact)."""
    page: int
    blocks: list[str | Table] = Field(default_factory=list)
    error: OcrPageNote | None = None
    engine: str = ""
    dpi: int | None = None
    angle: float = 0.0            # degrees the scan was turned to level it
    seconds: float = 0.0
    cells: int = 0                # table cells with text
    unreadable: int = 0           # of which left unread (confidence below the threshold)
    confidences: list[float] = Field(default_factory=list)
