"""Blocks → text. The contract the parser relies on: a table is rendered at its position, one line per row,
cells joined by " | " (an empty cell stays an empty string: "a |  | b")."""
from __future__ import annotations

from collections.abc import Iterable

from shared.document import Table

from .extractors import Block

CELL_SEPARATOR = " | "


def render_table(table: Table) -> str:
    return "\n".join(CELL_SEPARATOR.join(row) for row in table.rows)


def render(blocks: Iterable[Block]) -> str:
    return "\n".join(render_table(b) if isinstance(b, Table) else b for b in blocks)
