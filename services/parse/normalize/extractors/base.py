"""What every extractor shares: the probe it is scored on, the blocks it returns, the class contract."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar, Literal

from shared.document import Table

from .. import encoding, sniff

if TYPE_CHECKING:
    from services.parse.ocr.models import OcrPage

# A block is a piece of text (one or more lines) or a structured table, in document order.
Block = str | Table


@dataclass
class Extracted:
    blocks: list[Block]
    encoding: str | None = None
    page_title: str | None = None   # HTML <title>: the report's title when its body has no title line
    ocr_pages: list[OcrPage] = field(default_factory=list)  # the OCR'd pages whose blocks are in `blocks`


@dataclass
class Probe:
    """The raw bytes plus the caller's hints. Text decoding is done at most once, on demand, and its failure
    is kept so each text-based extractor sees the same verdict."""

    data: bytes
    filename: str | None = None
    content_type: str | None = None
    # Pages already read by OCR (page number → OcrPage): a scanned page found here is read from it; one not
    # found makes the extractor raise NeedsOcr (services/parse/ocr).
    ocr_pages: dict[int, OcrPage] | None = None
    _decoded: tuple[str, str] | None = field(default=None, repr=False)
    _decode_error: Exception | None = field(default=None, repr=False)

    @cached_property  # asked by several extractors; PurePath is not cheap
    def extension(self) -> str:
        return PurePath(self.filename).suffix.lower().lstrip(".") if self.filename else ""

    @cached_property  # asked by every OLE extractor; reads the compound file's directory
    def ole_kind(self) -> sniff.OleKind | None:
        return sniff.ole_kind(self.data)

    @property
    def mime(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    def decoded(self) -> tuple[str, str]:
        """(text, encoding); raises the decoding ProcessingError."""
        if self._decoded is None and self._decode_error is None:
            try:
                self._decoded = encoding.decode(self.data, encoding.declared_charsets(self.data, self.content_type))
            except Exception as exc:  # noqa: BLE001 — kept and re-raised: the verdict must not depend on who asks first
                self._decode_error = exc
        if self._decode_error is not None:
            raise self._decode_error
        assert self._decoded is not None
        return self._decoded


class Extractor(ABC):
    """One format. `score` says how well the bytes match (0 = not at all); the manager runs the best."""

    format: ClassVar[Literal["text", "html", "docx", "pdf", "image", "doc", "wps", "xls", "xlsx"]]
    MIME_TYPES: ClassVar[frozenset[str]] = frozenset()
    EXTENSIONS: ClassVar[frozenset[str]] = frozenset()
    OLE: ClassVar[bool] = False  # reads OLE2 compound files: the only candidates for those bytes
    HINT_BONUS: ClassVar[int] = 5  # filename/content type only break ties between content matches

    @classmethod
    def hinted(cls, probe: Probe) -> bool:
        return probe.mime in cls.MIME_TYPES or probe.extension in cls.EXTENSIONS

    @classmethod
    def score(cls, probe: Probe) -> int:
        base = cls.sniff(probe)
        if base <= 0:
            return 0
        return base + (cls.HINT_BONUS if cls.hinted(probe) else 0)

    @classmethod
    @abstractmethod
    def sniff(cls, probe: Probe) -> int:
        """Content match score from the bytes alone."""

    @abstractmethod
    def extract(self, probe: Probe) -> Extracted:
        """Blocks in document order; raises ProcessingError when the document cannot be read."""


def is_data_grid(grid: list[list[str]]) -> bool:
    """A real table has at least two rows and two columns with content; anything less is a layout box
    (a framed paragraph, a one-cell wrapper) whose text belongs in the running text."""
    if len(grid) < 2:
        return False
    width = max((len(r) for r in grid), default=0)
    filled = sum(1 for c in range(width) if any(c < len(r) and r[c].strip() for r in grid))
    return filled >= 2
