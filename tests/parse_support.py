"""Helpers for the parse tests: documents through the real normalize stage, and record lookup by
the dotted paths the expected-value files use."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.parse.normalize import normalize
from services.parse.parser import parse
from shared.document import NormalizedDoc
from shared.record import Record


def doc_of(path: Path) -> NormalizedDoc:
    data = path.read_bytes()
    return normalize(data, hashlib.sha256(data).hexdigest(), filename=path.name)


def record_of(path: Path) -> Record:
    return parse(doc_of(path))


def text_doc(text: str, name: str = "t.txt") -> NormalizedDoc:
    """A plain-text document through normalize, for hand-written layouts."""
    data = text.encode("utf-8")
    return normalize(data, hashlib.sha256(data).hexdigest(), filename=name)


def expected_cells(expected: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(table, row, column, value) for every cell of an expected-values entry."""
    for table in ("active_disclosure", "applications", "review_litigation"):
        for row, cols in expected.get(table, {}).items():
            for col, value in cols.items():
                yield table, row, col, value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    return a == b
