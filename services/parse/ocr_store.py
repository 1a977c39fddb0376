"""The OCR stage's artifacts and progress: which pages of a document need OCR (`ocr-plan`), each page read
(`ocr-<page>`), and the progress a user sees at GET /api/v1/documents/{id} while the pages are read.

Pages are kept in storage, not in messages: a message names a document and a page, the page's result
survives a crash of the normalize stage, and a document normalized again (orphan sweep, reprocess) has
only its missing pages read.
"""
from __future__ import annotations

from pydantic import BaseModel

from services.parse.ocr.engine import engine_version
from services.parse.ocr.models import Kind, OcrPage
from shared.clients import status_store, storage

PLAN = "ocr-plan"


class OcrPlan(BaseModel):
    """The scanned pages of a document (0-based) and how to read them (render a PDF page or decode an image)."""
    kind: Kind
    pages: list[int]


def page_artifact(page: int) -> str:
    return f"ocr-{page}"


def plan_of(doc_id: str) -> OcrPlan | None:
    path = storage().artifact_path(doc_id, PLAN)
    return OcrPlan.model_validate_json(path.read_bytes()) if path.exists() else None


def save_plan(doc_id: str, kind: Kind, pages: list[int]) -> OcrPlan:
    plan = OcrPlan(kind=kind, pages=sorted(set(pages)))
    storage().put_model(doc_id, PLAN, plan)
    return plan


def read_page(doc_id: str, page: int) -> OcrPage | None:
    """A page read before, by this engine version (an upgraded engine reads the page again)."""
    path = storage().artifact_path(doc_id, page_artifact(page))
    if not path.exists():
        return None
    found = OcrPage.model_validate_json(path.read_bytes())
    return found if found.engine == engine_version() else None


def put_page(doc_id: str, result: OcrPage) -> None:
    storage().put_model(doc_id, page_artifact(result.page), result)


def pages_read(doc_id: str, plan: OcrPlan | None) -> dict[int, OcrPage]:
    """The pages of the plan already read."""
    if plan is None:
        return {}
    return {p: found for p in plan.pages if (found := read_page(doc_id, p)) is not None}


def note(done: int, total: int) -> str:
    return f"OCR 识别 {done}/{total} 页 / OCR {done}/{total} pages"


def report(doc_id: str, done: int, total: int) -> None:
    """The progress shown with the document's status (kept only while it is still queued)."""
    status_store().progress(doc_id, "ocr", done, total, note(done, total))
