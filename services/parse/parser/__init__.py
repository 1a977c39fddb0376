"""Parse stage: NormalizedDoc → Record (meta, sections, three tables, narrative figures)."""
from __future__ import annotations

from shared.document import NormalizedDoc
from shared.record import Record


def parse(doc: NormalizedDoc) -> Record:
    raise NotImplementedError
