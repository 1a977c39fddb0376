"""Corrections: audited changes users make to a report, kept beside it and laid over its parsed record.

A user with a `correct` key (services/ingest/routers/corrections.py) sets a table cell (a cell path of
shared/schema.py) or a meta field (`meta.agency`, `meta.year`, `meta.region.province` …) with a reason,
or reverts such a change. The raw bytes and the parsed record never change: every change is an event in
the report's correction log, stored durably (fsynced, like the raw bytes) in the storage directory under
`corrections/<id[:2]>/<id>.json`, and the validate stage lays the log over the parsed record each time it
reads one (`overlay`): findings are recomputed with the corrected values, the validated record (and so
the index, `nianbao reindex` too) holds them, and a reprocessed document or a new parser's record gets
them again. A correction whose cell the record no longer has (another template after a parser upgrade)
is kept but not applied: `applied` false and a CORRECTION_NOT_APPLIED finding say so.

Effective value of a path: the newest `set` not reverted; none left → the parsed value.
"""
from __future__ import annotations

import fcntl
import json
import math
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, get_args

from shared.record import CellProvenance, CorrectionEvent, CorrectionValue, Finding, Level, Record
from shared.schema import cell_path_set, split_path, table_cells
from shared.storage import Storage, _atomic_write

RULE_NOT_APPLIED = "CORRECTION_NOT_APPLIED"
MAX_REASON = 2000
MAX_TEXT = 300
MAX_CELL = 1_000_000_000_000   # above any count or amount (万元) a report states
# Meta fields a correction may set: path → kind of value.
META_FIELDS: dict[str, str] = {
    "meta.title": "text", "meta.agency": "text", "meta.agency_type": "text",
    "meta.year": "year", "meta.published": "date", "meta.level": "level",
    "meta.region.province": "text", "meta.region.city": "text", "meta.region.county": "text",
}
_LEVELS = set(get_args(Level))
_ID_RX = re.compile(r"^[0-9a-f]{64}$")


class CorrectionError(ValueError):
    """A correction that cannot be made (unknown path, bad value): zh and en, for a 422."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def known_path(path: str) -> bool:
    return path in META_FIELDS or path in cell_path_set()


def path_exists(record: Record, path: str) -> bool:
    """Whether this record has the path: every meta field; a cell of its template's tables."""
    if path in META_FIELDS:
        return True
    if path not in cell_path_set():
        return False
    table, _, _ = split_path(path)
    return path in table_cells(table, record.meta.template)


def check_value(path: str, value: Any) -> CorrectionValue:
    """The value a correction of `path` may set, normalized; CorrectionError otherwise."""
    kind = META_FIELDS.get(path, "cell")
    if value is None:
        if path in ("meta.agency", "meta.year"):
            raise CorrectionError(f"{path} 不能为空", f"{path} cannot be empty")
        return None
    if kind == "cell":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0 <= value <= MAX_CELL:
            raise CorrectionError("单元格的值须为不超过 10¹² 的非负数或 null",
                                  "a cell's value must be a non-negative number (at most 10¹²) or null")
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if kind == "year":
        if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
            raise CorrectionError("年度须为 1990–2100 之间的整数", "the year must be an integer from 1990 to 2100")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise CorrectionError(f"{path} 须为 1–{MAX_TEXT} 个字符的文字", f"{path} must be text of 1–{MAX_TEXT} characters")
    value = value.strip()
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise CorrectionError("发布日期须为 YYYY-MM-DD", "the published date must be YYYY-MM-DD") from None
    if kind == "level" and value not in _LEVELS:
        raise CorrectionError(f"层级须为 {sorted(_LEVELS)} 之一", f"the level must be one of {sorted(_LEVELS)}")
    return value


def get_value(record: Record, path: str) -> CorrectionValue:
    if path in META_FIELDS:
        obj: Any = record
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj
    table, row, col = split_path(path)
    return getattr(record, table).get(row, {}).get(col)


def _set_value(record: Record, path: str, value: CorrectionValue) -> None:
    if path in META_FIELDS:
        *parents, last = path.split(".")
        obj: Any = record
        for part in parents:
            obj = getattr(obj, part)
        setattr(obj, last, value)
        return
    table, row, col = split_path(path)
    getattr(record, table).setdefault(row, {})[col] = value


# --- the log ---------------------------------------------------------------------------------------
class CorrectionStore:
    """Each report's correction log, one JSON file, rewritten atomically and fsynced under a lock."""

    def __init__(self, storage: Storage) -> None:
        self.root = Path(storage.root) / "corrections"

    def path(self, report_id: str) -> Path:
        if not _ID_RX.match(report_id):
            raise ValueError(f"not a document id: {report_id!r}")
        return self.root / report_id[:2] / f"{report_id}.json"

    def events(self, report_id: str) -> list[CorrectionEvent]:
        try:
            raw = self.path(report_id).read_bytes()
        except FileNotFoundError:
            return []
        return [CorrectionEvent.model_validate(e) for e in json.loads(raw)]

    @contextmanager
    def locked(self, report_id: str) -> Iterator[list[CorrectionEvent]]:
        """The report's log under an exclusive lock, for a change written with `save` inside the block."""
        path = self.path(report_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield self.events(report_id)

    def save(self, report_id: str, events: list[CorrectionEvent]) -> None:
        """Write the whole log (atomically, fsynced: a correction answered is a correction kept)."""
        data = json.dumps([e.model_dump(mode="json", exclude={"applied", "reverted_by"}) for e in events],
                          ensure_ascii=False).encode()
        _atomic_write(self.path(report_id), data, durable=True)

    def report_ids(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(f.stem for sub in self.root.iterdir() if sub.is_dir()
                      for f in sub.glob("*.json") if _ID_RX.match(f.stem))

    def all_events(self) -> list[CorrectionEvent]:
        """Every report's log (with `reverted_by`), oldest first."""
        out = [e for rid in self.report_ids() for e in history(self.events(rid))]
        return sorted(out, key=lambda e: (e.at, e.id))


def new_id() -> str:
    return "c_" + secrets.token_hex(6)


def active(events: list[CorrectionEvent]) -> dict[str, CorrectionEvent]:
    """path → the `set` in effect (newest not reverted)."""
    reverted = {e.reverts for e in events if e.action == "revert"}
    out: dict[str, CorrectionEvent] = {}
    for e in events:
        if e.action == "set" and e.id not in reverted:
            out[e.path] = e
    return out


def history(events: list[CorrectionEvent]) -> list[CorrectionEvent]:
    """The log with each reverted `set` naming its revert."""
    by = {e.reverts: e.id for e in events if e.action == "revert"}
    return [e.model_copy(update={"reverted_by": by.get(e.id)}) for e in events]


def overlay(record: Record, events: list[CorrectionEvent]) -> Record:
    """Lay the log over a parsed record (in place, and returned): effective values set, their cells'
    provenance `corrected`, `record.corrections` the history (each `set` saying whether it is applied),
    and a CORRECTION_NOT_APPLIED finding for each effective correction whose path the record lacks."""
    if not events:
        return record
    effective = active(events)
    applied: set[str] = set()
    for path, e in effective.items():
        if not path_exists(record, path):
            record.findings.append(Finding(
                rule=RULE_NOT_APPLIED, severity="warning", where=path, expected=e.new, actual=e.id,
                message=f"更正 {e.id} 未生效：本记录没有单元格 {path}（模板为 {record.meta.template or '未知'}）"
                        f" / correction {e.id} not applied: this record has no cell {path} "
                        f"(template {record.meta.template or 'unknown'})"))
            continue
        _set_value(record, path, e.new)
        record.provenance[path] = CellProvenance(source="corrected", by=[e.id])
        applied.add(e.id)
    record.corrections = [e.model_copy(update={"applied": (e.id in applied) if e.action == "set" else None})
                          for e in history(events)]
    return record


def effective_record(record: Record, store: CorrectionStore) -> Record:
    return overlay(record, store.events(record.id))
