"""One extractor per format; the manager picks among them by score."""
from .base import Block, Extracted, Extractor, Probe
from .doc import DocExtractor
from .docx import DocxExtractor
from .html import HtmlExtractor
from .image import ImageExtractor
from .pdf import PdfExtractor
from .text import TextExtractor
from .wps import WpsExtractor
from .xls import XlsExtractor
from .xlsx import XlsxExtractor

# Order matters only among equal scores and for the early stop at a magic-byte match (manager.py):
# WpsExtractor before DocExtractor, so a Word-format file named .wps is recorded as a .wps.
EXTRACTORS: tuple[type[Extractor], ...] = (PdfExtractor, ImageExtractor, DocxExtractor, XlsxExtractor, WpsExtractor, DocExtractor,
                                           XlsExtractor, HtmlExtractor, TextExtractor)

__all__ = ["EXTRACTORS", "Block", "DocExtractor", "DocxExtractor", "Extracted", "Extractor", "HtmlExtractor", "ImageExtractor",
           "PdfExtractor", "Probe", "TextExtractor", "WpsExtractor", "XlsExtractor", "XlsxExtractor"]
