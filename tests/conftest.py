"""Every test carries one kind, so a run can pick its part (`scripts/test.sh` runs them all):

- `unit`: pure functions, no servers — `scripts/test.sh -m unit` (under a minute);
- `corpus`: sweeps of the parser and the rules over hundreds of generated reports (pure, but long);
- `integration`: the real Redis, Elasticsearch, Celery workers and APIs (tests/integration/), or the
  project's server scripts;
- `browser`: Chromium against the running UI (tests/browser/).

A test module or test marked `corpus` or `integration` itself keeps that mark; the folders decide the rest.
"""
from __future__ import annotations

import pytest

KINDS = ("unit", "corpus", "integration", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.parts
        if "browser" in parts:
            kind = "browser"
        elif "integration" in parts or item.get_closest_marker("integration"):
            kind = "integration"
        elif item.get_closest_marker("corpus"):
            kind = "corpus"
        else:
            kind = "unit"
        if not item.get_closest_marker(kind):
            item.add_marker(getattr(pytest.mark, kind))
