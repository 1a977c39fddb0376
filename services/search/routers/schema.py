"""GET /api/v1/schema: the record catalogue (shared/schema.py) — the tables' rows, columns, labels and
cell paths per template, their identities, the report sections, the facets and the key figures. The web
UI renders its tables, labels and facet names from it; other clients can do the same."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from shared.schema import SECTION_TITLES, TABLE, Catalogue, Table, catalogue, cell_labels

router = APIRouter(prefix="/api/v1", tags=["schema"])


@router.get("/schema", response_model=Catalogue,
            summary="表格、标签与分面目录 / the catalogue of tables, labels, cell paths, facets and key figures")
def get_schema(response: Response) -> Catalogue:
    """Everything a client needs to name a report's figures: per table its columns and its rows per
    template (keys, 中文 and English labels, outline numbers) and so every cell path; the identities the
    tables obey (each term a cell path and a coefficient, their sum 0); the six sections; the facets
    (name, indexed field, labels, labels of known values) and the figures shown with every hit."""
    # It changes only with a deployment: browsers keep it a while instead of fetching ~110 KB per page.
    response.headers["Cache-Control"] = "public, max-age=600"
    return catalogue()


@router.get("/record-schema", deprecated=True,
            summary="表格结构与中文标签（旧格式，请用 /api/v1/schema） / table keys and labels, old shape: use /api/v1/schema")
def record_schema() -> dict[str, Any]:
    """The table keys and Chinese labels of both templates in the shape served before /api/v1/schema,
    derived from the same catalogue."""
    app, rl, ad = TABLE["applications"], TABLE["review_litigation"], TABLE["active_disclosure"]

    def cols(table: Table) -> list[dict[str, str]]:
        return [{"key": c.key, "label": c.zh} for c in table.columns]

    return {
        "sections": SECTION_TITLES,
        "applications": {"cols": cols(app),
                         "rows": {t: [{"key": r.key, "label": r.label} for r in rows] for t, rows in app.rows.items()}},
        "review_litigation": {"cols": cols(rl), "rows": [{"key": r.key, "label": r.zh} for r in rl.rows["2021"]]},
        "active_disclosure": {t: [{"key": r.key, "label": r.zh,
                                   "cols": [{"key": c, "label": ad.column(c).zh} for c in r.cols]} for r in rows]
                              for t, rows in ad.rows.items()},
        "cells": [{"path": p, "label": zh} for p, (zh, _) in cell_labels().items()],
    }
