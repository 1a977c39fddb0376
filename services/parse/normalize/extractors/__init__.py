"""One extractor per format; the manager picks among them by score."""
from .base import Block, Extracted, Extractor, Probe
from .docx import DocxExtractor
from .html import HtmlExtractor
from .pdf import PdfExtractor
from .text import TextExtractor

EXTRACTORS: tuple[type[Extractor], ...] = (PdfExtractor, DocxExtractor, HtmlExtractor, TextExtractor)

__all__ = ["EXTRACTORS", "Block", "DocxExtractor", "Extracted", "Extractor", "HtmlExtractor", "PdfExtractor",
           "Probe", "TextExtractor"]
