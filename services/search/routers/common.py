"""What the search, stats and export endpoints share: turning a parameter check into a standard 422.
(The parameters themselves: services/search/params.py.)"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from services.search.errors import invalid
from services.search.query import QueryError
from shared.es_index import dig  # noqa: F401 — re-exported: the routers and tests read documents with it

T = TypeVar("T")


def query_or_422(fn: Callable[..., T], *a: Any, loc: tuple[str, ...] = ("query",)) -> T:
    """`fn(*a)`; a QueryError (a parameter the user can fix) becomes FastAPI's standard 422."""
    try:
        return fn(*a)
    except QueryError as e:
        raise invalid(str(e), *loc) from None
