"""Corrections of a report's values (shared/corrections.py): set one with a reason, list a report's
history, list or export all, revert one. Writes want a key with the `correct` scope (or `admin`); reads
need no key, like a document's status. A change is stored durably first, then the report is sent to the
validate queue: findings are recomputed and the index gets the corrected record within seconds."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.ingest.auth import ApiKey, require_scope
from services.ingest.deps import get_storage
from services.ingest.limits import problem
from services.ingest.openapi import Problem, responses
from services.ingest.routers.documents import ID_PATTERN
from shared.corrections import (
    MAX_CELL,
    MAX_REASON,
    MAX_TEXT,
    META_FIELDS,
    CorrectionError,
    CorrectionStore,
    active,
    check_value,
    get_value,
    history,
    known_path,
    new_id,
    overlay,
    path_exists,
)
from shared.messages import send_next
from shared.record import CorrectionEvent, Level, Record
from shared.schema import ordered_cell_paths
from shared.status import now_iso
from shared.storage import Storage

router = APIRouter(prefix="/api/v1", tags=["corrections"])
_require_correct = require_scope("correct")
CORRECTION_ID = r"^c_[0-9a-f]{12}$"
def _iso_date(v: str) -> str:
    date.fromisoformat(v)  # ValueError → 422
    return v


# A reason must hold something other than white space: the characters str.isspace() calls space (and the
# BOM), spelt out so Python, JSON Schema (ECMA) and pydantic's regex engine all read the pattern the same.
_NOT_ONLY_SPACE = r"[^\t-\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_REPORT = Path(..., pattern=ID_PATTERN, description="年报（文档）编号 / report (document) id")


_REASON = Field(min_length=1, max_length=MAX_REASON, pattern=_NOT_ONLY_SPACE,
                description="理由（必填，不能只有空白）/ why (required, not only white space)",
                examples=["原文第 3 页表格为 12 / the table on page 3 prints 12"])
_STRICT = ConfigDict(extra="forbid", strict=True)
if TYPE_CHECKING:
    CellPath = str
    TextField = str
else:  # the catalogue's cell paths and the text meta fields, as enumerations in the OpenAPI document
    CellPath = Literal[tuple(ordered_cell_paths())]
    TextField = Literal[tuple(p for p, kind in META_FIELDS.items() if kind == "text")]
Count = Annotated[int, Field(ge=0, le=MAX_CELL)]
Amount = Annotated[float, Field(ge=0, le=MAX_CELL, allow_inf_nan=False)]


class CellCorrection(BaseModel):
    """A table cell (its path: GET /api/v1/schema of the search API): a non-negative number, or null
    (the report gives no value)."""
    model_config = _STRICT
    path: CellPath = Field(description="单元格路径 / cell path", examples=["applications.granted.total"])
    value: Count | Amount | None = Field(description="新值 / the new value", examples=[12])
    reason: str = _REASON


class TextCorrection(BaseModel):
    model_config = _STRICT
    path: TextField = Field(description="meta 文字字段 / a text meta field", examples=["meta.agency"])
    value: str = Field(min_length=1, max_length=MAX_TEXT, pattern=_NOT_ONLY_SPACE, examples=["聊城市城市管理局"])
    reason: str = _REASON


class YearCorrection(BaseModel):
    model_config = _STRICT
    path: Literal["meta.year"]
    value: int = Field(ge=1990, le=2100, examples=[2021])
    reason: str = _REASON


class PublishedCorrection(BaseModel):
    model_config = _STRICT
    path: Literal["meta.published"]
    value: Annotated[str, AfterValidator(_iso_date)] = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                                             json_schema_extra={"format": "date"},
                                                             examples=["2022-01-28"])
    reason: str = _REASON


class LevelCorrection(BaseModel):
    model_config = _STRICT
    path: Literal["meta.level"]
    value: Level
    reason: str = _REASON


CorrectionIn = Annotated[CellCorrection | TextCorrection | YearCorrection | PublishedCorrection | LevelCorrection,
                         Field(discriminator="path")]


class RevertIn(BaseModel):
    model_config = _STRICT
    reason: str = _REASON


# A body that is not even JSON (FastAPI answers it before validation).
_R400: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "请求体无法解析 / the request body could not be parsed"}}


def _who(key: ApiKey | None) -> tuple[str, str | None]:
    if key is None:
        return "开放访问 / open access", None
    return f"{key.name} ({key.id})", key.id


def _record(storage: Storage, report_id: str) -> Record:
    """The parsed record of a report that went through validation; 404 otherwise."""
    if not (storage.artifact_path(report_id, "validated").exists()
            and storage.artifact_path(report_id, "parsed").exists()):
        raise problem(404, "未找到该年报（或尚未处理完）", "report not found (or not processed yet)")
    return storage.get_model(report_id, "parsed", Record)


def _revalidate(store: CorrectionStore, report_id: str, events: list[CorrectionEvent]) -> None:
    """Save the log, then send the report to validation; if the queue is down, undo (nothing changed)."""
    previous = events[:-1]
    store.save(report_id, events)
    try:
        send_next("validate", [report_id])
    except Exception:  # noqa: BLE001 — the broker is down: the change is taken back, the client retries
        store.save(report_id, previous)
        raise problem(503, "处理队列暂不可用，更正未保存，请稍后重试",
                      "queue unavailable, the correction was not saved; retry shortly", {"Retry-After": "5"}) from None


@router.post("/reports/{report_id}/corrections", status_code=201, response_model=CorrectionEvent,
             responses={**_R400, **responses(
                 401, 403, 404, 409, 422, 429, 503,
                 s409="该年报的模板没有此单元格，或新值与当前值相同 / this report's template has no such cell, or the "
                      "value is already the current one",
                 s422="未知的单元格路径或字段、无效的值或理由为空 / unknown cell path or field, invalid value, or no reason")},
             summary="更正一个单元格或字段 / correct a cell or meta field (scope `correct`)")
def set_correction(report_id: str = _REPORT, body: CorrectionIn = Body(...),
                   storage: Storage = Depends(get_storage),
                   key: ApiKey | None = Depends(_require_correct)) -> CorrectionEvent:
    reason = body.reason
    parsed = _record(storage, report_id)
    if not known_path(body.path):  # the body's schema already refused it; kept for any other caller
        raise problem(422, f"未知的单元格路径或字段 {body.path!r}", f"unknown cell path or field {body.path!r}")
    if not path_exists(parsed, body.path):
        raise problem(409, f"该年报（模板 {parsed.meta.template}）没有单元格 {body.path}",
                      f"this report (template {parsed.meta.template}) has no cell {body.path}")
    try:
        value = check_value(body.path, body.value)
    except CorrectionError as e:
        raise problem(422, e.zh, e.en) from None
    store = CorrectionStore(storage)
    with store.locked(report_id) as events:
        old = get_value(overlay(parsed.model_copy(deep=True), events), body.path)
        if old == value and type(old) is type(value):
            raise problem(409, "新值与当前值相同", "the new value equals the current one")
        by, key_id = _who(key)
        event = CorrectionEvent(id=new_id(), report_id=report_id, action="set", path=body.path, old=old,
                                new=value, reason=reason, by=by, key_id=key_id, at=now_iso())
        events.append(event)
        _revalidate(store, report_id, events)
    return event


@router.post("/reports/{report_id}/corrections/{correction_id}/revert", status_code=201,
             response_model=CorrectionEvent,
             responses={**_R400, **responses(401, 403, 404, 409, 422, 429, 503,
                                             s409="该更正已撤销或不是一次设置 / already reverted, or not a `set`",
                                             s422="理由为空 / no reason")},
             summary="撤销一次更正 / revert a correction (scope `correct`; audited like a correction)")
def revert_correction(report_id: str = _REPORT,
                      correction_id: str = Path(..., pattern=CORRECTION_ID, description="更正编号 / correction id"),
                      body: RevertIn = Body(...), storage: Storage = Depends(get_storage),
                      key: ApiKey | None = Depends(_require_correct)) -> CorrectionEvent:
    reason = body.reason
    parsed = _record(storage, report_id)
    store = CorrectionStore(storage)
    with store.locked(report_id) as events:
        target = next((e for e in events if e.id == correction_id), None)
        if target is None:
            raise problem(404, "未找到该更正", "correction not found")
        if target.action != "set" or any(e.reverts == correction_id for e in events):
            raise problem(409, "该更正已撤销或不是一次设置", "this correction is already reverted or is not a `set`")
        old = get_value(overlay(parsed.model_copy(deep=True), events), target.path)
        by, key_id = _who(key)
        event = CorrectionEvent(id=new_id(), report_id=report_id, action="revert", path=target.path, old=old,
                                new=None, reason=reason, by=by, key_id=key_id, at=now_iso(), reverts=correction_id)
        after = [*events, event]
        event.new = get_value(overlay(parsed.model_copy(deep=True), after), target.path)
        events.append(event)
        _revalidate(store, report_id, events)
    return event


@router.get("/reports/{report_id}/corrections", response_model=list[CorrectionEvent],
            responses=responses(404, 422), summary="一份年报的更正历史 / a report's corrections, oldest first")
def report_corrections(report_id: str = _REPORT, storage: Storage = Depends(get_storage)) -> list[CorrectionEvent]:
    store = CorrectionStore(storage)
    events = store.events(report_id)
    if not events:
        _record(storage, report_id)  # a report without corrections: []; an unknown one: 404
    in_effect = {e.id for e in active(events).values()}
    return [e.model_copy(update={"applied": e.id in in_effect if e.action == "set" else None})
            for e in history(events)]


_CSV_COLUMNS = ("id", "report_id", "action", "path", "old", "new", "reason", "by", "key_id", "at", "reverts",
                "reverted_by")
_CSV_HEADER = ("更正编号 id", "年报编号 report_id", "操作 action", "路径 path", "原值 old", "新值 new", "理由 reason",
               "更正人 by", "密钥 key_id", "时间 at", "撤销的更正 reverts", "被撤销于 reverted_by")


def _csv_cell(v: Any) -> str:
    text = "" if v is None else (v if isinstance(v, str) else json.dumps(v))
    # A spreadsheet must not run what a user typed: a leading = + - @ is kept as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/corrections", response_model=list[CorrectionEvent],
            responses={200: {"description": "JSON，或 format=csv 时为 CSV / JSON, or CSV with format=csv",
                             "content": {"text/csv": {"schema": {"type": "string"}}}}, **responses(422)},
            summary="全部更正（JSON 或 CSV）/ every correction, oldest first (JSON or CSV)")
def all_corrections(format: Literal["json", "csv"] = Query("json", description="json 或 csv / json or csv"),
                    storage: Storage = Depends(get_storage)) -> Any:
    events = CorrectionStore(storage).all_events()
    if format == "json":
        return events
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_CSV_HEADER)
    for e in events:
        d = e.model_dump(mode="json")
        w.writerow([_csv_cell(d[c]) for c in _CSV_COLUMNS])
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="corrections.csv"'})
