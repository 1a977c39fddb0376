"""Normalize stage: raw bytes → NormalizedDoc (encoding, format extraction, OpenCC, half-width)."""
from __future__ import annotations

from shared.document import NormalizedDoc


def normalize(data: bytes, doc_id: str, filename: str | None = None, content_type: str | None = None,
              source_url: str | None = None) -> NormalizedDoc:
    raise NotImplementedError  # filled in by the normalize package
